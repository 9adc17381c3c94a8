"""What each decision does to an incident, beyond whether it is allowed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from radar.domain import incident as inc
from radar.domain.errors import InvalidInput
from radar.domain.incident import Actor, Via, Visibility
from radar.domain.lifecycle import Status
from radar.domain.roles import Role
from radar.policyfile import load

POLICY = load.load(
    (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text(), "policy.yaml"
)
T0 = datetime(2026, 11, 27, 23, 10, tzinfo=UTC)
ANA = Actor("Ana", via=Via.CLI)
LAURA = Actor("Laura", via=Via.API)


def declared(**overrides: object) -> inc.Incident:
    args: dict[str, object] = {
        "title": "Checkout down",
        "service": "checkout",
        "severity": "sev2",
        "actor": ANA,
        "now": T0,
    }
    args.update(overrides)
    incident, _ = inc.declare(POLICY, **args)  # type: ignore[arg-type]
    return replace(incident, id=42)


def test_declared_incident_starts_in_triage_with_a_declared_entry() -> None:
    incident, events = inc.declare(
        POLICY, title="  Site down  ", service="catalog", severity="sev2", actor=ANA, now=T0
    )
    assert incident.status is Status.REPORTED
    assert incident.title == "Site down"
    assert incident.acknowledgement is None
    assert [(e.kind, e.entry().new) for e in events] == [("declared", "sev2")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "bell\x07"}, "title"),
        ({"description": "y" * 10_001}, "description"),
        ({"severity": "sev9"}, "severity"),
        ({"service": "billing"}, "service"),
    ],
)
def test_declare_refuses_bad_input_naming_the_field(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        declared(**overrides)
    assert refused.value.field == field


def test_unknown_severity_lists_what_the_policy_defines() -> None:
    with pytest.raises(InvalidInput, match="sev1, sev2, sev3, sev4"):
        declared(severity="critical")


def test_reference_is_prefixed_and_parsed_back() -> None:
    assert declared().reference == "INC-42"
    assert inc.parse_reference("INC-42") == 42
    assert inc.parse_reference("inc-42") == 42
    assert inc.parse_reference(" 42 ") == 42
    for bad in ("", "INC-", "INC-4x", "-1", "0x10", "4" * 19, "٤٢"):
        assert inc.parse_reference(bad) is None


def test_acknowledgement_records_who_when_and_how_and_is_idempotent() -> None:
    first, events = inc.acknowledge(declared(), ANA, T0 + timedelta(minutes=3))
    assert first.acknowledgement == inc.Acknowledgement("Ana", T0 + timedelta(minutes=3), Via.CLI)
    assert [e.kind for e in events] == ["acknowledged"]
    again, more = inc.acknowledge(first, LAURA, T0 + timedelta(minutes=4))
    assert again is first
    assert more == []


def test_acknowledgement_is_not_a_status() -> None:
    acked, _ = inc.acknowledge(declared(), ANA, T0)
    assert acked.status is Status.REPORTED


def test_update_with_resolved_status_resolves_with_the_message_as_summary() -> None:
    incident, events = inc.post_update(
        declared(),
        ANA,
        T0,
        message="Fixed by rollback",
        status=Status.RESOLVED,
        visibility=Visibility.PUBLIC,
    )
    assert incident.status is Status.RESOLVED
    assert incident.resolution_summary == "Fixed by rollback"
    assert [(e.kind, e.entry().visibility) for e in events] == [("resolved", "public")]


def test_public_update_keeps_its_visibility_on_the_timeline() -> None:
    _, events = inc.post_update(
        declared(), ANA, T0, message="Back soon", visibility=Visibility.PUBLIC
    )
    assert events[0].entry().visibility == "public"


@pytest.mark.parametrize("reason", ["", "   "])
def test_severity_change_needs_a_reason(reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        inc.change_severity(POLICY, declared(), ANA, T0, severity="sev1", reason=reason)
    assert refused.value.field == "reason"


def test_severity_change_to_the_same_level_is_refused() -> None:
    with pytest.raises(InvalidInput, match="already sev2"):
        inc.change_severity(POLICY, declared(), ANA, T0, severity="sev2", reason="sure")


def test_severity_change_records_old_new_and_reason() -> None:
    changed, events = inc.change_severity(
        POLICY, declared(), ANA, T0, severity="sev1", reason="customer data exposed"
    )
    entry = events[0].entry()
    assert changed.severity == "sev1"
    assert (entry.field, entry.old, entry.new, entry.message) == (
        "severity",
        "sev2",
        "sev1",
        "customer data exposed",
    )


def test_roles_are_assigned_replaced_and_cleared() -> None:
    incident = declared()
    incident, events = inc.assign_role(incident, ANA, T0, role=Role.COMMANDER, assignee="Laura")
    assert incident.roles == {Role.COMMANDER: "Laura"}
    assert (events[0].entry().old, events[0].entry().new) == (None, "Laura")
    incident, events = inc.assign_role(incident, ANA, T0, role=Role.COMMANDER, assignee="Sam")
    assert (events[0].entry().old, events[0].entry().new) == ("Laura", "Sam")
    incident, events = inc.assign_role(incident, ANA, T0, role=Role.COMMANDER, assignee=None)
    assert incident.roles == {}
    assert events[0].entry().field == "roles.commander"


def test_assigning_the_same_person_again_records_nothing() -> None:
    incident, _ = inc.assign_role(declared(), ANA, T0, role=Role.DEPUTY, assignee="Sam")
    same, events = inc.assign_role(incident, ANA, T0, role=Role.DEPUTY, assignee="Sam")
    assert same is incident
    assert events == []


def test_reopen_clears_resolution_and_acknowledgement() -> None:
    acked, _ = inc.acknowledge(declared(), ANA, T0)
    resolved, _ = inc.resolve(acked, ANA, T0, summary="Rolled back")
    reopened, events = inc.reopen(resolved, LAURA, T0, reason="Errors are back")
    assert reopened.status is Status.INVESTIGATING
    assert reopened.acknowledgement is None
    assert reopened.resolved_at is None
    assert reopened.resolution_summary is None
    assert events[0].entry().message == "Errors are back"


def test_decline_keeps_reason_and_ticket() -> None:
    declined, _ = inc.decline(
        declared(), ANA, T0, reason="One customer; a ticket", ticket_url="https://t.example/1"
    )
    assert declined.status is Status.DECLINED
    assert (declined.decline_reason, declined.ticket_url) == (
        "One customer; a ticket",
        "https://t.example/1",
    )
    assert not declined.is_open
