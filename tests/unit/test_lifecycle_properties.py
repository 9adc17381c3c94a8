"""Random sequences of people's actions never break the incident's invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from radar.domain import incident as inc
from radar.domain.errors import InvalidInput, InvalidTransition
from radar.domain.lifecycle import ALLOWED_ACTIONS, FINAL_STATUSES, OPEN_STATUSES, Action, Status
from tests.unit.test_lifecycle import ACTIONS, ANA, POLICY, T0


def declared() -> inc.Incident:
    incident, _ = inc.declare(
        POLICY, title="Checkout down", service="checkout", severity="sev2", actor=ANA, now=T0
    )
    return incident


actions = st.lists(st.sampled_from(list(Action)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(actions)
def test_any_sequence_keeps_the_incident_consistent(sequence: list[Action]) -> None:
    incident = replace(declared(), id=1)
    entries = 1  # the declaration
    for action in sequence:
        allowed = action in ALLOWED_ACTIONS[incident.status]
        try:
            after, events = ACTIONS[action](incident)
        except InvalidTransition as refused:
            assert not allowed or action is Action.CHANGE_STATUS
            assert refused.current_status == incident.status.value  # noqa: PT017 - in a loop
            continue
        except InvalidInput:  # e.g. the severity change to the level it already has
            continue
        assert allowed, f"{action} was applied from {incident.status}"
        # Version counts changes; a no-op (acknowledging twice) changes nothing at all.
        assert after.version == incident.version + (1 if events else 0)
        if not events:
            assert after == incident
        entries += len(events)
        incident = after
        assert (incident.resolved_at is not None) == (
            incident.status is Status.RESOLVED or (incident.status is Status.CLOSED)
        )
        assert (incident.closed_at is not None) == (incident.status in FINAL_STATUSES)
        if incident.status in OPEN_STATUSES:
            assert incident.resolution_summary is None
        assert incident.updated_at >= T0
    assert entries >= incident.version


def test_acknowledgement_survives_everything_but_reopening_and_fresh_levels() -> None:
    acked, _ = inc.acknowledge(replace(declared(), id=1), ANA, T0 + timedelta(minutes=1))
    later = T0 + timedelta(minutes=2)
    downgraded, _ = inc.change_severity(POLICY, acked, ANA, later, severity="sev3", reason="small")
    assert downgraded.acknowledgement == acked.acknowledgement
    upgraded, events = inc.change_severity(
        POLICY, acked, ANA, later, severity="sev1", reason="worse"
    )
    assert upgraded.acknowledgement == acked.acknowledgement  # the people on it stay on it
    assert "Still acknowledged by Ana" in (events[0].entry().message or "")
    fresh = replace(
        POLICY,
        severities=tuple(
            replace(s, fresh_acknowledgement=s.id == "sev1") for s in POLICY.severities
        ),
    )
    upgraded, events = inc.change_severity(fresh, acked, ANA, later, severity="sev1", reason="x")
    assert upgraded.acknowledgement is None  # a level that asks for its own responder
    assert "needs a fresh acknowledgement" in (events[0].entry().message or "")
    for action in (Action.POST_UPDATE, Action.ASSIGN_ROLE, Action.RESOLVE):
        acked, _ = ACTIONS[action](acked)
        assert acked.acknowledgement is not None
    reopened, _ = ACTIONS[Action.REOPEN](acked)
    assert reopened.acknowledgement is None
