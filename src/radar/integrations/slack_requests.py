"""What Slack sends Radar: checked against the app's signing secret, then read into plain values.

Every request from Slack carries ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``
(``v0=`` and the hex HMAC-SHA256, keyed with the signing secret, of ``v0:TIMESTAMP:BODY``). The
base string and the HMAC are slack_sdk's (``SignatureVerifier.generate_signature``); the checks
around it are here because the library's own ``is_valid`` would raise on a timestamp that is not a
number and on a signature that is not ASCII, and reads the system clock instead of Radar's.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_sdk.signature import SignatureVerifier

from radar.clock import Clock
from radar.domain.errors import InvalidInput, Unauthenticated
from radar.integrations.parsing import json_object
from radar.integrations.slack_manifest import TIMELINE_SHORTCUT

WINDOW_SECONDS = 5 * 60  # Slack's replay window: older (or later) requests are refused
# Buttons on Radar's cards (``notify/slack.py``): their ``value`` is the incident's reference.
ACKNOWLEDGE = "radar_ack"
RESOLVE = "radar_resolve"
UPDATE = "radar_update"  # opens the status update modal
ACCEPT_UPGRADE = "radar_upgrade_accept"  # the upgrade Radar proposes: yes
DECLINE_UPGRADE = "radar_upgrade_decline"  # and no
ACTIONS = frozenset({ACKNOWLEDGE, RESOLVE, UPDATE, ACCEPT_UPGRADE, DECLINE_UPGRADE})
# Message subtypes that are still a person writing in the thread; every other subtype is an
# edit, a deletion, a join, a bot or an app, and is not a response.
HUMAN_SUBTYPES = frozenset({"thread_broadcast", "file_share"})


class Verifier:
    def __init__(self, signing_secret: str, clock: Clock) -> None:
        self._library = SignatureVerifier(signing_secret)
        self._clock = clock

    def check(self, body: bytes, timestamp: str | None, signature: str | None) -> None:
        """Return if Slack signed ``body`` within the replay window; else ``Unauthenticated``."""
        stamp = (timestamp or "").strip()
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
            raise Unauthenticated("the request carries no valid X-Slack-Request-Timestamp")
        if abs(self._clock.now().timestamp() - int(stamp)) > WINDOW_SECONDS:
            raise Unauthenticated("the request's timestamp is more than five minutes off")
        try:
            expected = self._library.generate_signature(timestamp=stamp, body=body)
        except UnicodeDecodeError:
            expected = None  # Slack's bodies are UTF-8: this one was not signed by Slack
        given = (signature or "").encode("utf-8", "surrogateescape")
        if expected is None or not hmac.compare_digest(expected.encode(), given):
            raise Unauthenticated("the request does not carry a valid Slack signature")


@dataclass(frozen=True)
class Click:
    """A person pressed one of Radar's buttons (``block_actions``)."""

    user: str  # Slack user id
    action: str  # one of ACTIONS
    reference: str  # the incident, e.g. INC-42
    response_url: str  # where an answer only they see goes ("" when Slack gave none)
    trigger_id: str = ""  # lets Radar open a modal for them, within three seconds


@dataclass(frozen=True)
class Message:
    """A message Slack told Radar about (Events API, ``message``), reduced to what matters."""

    event_id: str
    channel: str
    user: str
    ts: str
    thread_ts: str  # "" when the message is not in a thread
    human: bool  # written by a person: no bot, no edit, no join ...

    @property
    def is_reply(self) -> bool:
        return bool(self.thread_ts) and self.thread_ts != self.ts


# Reactions that put a message in an incident's channel on the incident's timeline, and the
# message shortcut that does the same anywhere Radar can tell the incident.
PIN_REACTIONS = frozenset({"pushpin", "round_pushpin"})


@dataclass(frozen=True)
class Pin:
    """A person asked for a Slack message to go on an incident's timeline: a :pushpin: on it
    (Events API ``reaction_added``) or the *Add to incident timeline* shortcut on it."""

    event_id: str  # "" for a shortcut
    user: str  # who asked
    channel: str
    ts: str  # the message
    thread_ts: str  # the thread it is in; "" when not in one, or not known (a reaction)
    author: str  # the message's writer; "" until Radar fetched it (a reaction)
    text: str | None  # None until Radar fetched it (a reaction)
    response_url: str = ""  # a shortcut's: where to tell the person what happened


def reaction(data: dict[str, Any]) -> Pin | None:
    """A pin reaction on a message, from an ``event_callback``; None for anything else."""
    inner = data.get("event")
    if data.get("type") != "event_callback" or not isinstance(inner, dict):
        return None
    item = inner.get("item")
    if inner.get("type") != "reaction_added" or not isinstance(item, dict):
        return None
    if _text(inner, "reaction") not in PIN_REACTIONS or item.get("type") != "message":
        return None
    event_id, channel, ts = _text(data, "event_id"), _text(item, "channel"), _text(item, "ts")
    if not (event_id and channel and ts and _text(inner, "user")) or len(event_id) > 100:
        return None
    return Pin(event_id, _text(inner, "user"), channel, ts, "", "", None)


def shortcut(payload: dict[str, Any]) -> Pin | None:
    """The *Add to incident timeline* message shortcut; None for any other payload."""
    if payload.get("type") != "message_action":
        return None
    if _text(payload, "callback_id") != TIMELINE_SHORTCUT:
        return None
    message = payload.get("message")
    message = message if isinstance(message, dict) else {}
    channel, ts = _text(payload.get("channel"), "id"), _text(message, "ts")
    user = _text(payload.get("user"), "id")
    if not (channel and ts and user):
        return None
    author = _text(message, "user") or _text(message, "username") or _text(message, "bot_id")
    return Pin(
        event_id="",
        user=user,
        channel=channel,
        ts=ts,
        thread_ts=_text(message, "thread_ts"),
        author=author,
        text=_text(message, "text"),
        response_url=_text(payload, "response_url"),
    )


def payload(body: bytes) -> dict[str, Any]:
    """The JSON of an interactivity request (a form with one ``payload`` field)."""
    try:
        form = parse_qs(body.decode("utf-8"), max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the body is not a form Slack sends", field="body") from None
    return json_object((form.get("payload") or ["{}"])[0].encode())


def clicks(body: bytes) -> list[Click]:
    """Radar's button presses in an interactivity request (a form with one ``payload`` field
    holding JSON). Other interactions (link buttons, views, shortcuts) give none."""
    return clicks_in(payload(body))


def clicks_in(payload: dict[str, Any]) -> list[Click]:
    """Radar's button presses in an interactivity payload."""
    if payload.get("type") != "block_actions":
        return []
    user = _text(payload.get("user"), "id")
    response_url = _text(payload, "response_url")
    trigger_id = _text(payload, "trigger_id")
    found = []
    for action in payload.get("actions") or []:
        if not isinstance(action, dict):
            continue
        action_id, value = _text(action, "action_id"), _text(action, "value")
        if action_id in ACTIONS and value and user:
            found.append(Click(user, action_id, value[:40], response_url, trigger_id))
    return found


def event(data: dict[str, Any]) -> Message | None:
    """The message in an ``event_callback``; None for any other event."""
    inner = data.get("event")
    if data.get("type") != "event_callback" or not isinstance(inner, dict):
        return None
    if inner.get("type") != "message":
        return None
    subtype = _text(inner, "subtype")
    human = not inner.get("bot_id") and (not subtype or subtype in HUMAN_SUBTYPES)
    event_id = _text(data, "event_id")
    return Message(
        event_id=event_id if len(event_id) <= 100 else "",  # Slack's are short: not Slack's
        channel=_text(inner, "channel"),
        user=_text(inner, "user"),
        ts=_text(inner, "ts"),
        thread_ts=_text(inner, "thread_ts"),
        human=human and bool(_text(inner, "user")),
    )


def response_url_allowed(url: str, api_url: str) -> bool:
    """Answers go only to Slack (``https://hooks.slack.com``) or to the host that serves
    Slack's Web API for this server (a proxy, or a test server): never anywhere a payload
    names."""
    if not url:
        return False
    where, api = urlsplit(url), urlsplit(api_url)
    if where.scheme == "https" and where.hostname == "hooks.slack.com":
        return True
    return (where.scheme, where.netloc) == (api.scheme, api.netloc) and bool(api.netloc)


def _text(data: Any, key: str) -> str:
    """``data[key]`` when it is text (bounded), else ""."""
    value = data.get(key) if isinstance(data, dict) else None
    return value[:2000] if isinstance(value, str) else ""


def challenge(data: dict[str, Any]) -> str | None:
    """The value to echo for Slack's ``url_verification``; None for other bodies."""
    if data.get("type") != "url_verification":
        return None
    return _text(data, "challenge")
