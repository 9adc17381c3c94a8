"""Phone calls and SMS through Twilio's REST API, with the ``twilio`` package.

A call reads the incident and offers "press 1 to acknowledge": its TwiML ``Gather`` posts the key
to ``/integrations/twilio/voice/{tokens}``, where the tokens are the notifications' signed
acknowledge tokens. Twilio reports how the call went (answered, busy, no answer) to
``/integrations/twilio/status/{tokens}``. A text ends with "Reply ACK INC-42 to acknowledge";
replies arrive at ``/integrations/twilio/sms``. Radar checks Twilio's signature on all three.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import Gather, VoiceResponse

from radar.domain.incident import reference_for
from radar.domain.notification import Notification
from radar.notify.base import DeliveryError

TIMEOUT = 10.0
RING_SECONDS = 30  # how long a call rings before Twilio reports no answer
MAX_SPOKEN = 2500  # characters; Twilio takes at most 4,000 of inline TwiML

VOICE_PATH = "/integrations/twilio/voice/"
STATUS_PATH = "/integrations/twilio/status/"
SMS_PATH = "/integrations/twilio/sms"
TOKEN_SEPARATOR = "~"  # noqa: S105 - not a secret: in neither base64url nor the token's "."


def client(account_sid: str, auth_token: str, api_url: str) -> Client:
    """A client on ``api_url`` that does not retry by itself: the engine retries, with backoff,
    from the outbox, and records each attempt."""
    logger = logging.getLogger("twilio.http_client")
    logger.setLevel(logging.WARNING)  # its INFO lines repeat each request
    http = TwilioHttpClient(timeout=TIMEOUT, logger=logger)
    made = Client(account_sid, auth_token, http_client=http)
    made.api.base_url = api_url.rstrip("/")
    return made


def spoken(n: Notification) -> str:
    """What the call says: each incident's reference, level and title, and why Radar calls."""
    parts = []
    for m in n.members:
        subject = m.subject.replace(" · ", ". ").replace("[DRILL]", "This is a drill.")
        parts.append(f"{subject}. {m.body}")
    intro = "This is Radar." if len(parts) == 1 else f"This is Radar, with {len(parts)} pages."
    return f"{intro} {' '.join(parts)}"[:MAX_SPOKEN]


def call_twiml(n: Notification, gather_url: str | None) -> str:
    response = VoiceResponse()
    text = spoken(n)
    if gather_url is None:
        response.say(text)
        return str(response)
    press = "Press 1 to acknowledge." if len(n.members) == 1 else "Press 1 to acknowledge all."
    gather = Gather(num_digits=1, action=gather_url, method="POST", timeout=8)
    gather.say(f"{text} {press}", loop=2)
    response.append(gather)
    response.say("No key was pressed. Radar goes on escalating. Goodbye.")
    return str(response)


def sms_text(n: Notification) -> str:
    lines = []
    for m in n.members:
        lines.append(f"{m.subject}\n{m.body}")
        if m.incident_id and m.ack_token:
            lines.append(f"Reply ACK {reference_for(m.incident_id)} to acknowledge.")
    return "\n".join(lines)


class _Twilio:
    def __init__(self, made: Client, from_number: str, public_url: str) -> None:
        self._client = made
        self._from = from_number
        self._public_url = public_url.rstrip("/")

    def _url(self, path: str, n: Notification) -> str | None:
        tokens = [m.ack_token for m in n.members if m.ack_token]
        return f"{self._public_url}{path}{TOKEN_SEPARATOR.join(tokens)}" if tokens else None

    @staticmethod
    def _call(create: Callable[..., Any], **kwargs: Any) -> str:
        try:
            made = create(**{k: v for k, v in kwargs.items() if v is not None})
        except TwilioRestException as exc:
            raise _refused(exc) from None
        except (TwilioException, OSError) as exc:  # connection refused, timeouts, bad answers
            raise DeliveryError(f"cannot reach Twilio: {type(exc).__name__}") from None
        return str(made.sid)


class VoiceSender(_Twilio):
    """A phone call that reads the page and takes a keypress."""

    def send(self, notification: Notification, address: str) -> str | None:
        n = notification
        return self._call(
            self._client.calls.create,
            to=address,
            from_=self._from,
            twiml=call_twiml(n, self._url(VOICE_PATH, n)),
            status_callback=self._url(STATUS_PATH, n),
            status_callback_event=["answered", "completed"] if n.members[0].ack_token else None,
            status_callback_method="POST",
            timeout=RING_SECONDS,
        )


class SmsSender(_Twilio):
    """A text message; a reply ``ACK INC-42`` acknowledges."""

    def send(self, notification: Notification, address: str) -> str | None:
        n = notification
        return self._call(
            self._client.messages.create,
            to=address,
            from_=self._from,
            body=sms_text(n),
            status_callback=self._url(STATUS_PATH, n),
        )


def _refused(exc: TwilioRestException) -> DeliveryError:
    """429 and 5xx may pass; any other refusal will not: a bad or unreachable number (21211,
    21214), a region not allowed (21215), a number that replied STOP (21610), a landline for
    SMS (21614), wrong credentials (20003). https://www.twilio.com/docs/api/errors"""
    status = exc.status
    if status == 429 or status >= 500:
        return DeliveryError(f"Twilio HTTP {status}", retryable=True)
    code = f" {exc.code}" if exc.code else ""
    return DeliveryError(f"Twilio{code}: {exc.msg}", retryable=False)
