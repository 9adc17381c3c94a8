"""Radar's Slack forms: the declare modal (``/radar declare``) and the update modal (*Post
update* on a card), opened through Slack's ``views.open`` within the trigger's three seconds,
and what people submit in them and in the role modal (``services/slack_roles.py``), done as
the person who submitted it (via Slack). A submission answers with the errors to show on the
modal, by block (none: done, close the modal).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from radar.domain.access import Permission
from radar.domain.errors import Forbidden, NotFound, RadarError
from radar.domain.incident import Via, Visibility
from radar.domain.lifecycle import STATUS_CHANGES, Status
from radar.integrations.slack_requests import Click
from radar.integrations.slack_role_view import HOLDER, RoleSubmission
from radar.integrations.slack_views import (
    DESCRIPTION,
    MESSAGE,
    SERVICE,
    SEVERITY,
    STATUS,
    TITLE,
    Submission,
    UpdateSubmission,
    declare_view,
    update_view,
)
from radar.services import slack_roles
from radar.services.access import require
from radar.services.incidents import Declaration, IncidentService
from radar.services.slack_people import SlackPeople

log = logging.getLogger(__name__)


class SlackModals:
    def __init__(
        self,
        people: SlackPeople,
        incidents: IncidentService,
        open_view: Callable[[str, dict[str, Any]], None] | None = None,
        viewers_may_report: bool = False,
    ) -> None:
        self._people = people
        self._incidents = incidents
        self.open_view = open_view
        self._viewers_may_report = viewers_may_report

    def open_declare(self, user: str, trigger_id: str, base: str) -> str:
        """Open the declare modal through Slack's ``views.open`` (within the trigger's three
        seconds): "" when it opened. Otherwise (Slack failing, or a person Radar cannot map to
        an account, who may still sign in there) the link to the report page."""
        link = f"Declare an incident on Radar's report page, with the severity guide: {base}/report"
        policy, principal = self._people.acting_as(user)
        if isinstance(principal, str) or self.open_view is None or not trigger_id:
            return link
        try:
            self.open_view(trigger_id, declare_view(policy))
        except Exception as exc:  # Slack down, slow or refusing: the link still works
            log.warning("could not open the declare modal in Slack: %s", exc)
            return link
        return ""

    def open_update(self, click: Click) -> str:
        """*Post update*: open the update modal (within the click's three seconds), "" when it
        opened; else why not."""
        _, principal = self._people.acting_as(click.user)
        if isinstance(principal, str):
            return principal
        try:
            require(principal, Permission.RESPOND)
            current = self._incidents.get(principal, click.reference).incident
        except NotFound:
            return f"There is no incident {click.reference} in Radar."
        except Forbidden as exc:
            return f"Radar did not let you do that: {exc.message}."
        if not current.is_open and current.status is not Status.RESOLVED:
            return f"{current.reference} is {current.status.value}."
        statuses = sorted(s.value for s in STATUS_CHANGES[current.status])
        title = "restricted incident" if current.restricted else current.title
        view = update_view(current.reference, title, current.status.value, statuses)
        if self.open_view is None or not click.trigger_id:
            return (
                f"Slack cannot open the form here: post the update in Radar ({current.reference})."
            )
        try:
            self.open_view(click.trigger_id, view)
        except Exception as exc:  # Slack down, slow or refusing: say so, nothing was lost
            log.warning("could not open the update modal in Slack: %s", exc)
            return f"Slack did not open the form: post the update in Radar ({current.reference})."
        return ""

    def submit(self, submission: Submission) -> dict[str, str]:
        """The declare modal, submitted: declare as the person who submitted it (via Slack).
        The errors to show on the modal, by block (none: declared, close the modal)."""
        if not submission.title:
            return {TITLE: "Give the incident a title."}
        if not submission.service:
            return {SERVICE: "Pick the affected service."}
        if not submission.severity:
            return {SEVERITY: "Pick a severity."}
        _, principal = self._people.acting_as(submission.user)
        if isinstance(principal, str):
            return {TITLE: principal}  # why they cannot declare
        principal = replace(principal, viewers_may_report=self._viewers_may_report)
        data = Declaration(
            title=submission.title,
            service=submission.service,
            severity=submission.severity,
            description=submission.description,
            restricted=submission.restricted,
        )
        try:
            self._incidents.declare(principal, data, via=Via.SLACK)
        except Forbidden as exc:
            return {TITLE: f"Radar did not let you do that: {exc.message}."}
        except RadarError as exc:
            blocks = {"service": SERVICE, "severity": SEVERITY, "description": DESCRIPTION}
            return {blocks.get(exc.field or "", TITLE): exc.message}
        return {}

    def submit_update(self, form: UpdateSubmission) -> dict[str, str]:
        """The update modal, submitted: post the update as the person (via Slack). The errors
        to show on the modal, by block (none: posted, close the modal)."""
        if not form.message:
            return {MESSAGE: "Write the update."}
        status = None
        if form.status:
            try:
                status = Status(form.status)
            except ValueError:
                return {STATUS: f"Radar has no status {form.status!r}."}
        _, principal = self._people.acting_as(form.user)
        if isinstance(principal, str):
            return {MESSAGE: principal}
        seen = Visibility.PUBLIC if form.public else Visibility.INTERNAL
        try:
            self._incidents.post_update(
                principal,
                form.reference,
                message=form.message,
                visibility=seen,
                status=status,
                via=Via.SLACK,
            )
        except Forbidden as exc:
            return {MESSAGE: f"Radar did not let you do that: {exc.message}."}
        except RadarError as exc:
            return {STATUS if exc.field == "status" else MESSAGE: exc.message}
        return {}

    def submit_role(self, form: RoleSubmission) -> dict[str, str]:
        """The role modal, submitted: assign as the person (via Slack). The errors to show on
        the modal, by block (none: assigned, close the modal)."""
        _, principal = self._people.acting_as(form.user)
        if isinstance(principal, str):
            return {HOLDER: principal}
        return slack_roles.submit(self._incidents, principal, form)
