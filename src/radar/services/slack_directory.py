"""Who a Slack user is, by email: the policy may list a person's ``email`` without their Slack
id, and Radar still knows them when they click, type ``/radar`` or reply in Slack.

Slack's ``users.info`` gives the address (the app's ``users:read.email`` scope). Answers are
kept a while, in this process: a person acting in Slack costs one look-up an hour, and Slack
being slow or down costs the first request only its short timeout, after which the person is
treated as unknown (and told so) rather than kept waiting past Slack's three seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from radar.clock import Clock
from radar.domain.policy import Person, Policy

log = logging.getLogger(__name__)

KNOWN_FOR = timedelta(hours=1)  # an address Slack gave
UNKNOWN_FOR = timedelta(minutes=5)  # no address (a bot, a guest, a deleted user)
FAILED_FOR = timedelta(seconds=30)  # Slack did not answer: ask again soon, not on every click
MAX_KEPT = 10_000


class SlackDirectory:
    """``email(user)``: the Slack user's email address, or None; ``lookup`` asks Slack."""

    def __init__(self, lookup: Callable[[str], str | None] | None, clock: Clock) -> None:
        self._lookup = lookup
        self._clock = clock
        self._kept: dict[str, tuple[datetime, str | None]] = {}
        self._lock = threading.Lock()

    def email(self, slack_user: str) -> str | None:
        if self._lookup is None or not slack_user:
            return None
        now = self._clock.now()
        with self._lock:
            kept = self._kept.get(slack_user)
        if kept is not None and kept[0] > now:
            return kept[1]
        try:
            found, good_for = self._lookup(slack_user), KNOWN_FOR
            if found is None:
                good_for = UNKNOWN_FOR
        except Exception as exc:  # Slack down, slow or refusing: unknown for now
            log.warning("could not look up Slack user %s: %s", slack_user, exc)
            found, good_for = None, FAILED_FOR
        with self._lock:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[slack_user] = (now + good_for, found)
        return found

    def person(self, policy: Policy, slack_user: str) -> Person | None:
        """The policy's person with this Slack id; else the one whose email Slack gives for
        the user (compared without regard to case)."""
        listed = person_of(policy, slack_user)
        if listed is not None or not slack_user:
            return listed
        email = self.email(slack_user)
        if not email:
            return None
        wanted = email.casefold()
        return next((p for p in policy.people if p.email and p.email.casefold() == wanted), None)


def display_name(person: Person | None, slack_user: str) -> str:
    """How the timeline names a Slack user: their name in the policy, else ``Slack user U123``."""
    return person.name if person is not None else f"Slack user {slack_user or 'unknown'}"


def person_of(policy: Policy, slack_user: str) -> Person | None:
    """The person of the policy whose ``slack`` id is ``slack_user``."""
    return next((p for p in policy.people if p.slack and p.slack == slack_user), None)
