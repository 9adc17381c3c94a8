"""What comes back from phones, through Twilio: a key pressed during a call, how a call or a
text went, and text replies such as ``ACK INC-42``.

The API checks Twilio's signature before anything here runs. A call that rings out, is busy or
fails, and a text that is not delivered, count as a failed page: the notification's next
channels (``via: [phone, sms, email]``) are tried, unless someone has acknowledged meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from radar.clock import Clock
from radar.domain import incident as inc
from radar.domain.errors import Expired, NotFound, RadarError
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Via, reference_for
from radar.domain.notification import Attempt, Notification
from radar.domain.outgoing import Outgoing
from radar.services import response
from radar.services.ack_links import AckLinkService, person_of
from radar.services.incidents import incident_id
from radar.services.policies import PolicyService
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

# Twilio's CallStatus and MessageStatus values that mean the page did not reach the person.
CALL_FAILED = frozenset({"busy", "no-answer", "failed", "canceled"})
SMS_FAILED = frozenset({"undelivered", "failed"})
_ACK = re.compile(r"^\s*(?:ack|acknowledge)\s+(\S+)\s*$", re.IGNORECASE)
HELP = "Reply ACK INC-42 to acknowledge incident INC-42."


@dataclass(frozen=True)
class Report:
    """Twilio's word on a call or a text: which, and its status."""

    sid: str
    status: str
    call: bool  # a call's CallStatus, else a text's MessageStatus


class PhoneService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        links: AckLinkService,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._links = links
        self._wake = wake

    def pressed(self, tokens: list[str], digits: str) -> str:
        """A key pressed during a call; what the call says back."""
        if digits.strip() != "1":
            return "Nothing was acknowledged. Goodbye."
        done = []
        for token in tokens:
            attempt = Attempt("phone", "pressed 1", "acknowledge")
            try:
                done.append(self._links.acknowledge(token, Via.PHONE, attempt).incident.reference)
            except Expired:  # the link was used: pressed twice, or acknowledged by email
                done.append(reference_for(self._links.notification(token).incident_id))
        return f"Acknowledged {', '.join(done)}. Thank you. Goodbye."

    def report(self, tokens: list[str], report: Report) -> None:
        """Keep Twilio's status with each notification of the call or text; on a failed page,
        say so on the incident and try the next channel."""
        now = self._clock.now()
        queued = False
        for token in tokens:
            nid = self._links.notification(token).id
            with self._uow(write=True) as uow:
                n = uow.outbox.get(nid)
                assert n is not None  # notifications are never deleted
                if uow.outbox.has_attempt(nid, report.status, report.sid):
                    continue  # Twilio retried its callback
                channel = "phone" if report.call else "sms"
                uow.outbox.add_attempts(nid, [Attempt(channel, report.status, "", report.sid)], now)
                line = _line(n, report)
                if line is not None:
                    if report.status in (CALL_FAILED if report.call else SMS_FAILED):
                        next_channel = self._fall_back(uow, n, channel)
                        queued = queued or next_channel is not None
                        if next_channel:
                            line += f"; trying {next_channel} next"
                    entry = TimelineEntry(
                        at=now, kind="delivery", actor="Radar", via="engine", message=line
                    )
                    uow.incidents.append(n.incident_id, [entry])
                uow.commit()
        if queued:
            self._wake()

    def _fall_back(self, uow: UnitOfWork, n: Notification, failed: str) -> str | None:
        """Queue the notification again on the channels after ``failed``, if any are left and
        nobody has acknowledged the incident."""
        names = [c.value for c in n.channels]
        rest = n.channels[names.index(failed) + 1 :] if failed in names else ()
        incident = uow.incidents.get(n.incident_id)
        if not rest or not incident.is_open or incident.acknowledgement is not None:
            return None
        again = Outgoing(
            target=n.target,
            address=n.address,
            label=n.label,
            channels=tuple(rest),
            subject=n.subject,
            body=n.body,
            contacts=tuple(n.contacts.items()),
            facts=n.facts,
        )
        uow.outbox.add(n.incident_id, None, [(f"{n.key}:after-{failed}", again)], self._clock.now())
        uow.timers.announce()
        return rest[0].value

    def text_reply(self, from_number: str, body: str) -> str:
        """A text to Radar's number: ``ACK INC-42`` acknowledges as the person whose phone the
        policy lists. The answer goes back as a text."""
        match = _ACK.match(body)
        if match is None:
            return HELP
        now = self._clock.now()
        with self._uow(write=True) as uow:
            policy = self._policies.current_in(uow).policy
            person = next((p for p in policy.people if _same_number(p.phone, from_number)), None)
            if person is None:
                return "Radar does not know this number; acknowledge in Radar instead."
            try:
                number = incident_id(match.group(1))
                current = uow.incidents.get(number, for_update=True)
            except NotFound:
                return f"There is no incident {match.group(1)}. {HELP}"
            if current.restricted and not uow.outbox.notified(number, person.id):
                # Only those it was sent to may act on a restricted incident by text.
                return f"There is no incident {match.group(1)}. {HELP}"
            if current.acknowledgement is not None:
                by = current.acknowledgement.by
                return f"{current.reference} was already acknowledged by {by}."
            try:
                changed, events = inc.acknowledge(current, Actor(person.name, Via.SMS), now)
            except RadarError as exc:
                return f"{current.reference}: {exc.message}"
            fresh = response.save(uow, policy, changed, events, now)
            uow.commit()
        if fresh:
            self._wake()
        return f"{changed.reference} acknowledged. Thank you."


def _same_number(listed: str | None, caller: str) -> bool:
    def digits(text: str) -> str:
        return re.sub(r"[^\d+]", "", text)

    return bool(listed) and digits(listed or "") == digits(caller)


def _line(n: Notification, report: Report) -> str | None:
    """The timeline's words for a status worth telling people, else None."""
    who = person_of(n)
    if report.call:
        if report.status == "in-progress":
            return f"{who} answered the call"
        if report.status in CALL_FAILED:
            return f"{who} did not answer the call ({report.status})"
        return None
    if report.status in SMS_FAILED:
        return f"The text to {who} was not delivered ({report.status})"
    return None
