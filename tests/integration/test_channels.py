"""Channels against loopback servers that record what the real clients (slack_sdk, httpx) sent:
bodies, auth headers, signatures; and the answers that must be retried or must not be."""

from __future__ import annotations

import hashlib
import hmac
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from radar.api.app import create_app
from radar.clock import FrozenClock
from radar.domain.errors import Expired
from radar.domain.notification import DeliveryState, Notification
from radar.domain.response import Channel
from radar.notify import slack
from radar.notify.base import DeliveryError
from radar.notify.email import EmailSender, SmtpConfig
from radar.notify.router import Router
from radar.notify.slack import SlackSender
from radar.notify.webhook import WebhookSender
from radar.settings import Settings
from tests.conftest import START
from tests.support.live import serve
from tests.support.radar import ANA, radar_with, run_engine
from tests.support.recorder import Recorder, Reply, recording

SECRET = "s3cret"


def note(channels: tuple[Channel, ...], **contacts: str) -> Notification:
    return Notification(
        id=1,
        incident_id=7,
        key="7:1:step:sev2:1:0:engineering_manager",
        target="engineering_manager",
        address="laura",
        label="Laura Gómez (engineering manager, Payments)",
        channels=channels,
        subject="INC-7 · Sev2 - Major · Checkout down",
        body="Step 2 of Sev2 - Major: nobody has responded after 10 minutes",
        state=DeliveryState.PENDING,
        created_at=START,
        next_attempt_at=START,
        contacts=contacts,
    )


@pytest.fixture
def server() -> Iterator[Recorder]:
    with recording() as rec:
        yield rec


@pytest.fixture
def web(server: Recorder) -> SlackSender:
    return SlackSender(slack.client("xoxb-test", server.url + "/api/", timeout=2))


def test_slack_posts_block_kit_with_the_bot_token(server: Recorder, web: SlackSender) -> None:
    web.send(note((Channel.SLACK,), slack="U0LAURA01"), "U0LAURA01")
    (sent,) = server.requests
    assert sent.path == "/api/chat.postMessage"
    assert sent.headers["authorization"] == "Bearer xoxb-test"
    body = sent.json()
    assert body["channel"] == "U0LAURA01"
    assert body["text"].startswith("INC-7 · Sev2 - Major · Checkout down")
    assert "*INC-7 · Sev2 - Major · Checkout down*" in body["blocks"][0]["text"]["text"]


@pytest.mark.parametrize(
    ("reply", "retryable", "after"),
    [
        (Reply(200, {"ok": False, "error": "channel_not_found"}), False, None),
        (Reply(200, {"ok": False, "error": "invalid_auth"}), False, None),
        (Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}), True, 30.0),
        (Reply(500, {"ok": False, "error": "internal_error"}), True, None),
    ],
)
def test_slack_failures_are_told_apart(
    server: Recorder, web: SlackSender, reply: Reply, retryable: bool, after: float | None
) -> None:
    server.replies.append(reply)
    with pytest.raises(DeliveryError) as failed:
        web.send(note((Channel.SLACK,)), "#radar")
    assert (failed.value.retryable, failed.value.retry_after) == (retryable, after)


def test_slack_timeouts_are_retried(server: Recorder, web: SlackSender) -> None:
    server.replies.append(Reply(hang=5))
    with pytest.raises(DeliveryError) as failed:
        web.send(note((Channel.SLACK,)), "#radar")
    assert failed.value.retryable


def test_webhooks_are_signed_so_receivers_can_verify_them(server: Recorder) -> None:
    with httpx.Client() as http:
        WebhookSender(http, SECRET).send(note((Channel.WEBHOOK,)), server.url + "/hook")
    (sent,) = server.requests
    stamp = sent.headers["x-radar-timestamp"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + sent.body, hashlib.sha256)
    assert sent.headers["x-radar-signature"] == "v1=" + expected.hexdigest()
    assert sent.headers["idempotency-key"] == "7:1:step:sev2:1:0:engineering_manager"
    assert sent.json()["subject"] == "INC-7 · Sev2 - Major · Checkout down"


@pytest.mark.parametrize(
    ("reply", "retryable", "after"),
    [
        (Reply(503), True, None),
        (Reply(429, headers={"Retry-After": "120"}), True, 120.0),
        (Reply(404), False, None),
        (Reply(410), False, None),
    ],
)
def test_webhook_failures_are_told_apart(
    server: Recorder, reply: Reply, retryable: bool, after: float | None
) -> None:
    server.replies.append(reply)
    with httpx.Client() as http, pytest.raises(DeliveryError) as failed:
        WebhookSender(http, SECRET).send(note((Channel.WEBHOOK,)), server.url + "/hook")
    assert (failed.value.retryable, failed.value.retry_after) == (retryable, after)


def test_fallbacks_are_tried_in_order_until_one_takes_it(
    server: Recorder, web: SlackSender
) -> None:
    router = Router({Channel.SLACK: web})
    n = note((Channel.PHONE, Channel.SMS, Channel.SLACK), phone="+34600000001", slack="U0LAURA01")
    delivered = router.deliver(n)
    assert delivered.channel == "slack"
    assert [(a.channel, a.outcome) for a in delivered.attempts] == [
        ("phone", "skipped"),
        ("sms", "skipped"),
        ("slack", "sent"),
    ]
    assert [r.json()["channel"] for r in server.requests] == ["U0LAURA01"]


def test_nothing_configured_is_a_visible_permanent_failure() -> None:
    n = note((Channel.PHONE, Channel.SMS, Channel.EMAIL), phone="+34600000001")
    with pytest.raises(DeliveryError) as failed:
        Router({}).deliver(n)
    assert failed.value.message == (
        "not sent: phone not configured; sms not configured; email not configured"
    )
    assert not failed.value.retryable


def test_a_sev2_reaches_radar_in_slack_end_to_end(server: Recorder, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'radar.db'}"
    settings = Settings(
        database_url=url, slack_bot_token="xoxb-e2e", slack_api_url=server.url + "/api/"
    )
    clock = FrozenClock(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    with radar_with(settings, clock) as c:
        run_engine(c)
        assert [r.json()["channel"] for r in server.requests] == ["#radar"]
        (actions,) = [b for b in server.requests[0].json()["blocks"] if b["type"] == "actions"]
        button, resolve, _ = actions["elements"]
        assert (resolve["action_id"], resolve["value"]) == ("radar_resolve", "INC-1")
        assert button["url"].startswith("http://127.0.0.1:8080/ack/")
        clock.advance(timedelta(minutes=10))
        run_engine(c)
        # The engineering manager is called first; no phone channel yet, so SMS, then email,
        # are tried and are not configured either: a visible failure, not a silent one.
        timeline = c.incidents.get(ANA, "INC-1").timeline
        failed = [e.message for e in timeline if e.kind == "delivery_failed"]
        assert failed == [
            "Could not reach Laura Gómez (engineering manager, Payments) (engineering_manager) "
            "after 1 attempt: not sent: phone not configured; sms not configured; "
            "email not configured"
        ]
        assert len(server.requests) == 1


@pytest.fixture
def smtp() -> Iterator[tuple[int, list[Envelope]]]:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
    received: list[Envelope] = []

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def mail(port: int) -> EmailSender:
    config = SmtpConfig(host="127.0.0.1", port=port, sender="radar@example.com", starttls=False)
    return EmailSender(config, "https://radar.example.com")


def test_email_has_both_parts_and_threads_by_incident(
    smtp: tuple[int, list[Envelope]],
) -> None:
    port, received = smtp
    sender = mail(port)
    sender.send(note((Channel.EMAIL,), email="laura@example.com"), "laura@example.com")
    other = replace(note((Channel.EMAIL,)), key="7:timer-9:communications_lead")
    sender.send(other, "laura@example.com")
    first, second = (message_from_bytes(e.content, policy=default) for e in received)
    assert received[0].rcpt_tos == ["laura@example.com"]
    assert first["Subject"] == "INC-7 · Sev2 - Major · Checkout down"
    assert first["Message-ID"] != second["Message-ID"]
    assert first["References"] == second["References"] == "<incident-7@example.com>"
    text = first.get_body(("plain",)).get_content()
    page = first.get_body(("html",)).get_content()
    assert "nobody has responded after 10 minutes" in text
    assert "https://radar.example.com/incidents/INC-7" in text
    assert "<strong>INC-7 · Sev2 - Major · Checkout down</strong>" in page


def test_a_resent_email_keeps_its_message_id_so_mail_systems_drop_the_repeat(
    smtp: tuple[int, list[Envelope]],
) -> None:
    port, received = smtp
    sender = mail(port)
    n = note((Channel.EMAIL,), email="laura@example.com")
    sender.send(n, "laura@example.com")
    sender.send(n, "laura@example.com")  # the one repeat a worker's death may cause
    first, again = (message_from_bytes(e.content, policy=default) for e in received)
    assert first["Message-ID"] == again["Message-ID"]
    assert first["X-Radar-Key"] == again["X-Radar-Key"] == n.key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_email_to_a_closed_port_is_retried() -> None:
    with pytest.raises(DeliveryError) as failed:
        mail(free_port()).send(note((Channel.EMAIL,)), "laura@example.com")
    assert failed.value.retryable


def test_secrets_never_show_in_settings() -> None:
    s = Settings(slack_bot_token="xoxb-very-secret", smtp_password="hunter2", webhook_secret="w")
    shown = repr(s) + str(s.model_dump())
    assert "xoxb-very-secret" not in shown
    assert "hunter2" not in shown


def test_notify_test_reports_what_happened(server: Recorder, tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'radar.db'}",
        slack_bot_token="xoxb-t",
        slack_api_url=server.url + "/api/",
    )
    with radar_with(settings) as c:
        sent = c.notifications.test("engineering_manager", service="catalog")
        assert (sent.recipient, sent.sent_through) == (
            "David Costa (engineering manager, Discovery)",
            "slack",
        )
        assert server.requests[-1].json()["channel"] == "U0DAVID05"
        missed = c.notifications.test("person:laura", via=(Channel.PHONE, Channel.EMAIL))
        assert missed.sent_through is None
        assert missed.problem == "not sent: phone not configured; email not configured"


def test_the_email_link_acknowledges_once_and_only_on_the_button(
    smtp: tuple[int, list[Envelope]], tmp_path: Path
) -> None:
    port, received = smtp
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'radar.db'}",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="radar@example.com",
    )
    clock = FrozenClock(START)
    with radar_with(settings, clock) as c:
        clock.advance(timedelta(minutes=10))
        run_engine(c)  # phone and SMS are not configured: the call falls back to email
        (envelope,) = received
        text = message_from_bytes(envelope.content, policy=default).get_body(("plain",))
        link = next(w for w in text.get_content().split() if "/ack/" in w)
        path = link[link.index("/ack/") :]
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as web:
            page = web.get(path)
            assert page.status_code == 200
            assert "Acknowledge as Laura Gómez?" in page.text
            assert c.incidents.get(ANA, "INC-1").incident.acknowledgement is None
            done = web.post(path)
            assert done.status_code == 200
            assert "Acknowledged by Laura Gómez" in done.text
            again = web.post(path)
            assert (again.status_code, "already used" in again.text) == (410, True)
            forged = web.post(path[:-3] + "AAA")
            assert forged.status_code == 404
        ack = c.incidents.get(ANA, "INC-1").incident.acknowledgement
        assert ack is not None
        assert (ack.by, ack.via.value) == ("Laura Gómez", "email")


def test_an_old_link_has_expired(tmp_path: Path) -> None:
    clock = FrozenClock(START)
    with radar_with(Settings(database_url=f"sqlite:///{tmp_path / 'radar.db'}"), clock) as c:
        c.engine.fire_due()
        (n,) = c.engine.plan(ANA, "INC-1").notifications
        token = c.ack_links.token_for(n)
        clock.advance(timedelta(hours=25))
        with pytest.raises(Expired):
            c.ack_links.acknowledge(token)


def test_a_final_failure_tells_the_fallback_target(server: Recorder, tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'radar.db'}",
        slack_bot_token="xoxb-f",
        slack_api_url=server.url + "/api/",
        fallback_target="slack:#radar-admins",
    )
    clock = FrozenClock(START)
    with radar_with(settings, clock) as c:
        run_engine(c)  # #radar
        clock.advance(timedelta(minutes=10))
        run_engine(c)  # the call: nothing configured for phone, SMS or email
        channels = [r.json()["channel"] for r in server.requests]
        assert channels == ["#radar", "#radar-admins"]
        alert = server.requests[1].json()["text"]
        assert alert.startswith("Radar could not deliver: INC-1 · Sev2 - Major · Checkout down")
        failed = [e for e in c.incidents.get(ANA, "INC-1").timeline if e.kind == "delivery_failed"]
        assert (failed[0].message or "").endswith("; #radar-admins was told")


def test_a_fallback_target_must_be_a_channel_or_an_address() -> None:
    with pytest.raises(ValueError, match="must be slack:#channel, email:ADDRESS"):
        Settings(fallback_target="engineering_manager")
