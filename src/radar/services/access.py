"""Who may act. The full role matrix arrives with the security work; writes need a responder."""

from __future__ import annotations

from radar.domain.access import Principal, UserRole
from radar.domain.errors import Forbidden
from radar.domain.incident import Actor, Via


def require_write(principal: Principal) -> None:
    if not principal.can_write:
        raise Forbidden(
            f"{principal.user.username} is a {principal.user.role.value}; "
            "changing incidents needs the responder or admin role"
        )


def require_admin(principal: Principal) -> None:
    if principal.user.role is not UserRole.ADMIN:
        raise Forbidden("this needs the admin role")


def actor(principal: Principal, via: Via) -> Actor:
    return Actor(name=principal.name, via=via, user_id=principal.user.id)
