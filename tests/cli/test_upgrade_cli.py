"""`radar incident answer-upgrade`: accept or decline the upgrade Radar proposes, and `show`
saying one is waiting."""

from __future__ import annotations

import json

import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from tests.cli.test_cli import radar
from tests.support.proposals import propose_upgrade

pytestmark = pytest.mark.usefixtures("client_env")


@pytest.fixture
def proposed(client_env: None, container: Container, clock: FrozenClock) -> None:
    """INC-1, a Sev2 Ana declared through the CLI, with Sev1 proposed four hours later."""
    title = ("--title", "Checkout down", "--service", "checkout", "--severity", "sev2")
    assert radar("incident", "declare", *title)[0] == 0
    propose_upgrade(container, clock)


@pytest.mark.usefixtures("proposed")
def test_show_says_an_upgrade_waits_for_an_answer() -> None:
    code, out, _ = radar("incident", "show", "INC-1")
    assert code == 0
    (line,) = [x for x in out.splitlines() if x.startswith("Radar proposes")]
    assert line.startswith("Radar proposes sev1 (since ")
    assert line.endswith("radar incident answer-upgrade INC-1 --accept (or --decline)")
    assert "Proposed an upgrade Sev2 - Major → Sev1 - Critical, as the incident is being" in out


@pytest.mark.usefixtures("proposed")
def test_accept_moves_the_incident_and_says_so() -> None:
    code, out, err = radar("incident", "answer-upgrade", "INC-1", "--accept")
    assert (code, out.strip(), err) == (0, "INC-1 is now sev1: you accepted Radar's proposal", "")
    shown = json.loads(radar("incident", "show", "INC-1", "--json")[1])
    assert (shown["severity"], shown["proposed_severity"]) == ("sev1", None)
    (moved,) = [e for e in shown["timeline"] if e["kind"] == "severity_changed"]
    assert (moved["actor"], moved["via"]) == ("Ana", "cli")
    shown_now = radar("incident", "show", "INC-1")[1].splitlines()
    assert not [x for x in shown_now if x.startswith("Radar proposes")]


@pytest.mark.usefixtures("proposed")
def test_decline_keeps_the_level_and_says_which_upgrade_was_declined() -> None:
    code, out, _ = radar("incident", "answer-upgrade", "INC-1", "--decline")
    assert (code, out.strip()) == (0, "INC-1 stays sev2: you declined the upgrade to sev1")
    code, out, _ = radar("incident", "answer-upgrade", "INC-1", "--decline", "--json")
    assert code == 1  # answered already


@pytest.mark.usefixtures("proposed")
def test_json_prints_the_incident() -> None:
    code, out, _ = radar("incident", "answer-upgrade", "INC-1", "--decline", "--json")
    assert code == 0
    body = json.loads(out)
    assert (body["severity"], body["proposed_severity"], body["auto_upgrade"]) == (
        "sev2",
        None,
        True,
    )


@pytest.mark.parametrize("flags", [[], ["--accept", "--decline"]], ids=["neither", "both"])
def test_exactly_one_answer_is_required(proposed: None, flags: list[str]) -> None:
    code, _, err = radar("incident", "answer-upgrade", "INC-1", *flags)
    assert (code, err.strip()) == (2, "radar: give exactly one of --accept and --decline")
    shown = json.loads(radar("incident", "show", "INC-1", "--json")[1])
    assert shown["proposed_severity"] == "sev1"


def test_nothing_to_answer_is_a_refusal_in_one_line() -> None:
    radar("incident", "declare", "--title", "x", "--service", "checkout", "--severity", "sev2")
    code, _, err = radar("incident", "answer-upgrade", "INC-1", "--accept")
    assert (code, err.strip()) == (1, "radar: INC-1 has no proposed upgrade to answer")
    radar("incident", "resolve", "INC-1", "--summary", "Fixed")
    code, _, err = radar("incident", "answer-upgrade", "INC-1", "--decline")
    assert code == 1
    assert err.startswith("radar: cannot answer the proposed upgrade of INC-1: it is resolved")
    assert radar("incident", "answer-upgrade", "INC-9", "--accept")[0] == 1
