"""Who a Slack user is in Radar: the policy's person (by their ``slack`` id, or else by the
email address Slack gives for them, ``services/slack_directory.py``), and the Radar account
named like that person's id (``laura``) they act through, with that account's permissions;
or, in words, why they cannot act. Also whether a restricted incident is theirs.
"""

from __future__ import annotations

from radar.domain.access import Principal
from radar.domain.errors import NotFound
from radar.domain.incident import Incident
from radar.domain.policy import Person, Policy
from radar.services.policies import PolicyService
from radar.services.slack_directory import SlackDirectory
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

UNKNOWN = (
    "Radar does not know you: ask an admin to add your Slack id, or the email address your "
    "Slack profile shows, to your person in the policy."
)


class SlackPeople:
    def __init__(
        self, uow: UnitOfWorkProvider, policies: PolicyService, directory: SlackDirectory
    ) -> None:
        self._uow = uow
        self._policies = policies
        self.directory = directory

    def who(self, slack_user: str) -> tuple[Policy, Person | None]:
        """The current policy, and the person of it a Slack user is (by Slack id, else by the
        email Slack gives): looked up before any write transaction, as it may ask Slack."""
        policy = self._policies.current().policy
        return policy, self.directory.person(policy, slack_user)

    def acting_as(self, slack_user: str) -> tuple[Policy, Principal | str]:
        """The current policy, and the account a Slack user acts as (or why they cannot)."""
        policy, person = self.who(slack_user)
        with self._uow() as uow:
            return policy, acting(uow, person)


def acting(uow: UnitOfWork, person: Person | None) -> Principal | str:
    """Who a Slack user (the policy's ``person``) acts as in Radar, or why they cannot."""
    if person is None:
        return UNKNOWN
    principal = principal_of(uow, person)
    if principal is None:
        return (
            f"Radar knows you as {person.name}, but has no enabled account {person.id!r} "
            "for you: ask an admin to create it."
        )
    return principal


def principal_of(uow: UnitOfWork, person: Person) -> Principal | None:
    """The enabled Radar account named like the person's id, acting as a signed-in person."""
    try:
        user = uow.accounts.user_by_name(person.id)
    except NotFound:
        return None
    return None if user.disabled else Principal(user)


def takes_part(uow: UnitOfWork, current: Incident, person: Person | None) -> bool:
    """Whether a restricted incident is the writer's: a participant, or an admin."""
    if person is None:
        return False
    assert current.id is not None
    if uow.participants.takes_part(current.id, person.id):
        return True
    principal = principal_of(uow, person)
    return principal is not None and principal.is_admin
