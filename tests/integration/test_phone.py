"""Phone calls and texts through Twilio's real client, against a loopback server that records
what it sent; and Twilio's callbacks to Radar, signed as Twilio signs them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from radar.api.app import create_app
from radar.clock import FrozenClock
from radar.services.incidents import Declaration
from radar.settings import Settings
from tests.conftest import START
from tests.support.live import serve
from tests.support.radar import ANA, radar_with, run_engine
from tests.support.recorder import Recorder, Reply, recording

SID, TOKEN, FROM = "AC00000000000000000000000000000001", "twilio-token", "+34911000000"
PUBLIC = "https://radar.example.com"
LAURA = "+34600000001"
CALL = {"sid": "CA0000000000000000000000000000001", "status": "queued"}
SMS = {"sid": "SM0000000000000000000000000000001", "status": "queued"}
POSTED = {"ok": True, "channel": "C0RADAR", "ts": "1764237600.000100"}


def twilio_signature(url: str, params: dict[str, str], token: str = TOKEN) -> str:
    """As Twilio documents it: HMAC-SHA1 over the URL and each field's name and value, sorted
    by name; base64."""
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@pytest.fixture
def twilio_api() -> Iterator[Recorder]:
    with recording() as rec:
        rec.default = Reply(status=201, body=CALL)
        yield rec


@pytest.fixture
def slack_api() -> Iterator[Recorder]:
    with recording() as rec:
        rec.default = Reply(body=POSTED)
        yield rec


def settings_for(
    tmp_path: Path, twilio_api: Recorder, slack_api: Recorder | None = None
) -> Settings:
    extra = (
        {"slack_bot_token": "xoxb-p", "slack_api_url": slack_api.url + "/api/"} if slack_api else {}
    )
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'radar.db'}",
        public_url=PUBLIC,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        twilio_from_number=FROM,
        twilio_api_url=twilio_api.url,
        **extra,
    )


class Twilio:
    """Posts to Radar as Twilio does: a form, signed for the public URL it was given."""

    def __init__(self, web: httpx.Client) -> None:
        self.web = web

    def post(self, url: str, params: dict[str, str], *, token: str = TOKEN) -> httpx.Response:
        signature = twilio_signature(url, params, token)
        return self.web.post(
            urlsplit(url).path, data=params, headers={"X-Twilio-Signature": signature}
        )


def gather_url(twiml: str) -> str:
    start = twiml.index('action="') + len('action="')
    return twiml[start : twiml.index('"', start)].replace("&amp;", "&")


def status_url(request_form: dict[str, list[str]]) -> str:
    return request_form["StatusCallback"][0]


def test_sev2_calls_the_manager_after_10_minutes_and_a_keypress_acknowledges(
    twilio_api: Recorder, slack_api: Recorder, tmp_path: Path
) -> None:
    clock = FrozenClock(START)
    with radar_with(settings_for(tmp_path, twilio_api, slack_api), clock) as c:
        run_engine(c)
        assert [r.json()["channel"] for r in slack_api.requests] == ["#radar"]
        clock.advance(timedelta(minutes=9, seconds=59))
        run_engine(c)
        assert twilio_api.requests == []
        clock.advance(timedelta(seconds=1))
        run_engine(c)
        (call,) = twilio_api.requests
        assert call.path == f"/2010-04-01/Accounts/{SID}/Calls.json"
        basic = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        assert call.headers["authorization"] == f"Basic {basic}"
        form = call.form()
        assert (form["To"], form["From"]) == ([LAURA], [FROM])
        twiml = form["Twiml"][0]
        assert "INC-1. Sev2 - Major. Checkout down" in twiml
        assert "Press 1 to acknowledge." in twiml
        action = gather_url(twiml)
        assert action.startswith(f"{PUBLIC}/integrations/twilio/voice/")
        callback = status_url(form)
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
            twilio = Twilio(web)
            answered = {"CallSid": CALL["sid"], "CallStatus": "in-progress"}
            assert twilio.post(callback, answered).status_code == 204
            assert twilio.post(callback, answered).status_code == 204  # Twilio retries
            pressed = twilio.post(action, {"CallSid": CALL["sid"], "Digits": "1"})
            assert pressed.status_code == 200
            assert pressed.headers["content-type"].startswith("application/xml")
            assert "<Say>Acknowledged INC-1. Thank you. Goodbye.</Say>" in pressed.text
        ack = c.incidents.get(ANA, "INC-1").incident.acknowledgement
        assert ack is not None
        assert (ack.by, ack.via.value) == ("Laura Gómez", "phone")
        timeline = c.incidents.get(ANA, "INC-1").timeline
        story = [e.message for e in timeline if e.kind == "delivery"]
        assert story == [
            "Posted in #radar on Slack",
            "Called Laura Gómez (engineering manager, Payments)",
            "Laura Gómez answered the call",
        ]
        (_, called) = c.engine.plan(ANA, "INC-1").notifications
        history = c.engine.plan(ANA, "INC-1").attempts[called.id]
        assert [(a.channel, a.outcome) for a in history] == [
            ("phone", "sent"),
            ("phone", "in-progress"),
            ("phone", "pressed 1"),
        ]
        assert called.provider_id == CALL["sid"]
        # Nobody is paged again: no call, no text, no page in Slack. The #radar card is brought
        # up to date, and the process's nudges (a role to assign, an update due) go on.
        posted = len(slack_api.requests)
        clock.advance(timedelta(hours=1))
        run_engine(c)
        assert len(twilio_api.requests) == 1
        later = [r.json()["text"] for r in slack_api.requests[posted:]]
        assert later
        assert not [t for t in later if "Acknowledge" in t or "nobody has responded" in t]


def test_an_unanswered_call_falls_back_to_a_text(twilio_api: Recorder, tmp_path: Path) -> None:
    clock = FrozenClock(START)
    with radar_with(settings_for(tmp_path, twilio_api), clock) as c:
        clock.advance(timedelta(minutes=10))
        run_engine(c)
        (call,) = twilio_api.requests
        twilio_api.default = Reply(status=201, body=SMS)
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
            missed = {"CallSid": CALL["sid"], "CallStatus": "no-answer"}
            assert Twilio(web).post(status_url(call.form()), missed).status_code == 204
        run_engine(c)
        text = twilio_api.requests[1]
        assert text.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
        body = text.form()["Body"][0]
        assert body.startswith("INC-1 · Sev2 - Major · Checkout down")
        assert body.endswith("Reply ACK INC-1 to acknowledge.")
        story = [e.message for e in c.incidents.get(ANA, "INC-1").timeline if e.kind == "delivery"]
        assert story[-2:] == [
            "Laura Gómez did not answer the call (no-answer); trying sms next",
            "Texted Laura Gómez (engineering manager, Payments)",
        ]


def test_a_text_reply_acknowledges_as_the_person_with_that_phone(
    twilio_api: Recorder, tmp_path: Path
) -> None:
    with radar_with(settings_for(tmp_path, twilio_api)) as c:
        sms = f"{PUBLIC}/integrations/twilio/sms"
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
            twilio = Twilio(web)
            stranger = twilio.post(sms, {"From": "+15550000000", "Body": "ACK INC-1"})
            assert "Radar does not know this number" in stranger.text
            unclear = twilio.post(sms, {"From": LAURA, "Body": "yes"})
            assert "Reply ACK INC-42 to acknowledge" in unclear.text
            missing = twilio.post(sms, {"From": LAURA, "Body": "ACK INC-99"})
            assert "There is no incident INC-99" in missing.text
            too_long = twilio.post(sms, {"From": LAURA, "Body": "ACK INC-" + "9" * 5000})
            assert too_long.status_code == 200
            assert "There is no incident INC-999" in too_long.text
            assert c.incidents.get(ANA, "INC-1").incident.acknowledgement is None
            done = twilio.post(sms, {"From": "+34 600 000 001", "Body": " ack inc-1 "})
            assert "<Message>INC-1 acknowledged. Thank you.</Message>" in done.text
            again = twilio.post(sms, {"From": LAURA, "Body": "ACK 1"})
            assert "already acknowledged by Laura Gómez" in again.text
        ack = c.incidents.get(ANA, "INC-1").incident.acknowledgement
        assert ack is not None
        assert (ack.by, ack.via.value) == ("Laura Gómez", "sms")


def test_a_restricted_incident_cannot_be_acknowledged_by_a_stranger_text(
    twilio_api: Recorder, tmp_path: Path
) -> None:
    with radar_with(settings_for(tmp_path, twilio_api), declare=False) as c:
        c.incidents.declare(ANA, Declaration("Data leak", "checkout", "sev2", restricted=True))
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
            sms = f"{PUBLIC}/integrations/twilio/sms"
            answer = Twilio(web).post(sms, {"From": LAURA, "Body": "ACK INC-1"})
            assert "There is no incident INC-1" in answer.text
        assert c.incidents.get(ANA, "INC-1").incident.acknowledgement is None


def test_requests_not_signed_by_twilio_are_refused_and_change_nothing(
    twilio_api: Recorder, tmp_path: Path
) -> None:
    with radar_with(settings_for(tmp_path, twilio_api)) as c:
        sms = f"{PUBLIC}/integrations/twilio/sms"
        params = {"From": LAURA, "Body": "ACK INC-1"}
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
            twilio = Twilio(web)
            assert twilio.post(sms, params, token="not-the-token").status_code == 403
            assert web.post("/integrations/twilio/sms", data=params).status_code == 403
            # Signed for another URL (a replay against another endpoint) does not verify.
            other = f"{PUBLIC}/integrations/twilio/status/x"
            signature = twilio_signature(other, params)
            moved = web.post(
                "/integrations/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
            )
            assert moved.status_code == 403
            # A forged keypress token is refused even with a valid signature.
            forged = twilio.post(f"{PUBLIC}/integrations/twilio/voice/abc.def", {"Digits": "1"})
            assert forged.status_code == 404
        assert c.incidents.get(ANA, "INC-1").incident.acknowledgement is None


def test_without_twilio_settings_the_endpoints_do_not_exist(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'radar.db'}")
    with radar_with(settings) as c, serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
        assert web.post("/integrations/twilio/sms", data={"Body": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [
        (Reply(status=400, body={"code": 21211, "message": "Invalid 'To' Phone Number"}), False),
        (Reply(status=500, body={"code": 20500, "message": "Internal"}), True),
        (Reply(status=429, body={"code": 20429, "message": "Too Many Requests"}), True),
    ],
)
def test_twilio_failures_are_told_apart(
    twilio_api: Recorder, tmp_path: Path, reply: Reply, retryable: bool
) -> None:
    clock = FrozenClock(START)
    twilio_api.replies = [reply, reply]
    with radar_with(settings_for(tmp_path, twilio_api), clock) as c:
        clock.advance(timedelta(minutes=10))
        run_engine(c)
        (_, called) = c.engine.plan(ANA, "INC-1").notifications
        history = c.engine.plan(ANA, "INC-1").attempts[called.id]
        # The call, then the text, through the same account; email is not configured.
        assert [(a.channel, a.outcome) for a in history] == [
            ("phone", "failed"),
            ("sms", "failed"),
            ("email", "skipped"),
        ]
        assert (called.state.value == "pending") is retryable
        if not retryable:
            assert history[0].detail.endswith("Invalid 'To' Phone Number")
            assert history[0].detail.startswith("Twilio 21211: ")


def test_calls_to_one_person_within_a_minute_go_as_one(
    twilio_api: Recorder, tmp_path: Path
) -> None:
    clock = FrozenClock(START)
    with radar_with(settings_for(tmp_path, twilio_api), clock) as c:
        clock.advance(timedelta(seconds=30))
        c.incidents.declare(ANA, Declaration("Payments slow", "checkout", "sev2"))
        clock.advance(timedelta(minutes=9, seconds=30))
        run_engine(c)  # INC-1's call
        clock.advance(timedelta(seconds=30))
        c.incidents.declare(ANA, Declaration("Refunds stuck", "checkout", "sev2"))
        run_engine(c)  # INC-2's call waits for the window
        assert len(twilio_api.requests) == 1
        clock.advance(timedelta(minutes=10))
        run_engine(c)  # INC-2 and INC-3 together, in one call
        assert len(twilio_api.requests) == 2
        twiml = twilio_api.requests[1].form()["Twiml"][0]
        assert "This is Radar, with 2 pages." in twiml
        assert "Press 1 to acknowledge all." in twiml
        action = gather_url(twiml)
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
            pressed = Twilio(web).post(action, {"Digits": "1"})
            assert "Acknowledged INC-2, INC-3." in pressed.text
        assert c.incidents.get(ANA, "INC-2").incident.acknowledgement is not None
        assert c.incidents.get(ANA, "INC-3").incident.acknowledgement is not None
        assert c.incidents.get(ANA, "INC-1").incident.acknowledgement is None
