"""Acknowledge from a notification: a signed link that needs no login, expires, and works once.

The link carries the notification's id and an expiry, signed with HMAC-SHA256 under a key that
Radar makes once and keeps in the database (``server_secrets``), so every process accepts the
links of every other. Using it acknowledges the incident as the person the notification went to,
through the channel that carried it, and marks the link used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from datetime import timedelta

from radar.clock import Clock
from radar.domain import incident as inc
from radar.domain.errors import Expired, NotFound
from radar.domain.incident import Actor, Incident, Via
from radar.domain.notification import Attempt, Notification
from radar.services import response
from radar.services.policies import PolicyService
from radar.services.server_keys import ServerKey
from radar.store.uow import UnitOfWorkProvider

LIFETIME = timedelta(hours=24)
KEY_NAME = "ack_links"


@dataclass(frozen=True)
class LinkTarget:
    """What a link would do: acknowledge ``incident`` as ``who``."""

    incident: Incident
    who: str
    subject: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AckLinkService:
    def __init__(
        self, uow: UnitOfWorkProvider, clock: Clock, policies: PolicyService, public_url: str
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._public_url = public_url.rstrip("/")
        self._key = ServerKey(uow, clock, KEY_NAME)

    def token_for(self, n: Notification) -> str:
        expires = int((self._clock.now() + LIFETIME).timestamp())
        payload = _b64(json.dumps({"n": n.id, "e": expires}, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self._key.get(), payload.encode(), hashlib.sha256).digest())
        return f"{payload}.{signature}"

    def sign(self, n: Notification) -> Notification:
        """``n`` with its acknowledge token and link, for sending."""
        token = self.token_for(n)
        return replace(n, ack_token=token, ack_url=f"{self._public_url}/ack/{token}")

    def notification(self, token: str) -> Notification:
        """The notification a valid, unexpired token was made for (used or not)."""
        nid = self._notification_id(token)
        with self._uow() as uow:
            n = uow.outbox.get(nid)
        if n is None:
            raise NotFound("this acknowledge link is not valid", field="link")
        return n

    def _notification_id(self, token: str) -> int:
        payload, _, signature = token.partition(".")
        raw = payload.encode("utf-8", "surrogateescape")
        expected = _b64(hmac.new(self._key.get(), raw, hashlib.sha256).digest())
        # Compared as bytes: a link mangled into non-ASCII text is invalid, not an error.
        if not signature or not hmac.compare_digest(
            signature.encode("utf-8", "surrogateescape"), expected.encode()
        ):
            raise NotFound("this acknowledge link is not valid", field="link")
        data = json.loads(_unb64(payload))
        if self._clock.now().timestamp() > data["e"]:
            raise Expired("this acknowledge link has expired; acknowledge in Radar instead")
        return int(data["n"])

    def inspect(self, token: str) -> LinkTarget:
        """What the link would do, without doing it (a GET must change nothing)."""
        nid = self._notification_id(token)
        with self._uow() as uow:
            n = self._usable(uow.outbox.get(nid))
            incident = uow.incidents.get(n.incident_id)
        return LinkTarget(incident, person_of(n), n.subject)

    def acknowledge(
        self, token: str, via: Via | None = None, attempt: Attempt | None = None
    ) -> LinkTarget:
        """Acknowledge as the notification's recipient; ``attempt`` (a keypress, say) is kept
        with the notification in the same transaction."""
        nid = self._notification_id(token)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            n = self._usable(uow.outbox.get(nid))
            if not uow.outbox.use_link(nid, now):
                raise Expired("this acknowledge link was already used")
            if attempt is not None:
                uow.outbox.add_attempts(nid, [attempt], now)
            current = uow.incidents.get(n.incident_id, for_update=True)
            who = Actor(person_of(n), via or _via(n))
            changed = current
            if current.is_open and current.acknowledgement is None:
                changed, events = inc.acknowledge(current, who, now)
                response.save(uow, self._policies.current_in(uow).policy, changed, events, now)
            uow.commit()
        return LinkTarget(changed, who.name, n.subject)

    @staticmethod
    def _usable(n: Notification | None) -> Notification:
        if n is None:
            raise NotFound("this acknowledge link is not valid", field="link")
        if n.link_used_at is not None:
            raise Expired("this acknowledge link was already used")
        return n


def person_of(n: Notification) -> str:
    """``Laura Gómez`` from ``Laura Gómez (engineering manager, Payments)``."""
    return n.label.split(" (", 1)[0]


def _via(n: Notification) -> Via:
    return {"slack": Via.SLACK, "sms": Via.SMS, "phone": Via.PHONE}.get(n.channel or "", Via.EMAIL)
