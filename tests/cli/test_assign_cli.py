"""`radar incident assign`: it says who now holds the role, and refuses someone Radar does not
know in one line that names the value and the closest matches (exit 2, nothing changes)."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import radar

pytestmark = pytest.mark.usefixtures("client_env")


def declared() -> None:
    code, _, err = radar(
        "incident", "declare", "--title", "Checkout down", "--service", "checkout", "--severity",
        "sev1",
    )  # fmt: skip
    assert code == 0, err


def test_assign_says_who_now_holds_the_role() -> None:
    declared()
    code, out, _ = radar("incident", "assign", "INC-1", "commander", "laura")
    assert (code, out.strip()) == (0, "INC-1 commander: Laura Gómez (laura)")
    code, out, _ = radar("incident", "assign", "INC-1", "communications_lead", "Sam Ortega")
    assert (code, out.strip()) == (0, "INC-1 communications lead: Sam Ortega (sam)")
    code, out, _ = radar("incident", "assign", "INC-1", "commander", "--clear")
    assert (code, out.strip()) == (0, "INC-1 commander: nobody")
    code, out, _ = radar("incident", "assign", "INC-1", "deputy", "maria", "--json")
    assert json.loads(out)["holder"]["name"] == "María Ruiz"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("lara", "radar: assignee: no person or account 'lara'; did you mean laura (Laura Gómez)?"),
        ("nobody_here", "radar: assignee: no person or account 'nobody_here'; who can hold a "),
        ("<b>x</b>", "radar: assignee: no person or account '<b>x</b>'; who can hold a role: "),
    ],
    ids=["typo", "unknown", "markup"],
)
def test_someone_radar_does_not_know_is_refused_with_a_suggestion(typed: str, said: str) -> None:
    declared()
    code, out, err = radar("incident", "assign", "INC-1", "commander", typed)
    assert (code, out) == (2, "")
    assert err.startswith(said)
    assert len(err.strip().splitlines()) == 1
    shown = json.loads(radar("incident", "show", "INC-1", "--json")[1])
    assert shown["roles"] == {}
