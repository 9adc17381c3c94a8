"""Who may act, and what they may see. Permissions come from the role and the token's scopes
(``domain.access``); a restricted incident is seen only by its participants and admins, and to
anyone else it does not exist: the same ``NotFound`` as a wrong number, never a ``Forbidden``
that would confirm it is there."""

from __future__ import annotations

from dataclasses import replace

from radar.domain.access import Permission, Principal
from radar.domain.errors import Forbidden, NotFound
from radar.domain.incident import Actor, Incident, Via, reference_for
from radar.domain.listing import IncidentFilter
from radar.store.uow import UnitOfWork

NEEDS = {
    Permission.READ: "reading incidents needs the read permission",
    Permission.REPORT: "reporting an incident needs the responder or admin role "
    "(or RADAR_VIEWERS_MAY_REPORT for viewers)",
    Permission.RESPOND: "changing incidents needs the responder or admin role",
    Permission.ADMIN: "this needs the admin role",
}


def require(principal: Principal, permission: Permission) -> None:
    if principal.may(permission):
        return
    scoped = principal.scopes is not None and permission not in principal.scopes
    why = "this API token's scopes do not include " + permission.value if scoped else None
    raise Forbidden(
        f"{principal.user.username} is a {principal.user.role.value}; {why or NEEDS[permission]}"
    )


def require_write(principal: Principal) -> None:
    require(principal, Permission.RESPOND)


def require_admin(principal: Principal) -> None:
    require(principal, Permission.ADMIN)


def actor(principal: Principal, via: Via) -> Actor:
    return Actor(
        name=principal.name, via=via, user_id=principal.user.id, username=principal.user.username
    )


def sees_as(principal: Principal) -> str | None:
    """The username whose view of restricted incidents ``principal`` has; None for an admin,
    who sees every incident."""
    return None if principal.is_admin else principal.user.username


def seen_by(principal: Principal, flt: IncidentFilter) -> IncidentFilter:
    """``flt`` narrowed to what ``principal`` may see."""
    return replace(flt, visible_to=sees_as(principal))


def visible(uow: UnitOfWork, principal: Principal, incident: Incident) -> Incident:
    """``incident`` if ``principal`` may see it; else ``NotFound``, worded as for a wrong id."""
    if not incident.restricted or principal.is_admin:
        return incident
    assert incident.id is not None
    if uow.participants.takes_part(incident.id, principal.user.username):
        return incident
    raise NotFound(f"no incident {reference_for(incident.id)}", field="incident")
