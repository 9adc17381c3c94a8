"""Who may hold an incident role, found from what someone typed (``domain/roles.py``): pure, no
database."""

from __future__ import annotations

import pytest

from radar.domain.access import User, UserRole
from radar.domain.errors import InvalidInput
from radar.domain.policy import Person
from radar.domain.roles import Holder, find, holders, named, suggestions

PEOPLE = (
    Person("laura", "Laura Gómez", slack="U0LAURA01"),
    Person("lucia", "Lucía Prieto"),
    Person("maria", "María Ruiz"),
)
ACCOUNTS = (
    User(1, "maria", "María Soto", UserRole.RESPONDER),
    User(2, "joan", "Joan Puig", UserRole.RESPONDER),
    User(3, "old", "Old Timer", UserRole.RESPONDER, disabled=True),
)
KNOWN = holders(PEOPLE, ACCOUNTS)


def test_holders_are_the_policys_people_and_the_enabled_accounts_by_name() -> None:
    assert [(h.id, h.name, h.in_policy, h.has_account) for h in KNOWN] == [
        ("joan", "Joan Puig", False, True),
        ("laura", "Laura Gómez", True, False),
        ("lucia", "Lucía Prieto", True, False),
        ("maria", "María Ruiz", True, True),  # the policy's name; the account's is an alias
    ]
    assert (KNOWN[1].label, KNOWN[1].hint) == ("Laura Gómez (laura)", "laura (Laura Gómez)")
    assert Holder("ops", "ops").label == "ops"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("laura", "laura"),
        (" LAURA ", "laura"),
        ("@laura", "laura"),
        ("Laura Gómez", "laura"),
        ("laura  gomez", "laura"),
        ("U0LAURA01", "laura"),
        ("María Soto", "maria"),
        ("joan puig", "joan"),
    ],
)
def test_someone_is_found_by_id_name_or_slack_id(typed: str, found: str) -> None:
    assert find(KNOWN, typed).id == found


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("lara", "no person or account 'lara'; did you mean laura (Laura Gómez)?"),
        ("luc", "no person or account 'luc'; did you mean lucia (Lucía Prieto)?"),
        ("Gomez", "no person or account 'Gomez'; did you mean laura (Laura Gómez)?"),
        (
            "old",
            "no person or account 'old'; who can hold a role: joan (Joan Puig), "
            "laura (Laura Gómez), lucia (Lucía Prieto), maria (María Ruiz)",
        ),
        ("  ", "name someone, or clear the role"),
        ("x" * 300, f"no person or account '{'x' * 59}…'; who can hold a role: "),
    ],
)
def test_anyone_else_is_refused_naming_the_value_and_close_matches(typed: str, said: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        find(KNOWN, typed)
    assert refused.value.field == "assignee"
    assert refused.value.message.startswith(said)


def test_a_shared_name_needs_the_id_and_nobody_known_says_so() -> None:
    twins = (*KNOWN, Holder("lgomez", "Laura Gómez", has_account=True))
    with pytest.raises(InvalidInput, match=r"is more than one person: laura \(Laura Gómez\) or "):
        find(twins, "laura gómez")
    with pytest.raises(InvalidInput, match="Radar knows nobody yet"):
        find((), "laura")
    assert [h.id for h in suggestions(KNOWN, "mari")] == ["maria"]


def test_a_holder_radar_does_not_know_reads_as_written() -> None:
    assert named(KNOWN, "laura") == "Laura Gómez (laura)"
    assert named(KNOWN, "Joan Soler (contractor)") == "Joan Soler (contractor)"
    assert named(KNOWN, None) == "nobody"
