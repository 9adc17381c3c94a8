"""Who may hold an incident role: the people of the running policy and the enabled accounts
(``domain.roles.Holder``), read in the caller's transaction."""

from __future__ import annotations

from radar.domain import roles
from radar.domain.policy import Policy
from radar.store.uow import UnitOfWork


def holders_in(uow: UnitOfWork, policy: Policy) -> tuple[roles.Holder, ...]:
    """Everyone a role may be given to now, by name."""
    return roles.holders(policy.people, uow.accounts.users())
