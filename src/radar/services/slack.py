"""What people do in Slack, once the API has checked Slack's signature, handed to the part that
does it: the ``/radar`` command (``services/slack_slash.py``), a button on Radar's card
(``services/slack_buttons.py``; the upgrade's in ``services/slack_upgrades.py``), a submitted
modal (``services/slack_modals.py``) and a reply in the card's thread or the incident's channel
(``services/slack_replies.py``). Each acts as the person the Slack user is
(``services/slack_people.py``).

Here too: the note to the person who clicked or typed, sent after Slack had its answer, and the
incident's own Slack channel for those who may see the incident.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from radar.clock import Clock
from radar.domain.access import Permission, Principal
from radar.integrations.slack_commands import Invocation
from radar.integrations.slack_requests import Click, Message
from radar.integrations.slack_role_view import RoleSubmission
from radar.integrations.slack_views import Submission, UpdateSubmission
from radar.services.access import require, visible
from radar.services.incidents import IncidentService, incident_id
from radar.services.policies import PolicyService
from radar.services.slack_buttons import SlackButtons
from radar.services.slack_directory import SlackDirectory
from radar.services.slack_modals import SlackModals
from radar.services.slack_people import SlackPeople
from radar.services.slack_replies import SlackReplies
from radar.services.slack_slash import SlackCommands
from radar.store.uow import UnitOfWorkProvider

log = logging.getLogger(__name__)


class SlackService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        wake: Callable[[], None] = lambda: None,
        send_answer: Callable[[str, str], None] | None = None,
        incidents: IncidentService | None = None,
        open_view: Callable[[str, dict[str, Any]], None] | None = None,
        viewers_may_report: bool = False,
        directory: SlackDirectory | None = None,
    ) -> None:
        self._uow = uow
        self._send_answer = send_answer
        incidents = incidents or IncidentService(uow, clock, policies, wake)
        people = SlackPeople(uow, policies, directory or SlackDirectory(None, clock))
        self._modals = SlackModals(people, incidents, open_view, viewers_may_report)
        self._commands = SlackCommands(uow, clock, policies, people, incidents, self._modals)
        self._buttons = SlackButtons(uow, clock, policies, wake, people, incidents, self._modals)
        self._replies = SlackReplies(uow, clock, policies, wake, people)

    def command(self, invocation: Invocation, *, public_url: str) -> str:
        """``/radar ...`` as the person who typed it: what to tell them (only them)."""
        return self._commands.command(invocation, public_url=public_url)

    def click(self, click: Click) -> str:
        """A button on Radar's card, pressed: what to tell the person (only them; "" for
        nothing)."""
        return self._buttons.click(click)

    def submit(self, submission: Submission) -> dict[str, str]:
        """The declare modal, submitted: the errors to show on it, by block (none: close it)."""
        return self._modals.submit(submission)

    def submit_update(self, form: UpdateSubmission) -> dict[str, str]:
        """The update modal, submitted: the errors to show on it, by block (none: close it)."""
        return self._modals.submit_update(form)

    def submit_role(self, form: RoleSubmission) -> dict[str, str]:
        """The role modal, submitted: the errors to show on it, by block (none: close it)."""
        return self._modals.submit_role(form)

    def message(self, message: Message) -> str:
        """A message in a channel Radar's app is in: what happened, in words (for the log)."""
        return self._replies.message(message)

    def answer(self, response_url: str, text: str) -> None:
        """Send ``text`` to the person who clicked (after Slack had its 200). Best effort: the
        change is already stored, and the card is refreshed through the outbox regardless."""
        if self._send_answer is None or not response_url:
            return
        try:
            self._send_answer(response_url, text)
        except Exception as exc:  # a courtesy note; never an error for what was done
            log.warning("could not answer in Slack: %s", type(exc).__name__)

    def channel_of(self, principal: Principal, reference: str) -> tuple[str, str] | None:
        """The incident's own Slack channel (its id and name), for those who may see the
        incident; None when it has none (yet)."""
        require(principal, Permission.READ)
        number = incident_id(reference)
        with self._uow() as uow:
            visible(uow, principal, uow.incidents.get(number))
            return uow.slack_channels.named(number)
