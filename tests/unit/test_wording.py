"""How each kind of timeline entry reads: what changed first, then why, the same on every surface.

The kinds are found in the code (every ``Event`` subclass, and every entry a service writes), so a
new kind without its own wording fails here rather than reaching people as a raw identifier."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import radar
from radar.domain import events as ev
from radar.domain import status, wording
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Via, Visibility
from radar.domain.lifecycle import Status
from radar.domain.roles import Role
from tests.conftest import START

SRC = Path(radar.__file__).parent
ANA = Actor("Ana", Via.WEB)
ENGINE = Actor("Radar", Via.ENGINE)
NAMES = {"laura": "Laura Gómez", "joan": "Joan Soler"}
LEVELS = {"sev1": "Sev1 - Critical", "sev2": "Sev2 - Major"}
DUE = datetime(2026, 12, 2, 18, 1, 26, tzinfo=UTC)


# A status page component, partly down, that a person holds at a milder state (domain/status.py).
CHECKOUT = status.Component(
    "checkout",
    "Checkout and payments",
    status.ComponentState.PARTIAL_OUTAGE,
    status.ComponentState.PARTIAL_OUTAGE,
)
HELD = status.ComponentSetting(
    "checkout", status.ComponentState.DEGRADED_PERFORMANCE, True, "INC-1 sev2", "Ana", START, 1
)


def _event_kinds() -> set[str]:
    found: set[str] = set()
    todo: list[type[ev.Event]] = [ev.Event]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.kind != ev.Event.kind:
            found.add(cls.kind)
    return found


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _written_kinds() -> set[str]:
    """Every kind a module writes: ``TimelineEntry(kind="...")``, or a constant passed as the
    ``kind`` of a helper that builds entries (``_engine_note(now, "not_sent", said)``)."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        helpers: dict[str, int] = {}  # helper name -> position of its ``kind`` parameter
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            params = [a.arg for a in fn.args.args]
            builds = any(
                isinstance(c, ast.Call) and _name(c.func) == "TimelineEntry" for c in ast.walk(fn)
            )
            if builds and "kind" in params:
                helpers[fn.name] = params.index("kind")
        for call in calls:
            given = {k.arg: k.value for k in call.keywords}
            name = _name(call.func)
            if name == "TimelineEntry" and "kind" in given:
                value = given["kind"]
            elif name in helpers and len(call.args) > helpers[name]:
                value = call.args[helpers[name]]
            elif name in helpers and "kind" in given:
                value = given["kind"]
            else:
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(value.value)
    return found


CODE_KINDS = _event_kinds() | _written_kinds()


def note(kind: str, message: str) -> TimelineEntry:
    """An entry as a service writes it."""
    return TimelineEntry(at=START, kind=kind, actor="Radar", via="engine", message=message)


# One entry of each kind, as the code writes it, and how it reads.
SAMPLES: dict[str, tuple[TimelineEntry, str]] = {
    "declared": (
        ev.IncidentDeclared(at=START, actor=ANA, severity="sev2", reporter="Sam").entry(),
        "Declared Sev2 - Major: reported by Sam",
    ),
    "acknowledged": (ev.IncidentAcknowledged(at=START, actor=ANA).entry(), "Acknowledged"),
    "status_changed": (
        ev.StatusChanged(
            at=START, actor=ANA, old=Status.INVESTIGATING, new=Status.IDENTIFIED
        ).entry(),
        "Status investigating → identified",
    ),
    "severity_changed": (
        ev.SeverityChanged(
            at=START, actor=ANA, old="sev2", new="sev1", reason="Card numbers visible in the logs"
        ).entry(),
        "Severity Sev2 - Major → Sev1 - Critical: Card numbers visible in the logs",
    ),
    "upgrade_proposed": (
        ev.UpgradeProposed(
            at=START, actor=ENGINE, old="sev2", new="sev1", reason="unresolved after 1 hour"
        ).entry(),
        "Proposed an upgrade Sev2 - Major → Sev1 - Critical, as the incident is being worked "
        "on: unresolved after 1 hour",
    ),
    "upgrade_declined": (
        ev.UpgradeDeclined(at=START, actor=ANA, old="sev2", new="sev1").entry(),
        "Declined the proposed upgrade to Sev1 - Critical; stays Sev2 - Major",
    ),
    "role_assigned": (
        ev.RoleAssigned(
            at=START, actor=ANA, role=Role.COMMUNICATIONS_LEAD, old=None, new="laura"
        ).entry(),
        "Communications lead: Laura Gómez (was nobody)",
    ),
    "update_posted": (
        ev.UpdatePosted(
            at=START, actor=ANA, message="We are still investigating.", visibility=Visibility.PUBLIC
        ).entry(),
        "Public update: We are still investigating.",
    ),
    "resolved": (
        ev.IncidentResolved(
            at=START,
            actor=ANA,
            old=Status.MONITORING,
            summary="Rolled back the deploy",
            visibility=Visibility.INTERNAL,
        ).entry(),
        "Resolved: Rolled back the deploy",
    ),
    "reopened": (
        ev.IncidentReopened(at=START, actor=ANA, reason="Errors are back").entry(),
        "Reopened: Errors are back",
    ),
    "declined": (
        ev.IncidentDeclined(
            at=START, actor=ANA, reason="Cosmetic", ticket_url="https://tickets.example/1"
        ).entry(),
        "Declined as not an incident: Cosmetic (ticket https://tickets.example/1)",
    ),
    "reported_anyway": (
        TimelineEntry(
            START, "reported_anyway", "Ana", "web", "severity", None, "sev2", "It is real after all"
        ),
        "Reported as an incident after all, at Sev2 - Major: It is real after all",
    ),
    "escalated": (
        ev.Escalated(
            at=START,
            actor=ENGINE,
            message="Step 1 of Sev2 - Major: the response started. #radar told",
        ).entry(),
        "Step 1 of Sev2 - Major: the response started. #radar told",
    ),
    "held": (
        ev.Held(
            at=START,
            actor=ENGINE,
            message="Step 1 of Sev3 - Minor held until Mon 09:00 Europe/Madrid: outside working "
            "hours (madrid-office)",
            until=DUE,
        ).entry(),
        "Step 1 of Sev3 - Minor held until 2026-12-02 18:01 UTC: outside working hours "
        "(madrid-office)",
    ),
    "reminded": (
        ev.Reminded(at=START, actor=ENGINE, message="An update is due: Laura Gómez told").entry(),
        "An update is due: Laura Gómez told",
    ),
    "update_expected": (
        ev.UpdateExpected(at=START, actor=ENGINE, by=DUE, label="Wed 19:01 Europe/Madrid").entry(),
        "Next update due by 2026-12-02 18:01 UTC",
    ),
    "alert_joined": (
        note("alert_joined", "Alert joined: DiskFull on db-2 (alertmanager, dedup_key=d1)"),
        "Alert joined: DiskFull on db-2 (alertmanager, dedup_key=d1)",
    ),
    "alert_resolved": (
        note("alert_resolved", "Alert resolved: DiskFull on db-2 (dedup_key=d1)"),
        "Alert resolved: DiskFull on db-2 (dedup_key=d1)",
    ),
    "participant_added": (
        note("participant_added", "joan was added to the incident's participants"),
        "Added Joan Soler to the participants",
    ),
    "slack_message": (
        note("slack_message", "Laura Gómez in Slack: The deploy at 10:02 did it."),
        "Slack message from Laura Gómez: The deploy at 10:02 did it.",
    ),
    "slack_reply": (
        note(
            "slack_reply",
            "Laura Gómez replied in the thread of Radar's message in Slack: a response",
        ),
        "Laura Gómez replied in the thread of Radar's message in Slack: taken as a response",
    ),
    "delivery": (
        note("delivery", "Called Laura Gómez (engineering manager, Payments)"),
        "Called Laura Gómez (engineering manager, Payments)",
    ),
    "delivery_failed": (
        note("delivery_failed", "Could not reach Laura Gómez (laura) after 5 attempts: busy"),
        "Could not reach Laura Gómez (laura) after 5 attempts: busy",
    ),
    "not_sent": (
        note("not_sent", "Page to Laura Gómez not sent: acknowledged by Ana"),
        "Page to Laura Gómez not sent: acknowledged by Ana",
    ),
    "slack_channel": (
        note("slack_channel", "Opened the Slack channel #inc-1-checkout for the incident"),
        "Opened the Slack channel #inc-1-checkout for the incident",
    ),
    "component_set": (
        status.set_entry(CHECKOUT, HELD, ANA, START),
        "Status page: Checkout and payments set to Degraded performance (was Partial outage), "
        "held until someone releases it",
    ),
    "component_released": (
        status.released_entry(replace(CHECKOUT, state=HELD.state), ANA, START),
        "Status page: Checkout and payments released; it follows its incidents again "
        "(Partial outage)",
    ),
}


def test_the_kinds_are_found_in_the_code() -> None:
    # The search itself works: kinds from events, services and the engine are all there.
    assert {"severity_changed", "update_expected", "alert_joined", "not_sent"} <= CODE_KINDS


@pytest.mark.parametrize("kind", sorted(CODE_KINDS))
def test_every_kind_the_code_writes_has_its_own_wording(kind: str) -> None:
    assert kind in wording.KINDS, f"{kind!r} has no wording: add it to radar.domain.wording"
    assert kind in SAMPLES, f"{kind!r} has no sample here: add one with how it reads"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_kind_says_what_changed_then_why(kind: str) -> None:
    entry, reads = SAMPLES[kind]
    assert entry.kind == kind
    worded = wording.word(entry, names=NAMES, severities=LEVELS)
    assert worded.text() == reads
    for raw in ("_", "roles.", "T18:01:26Z"):  # no identifiers, no raw instants
        assert raw not in worded.text().replace("dedup_key", "")


def test_without_names_ids_are_shown_as_they_are() -> None:
    entry, _ = SAMPLES["severity_changed"]
    assert wording.word(entry).what == "Severity sev2 → sev1"
    entry, _ = SAMPLES["role_assigned"]
    assert wording.word(entry).what == "Communications lead: laura (was nobody)"


def test_a_cleared_role_and_a_closed_incident() -> None:
    cleared = ev.RoleAssigned(at=START, actor=ANA, role=Role.COMMANDER, old="laura", new=None)
    assert wording.word(cleared.entry(), names=NAMES).what == "Commander: nobody (was Laura Gómez)"
    closed = ev.StatusChanged(at=START, actor=ANA, old=Status.RESOLVED, new=Status.CLOSED)
    assert wording.word(closed.entry()).text() == "Closed"


def test_public_entries_say_so_and_internal_ones_do_not() -> None:
    update, _ = SAMPLES["update_posted"]
    assert wording.word(update).public
    internal = ev.UpdatePosted(at=START, actor=ANA, message="x", visibility=Visibility.INTERNAL)
    assert (wording.word(internal.entry()).what, wording.word(internal.entry()).public) == (
        "Internal update",
        False,
    )
    published = ev.IncidentResolved(
        at=START, actor=ANA, old=Status.MONITORING, summary="Fixed", visibility=Visibility.PUBLIC
    )
    worded = wording.word(published.entry())
    assert (worded.text(), worded.public) == ("Resolved (public summary): Fixed", True)


def test_an_instant_stays_data_for_the_reader_zone() -> None:
    entry, _ = SAMPLES["update_expected"]
    worded = wording.word(entry)
    assert (worded.what, worded.due) == ("Next update due by", DUE)
    madrid = worded.text(lambda at: (at + timedelta(hours=1)).strftime("%H:%M CET"))
    assert madrid == "Next update due by 19:01 CET"


def test_an_unknown_kind_still_reads() -> None:
    entry = TimelineEntry(
        at=START,
        kind="component_changed",
        actor="Ana",
        via="web",
        field="components.api",
        old="operational",
        new="major_outage",
        message="Held by the comms lead",
    )
    assert wording.word(entry).text() == (
        "Component changed: components api operational → major_outage: Held by the comms lead"
    )
    bare = TimelineEntry(at=START, kind="", actor="Ana", via="web")
    assert wording.word(bare).text() == "Entry"


@pytest.mark.parametrize("kind", sorted(wording.KINDS))
@pytest.mark.parametrize(
    ("field", "old", "new", "message"),
    [
        (None, None, None, None),
        ("x", "", "not a time", ""),
        ("roles.", "?", "2026-13-45T99:00:00Z", "\n\n: : held until :"),
    ],
)
def test_odd_entries_of_every_kind_never_crash(
    kind: str, field: str | None, old: str | None, new: str | None, message: str | None
) -> None:
    entry = TimelineEntry(START, kind, "Radar", "engine", field, old, new, message)
    worded = wording.word(entry, names=NAMES, severities=LEVELS)
    assert worded.what
    assert worded.text()


def test_a_report_kept_as_not_an_incident_reads_as_reported_not_declared_at_a_level() -> None:
    """Its level is a placeholder (the least severe): the timeline must not say Sev4."""
    kept = ev.IncidentDeclared(
        at=START,
        actor=ANA,
        severity="sev4",
        reporter="Sam",
        reason=wording.RECORDED_ONLY,
    ).entry()
    worded = wording.word(kept, severities={**LEVELS, "sev4": "Sev4 - Low"})
    assert worded.text() == "Reported, kept on record as not an incident: reported by Sam"
    assert "Sev4" not in worded.text()
    guided = ev.IncidentDeclared(
        at=START,
        actor=ANA,
        severity="sev4",
        reporter="Ana",
        suggested="not_an_incident",
        reason=wording.RECORDED_ONLY,
    ).entry()
    assert wording.word(guided).text() == "Reported, kept on record as not an incident"
