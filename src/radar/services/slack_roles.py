"""Incident roles from Slack: ``/radar role INC-42 commander @laura`` in words, and without a
person the role modal, whose select lists whom Radar knows (Slack filters it as one types). Both
go through ``IncidentService.assign_role``: someone Radar does not know is refused, with the
closest matches, in words Slack shows as typed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from radar.domain import roles
from radar.domain.access import Permission, Principal
from radar.domain.errors import Forbidden, InvalidInput, RadarError
from radar.domain.incident import Incident, Via
from radar.domain.lifecycle import Action, is_allowed
from radar.domain.roles import Role
from radar.integrations.slack_role_view import HOLDER, RoleSubmission, role_view
from radar.services.access import require
from radar.services.incidents import IncidentService

log = logging.getLogger(__name__)

OpenView = Callable[[str, dict[str, Any]], None]


def role_name(role: Role) -> str:
    """ "communications lead"."""
    return role.value.replace("_", " ")


def escaped(text: str) -> str:
    """``text`` shown as typed in a Slack message (``&``, ``<`` and ``>`` are Slack's markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def assign(
    incidents: IncidentService, principal: Principal, reference: str, role: Role, who: str
) -> str:
    """``/radar role`` with a person: what to tell the one who typed it."""
    try:
        done = incidents.assign_role(principal, reference, role=role, assignee=who, via=Via.SLACK)
    except InvalidInput as exc:
        if exc.field != roles.FIELD:
            raise
        pick = f"`/radar role {reference} {role.value}` lists whom Radar knows"
        return f"{reference}: {escaped(exc.message)} ({pick})."
    return said(incidents, principal, done, role)


def said(incidents: IncidentService, principal: Principal, done: Incident, role: Role) -> str:
    """ "Laura Gómez (laura) is now the commander of INC-1 (Checkout down)." """
    known = incidents.role_candidates(principal, done.reference)
    who = escaped(roles.named(known, done.roles.get(role)))
    return f"{who} is now the {role_name(role)} of {done.reference} ({escaped(done.title)})."


def modal(
    incidents: IncidentService,
    open_view: OpenView | None,
    principal: Principal,
    reference: str,
    role: Role,
    trigger_id: str,
) -> str:
    """``/radar role INC-42 commander``: open the role modal (within the trigger's three
    seconds), "" when it opened; else what to tell the person."""
    require(principal, Permission.RESPOND)
    current = incidents.get(principal, reference).incident
    name_them = f"name who takes it: `/radar role {current.reference} {role.value} <@person>`"
    if not is_allowed(current.status, Action.ASSIGN_ROLE):
        return f"{current.reference} is {current.status.value}: its roles cannot change now."
    if open_view is None or not trigger_id:
        return f"Slack cannot open the form here: {name_them}."
    known = incidents.role_candidates(principal, reference)
    title = "restricted incident" if current.restricted else current.title
    view = role_view(current.reference, title, role, role_name(role), known)
    try:
        open_view(trigger_id, view)
    except Exception as exc:  # Slack down, slow or refusing: the command still works
        log.warning("could not open the role modal in Slack: %s", exc)
        return f"Slack did not open the form: {name_them}."
    return ""


def submit(
    incidents: IncidentService, principal: Principal, form: RoleSubmission
) -> dict[str, str]:
    """The role modal, submitted: the errors to show on it, by block (none: assigned, close)."""
    if not form.holder:
        return {HOLDER: "Pick someone."}
    try:
        role = Role(form.role)
    except ValueError:
        return {HOLDER: f"Radar has no role {form.role!r}."}
    try:
        incidents.assign_role(
            principal, form.reference, role=role, assignee=form.holder, via=Via.SLACK
        )
    except Forbidden as exc:
        return {HOLDER: f"Radar did not let you do that: {exc.message}."}
    except RadarError as exc:
        return {HOLDER: exc.message}
    return {}
