"""A generated quarter (tests/support/quarter.py, seed 7) replayed through the production engine
under examples/policy.yaml: the process keeps its promises, and calm.

One throw-away SQLite database by design (`radar.replay`); the figures it prints are the ones in
docs/calm.md. Run with `pytest -s` to see them; they are printed on failure too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import pytest

from radar.domain import calendar
from radar.domain import interruptions as cost
from radar.domain.events import TimelineEntry
from radar.domain.interruptions import Cause, Counts, Entered, Facts, Interruption, When
from radar.domain.notification import DeliveryState
from radar.replay import Replay, replay
from tests.conftest import EXAMPLE_POLICY
from tests.support.quarter import generate

SEED = 7
SEV1_CALL_WITHIN = timedelta(seconds=60)
SEV2_CALL_AFTER = timedelta(minutes=10)
SEV2_CALL_BY = timedelta(minutes=11)
AUTOMATIC_NIGHT_CALLS = 0.10  # at most this share of the night calls


@pytest.fixture(scope="module")
def quarter() -> Replay:
    return replay(EXAMPLE_POLICY.read_text(), str(EXAMPLE_POLICY), generate(SEED))


def test_a_replayed_quarter_keeps_the_process_and_is_calm(quarter: Replay) -> None:
    print(report(quarter))
    facts = quarter.facts()
    found = quarter.interruptions()
    checks = {
        "a Sev1 call later than 60 s": sev1_calls_late(quarter, facts),
        "a Sev2 call outside +10 to +11 min": sev2_calls_off(quarter, facts),
        "a Sev3/Sev4 message out of working hours": minor_out_of_hours(quarter, facts),
        "night calls by automatic upgrades": automatic_night_calls(quarter, found),
        "a message after the incident ended": after_the_end(quarter, facts),
        "the same message twice to one person within a second": repeated(quarter),
    }
    print(f"messages folded: {folded(quarter)}")
    for rule, (examined, bad) in checks.items():
        print(f"{rule}: {examined} case(s) examined, {len(bad)} broken")
    assert all(examined for examined, _ in checks.values()), "a rule examined nothing"
    failed = {k: bad for k, (_, bad) in checks.items() if bad}
    lines = [f"{k} ({len(v)}):\n  " + "\n  ".join(v) for k, v in failed.items()]
    assert not failed, "\n".join(lines)


def test_the_quarter_is_the_one_the_docs_describe(quarter: Replay) -> None:
    """The stream has what makes a quarter realistic: a third out of hours, closed days, the
    DST night, the Sev1 30 s after a Sev2, duplicates; and every incident was declared."""
    planned = quarter.planned
    assert len(quarter.records) == len(planned) >= 250
    cal = quarter.policy.calendar_of(quarter.policy.team("payments"))
    out = sum(not calendar.is_working(cal, p.at) for p in planned)
    assert 0.28 <= out / len(planned) <= 0.40
    days = {p.at.date() for p in planned}
    assert {datetime(2026, 12, d).date() for d in (8, 24, 25)} <= days
    assert datetime(2027, 3, 28).date() in days
    levels = [p.severity for p in planned]
    assert 0.02 <= levels.count("sev1") / len(levels) <= 0.10
    pairs = [(a, b) for a, b in itertools.pairwise(planned) if b.at - a.at == _30S]
    assert any(a.severity == "sev2" and b.severity == "sev1" for a, b in pairs)
    assert sum(1 for p in planned if _closed_within_a_minute(p)) >= 4


_30S = timedelta(seconds=30)


def _closed_within_a_minute(p: object) -> bool:
    actions = getattr(p, "actions", ())
    return any(a.do in ("resolve", "decline") and a.after <= timedelta(minutes=1) for a in actions)


# --- the checks: each returns the cases that break the rule, in words -----------------------


def where(q: Replay, f: Facts) -> str:
    zone = q.policy.calendar_of(q.policy.owner_of(f.service)).zone
    local = f.declared_at.astimezone(zone)
    return (
        f"line {q.line_of.get(f.incident_id)} (INC-{f.incident_id}, {f.declared_level} on "
        f"{f.service}, declared {local:%a %d %b %H:%M:%S %Z})"
    )


def stints(f: Facts) -> Iterable[tuple[Entered, datetime | None]]:
    """Each time the incident came to a level, and when it next moved (or None)."""
    for n, e in enumerate(f.entered):
        later = f.entered[n + 1].at if n + 1 < len(f.entered) else None
        yield e, later


def calls(f: Facts, level: str, since: datetime, until: datetime | None) -> list[cost.Sent]:
    return [
        s
        for s in f.sent
        if s.person
        and s.how == cost.CALL
        and s.level == level
        and s.at >= since
        and (until is None or s.at < until)
    ]


Check = tuple[int, list[str]]  # how many cases a rule examined, and those that break it


def sev1_calls_late(q: Replay, facts: list[Facts]) -> Check:
    """Declared Sev1, or moved to Sev1 by a person, and nobody had acknowledged: the first call
    goes within 60 s."""
    bad, examined = [], 0
    for f in facts:
        for e, until in stints(f):
            if e.level != "sev1" or e.by_radar or e.acknowledged:
                continue
            if f.ended_at is not None and f.ended_at <= e.at:
                continue
            examined += 1
            made = calls(f, "sev1", e.at, until)
            if made and made[0].at - e.at <= SEV1_CALL_WITHIN:
                continue
            first = f"first call {made[0].at - e.at} later" if made else "no call"
            how = "declared" if e.declared else "moved there by a person"
            bad.append(f"{where(q, f)}: {how} sev1 at {e.at:%H:%M:%S} UTC, {first}")
    return examined, bad


def sev2_calls_off(q: Replay, facts: list[Facts]) -> Check:
    """A Sev2's engineering manager is called 10 minutes after it starts when nobody has
    acknowledged by then, and not before; within a minute of that."""
    bad, examined = [], 0
    for f in facts:
        for e, until in stints(f):
            if e.level != "sev2" or not e.declared:
                continue
            examined += 1
            made = calls(f, "sev2", e.at, until)
            early = [s for s in made if s.at < e.at + SEV2_CALL_AFTER]
            for s in early:
                bad.append(f"{where(q, f)}: {s.label} called {s.at - e.at} after the declaration")
            due = e.at + SEV2_CALL_AFTER
            still = (until is None or until > due) and (f.ended_at is None or f.ended_at > due)
            acked = cost.acknowledged(q.policy, _timeline(q, f), due)
            if not still or acked:
                continue
            on_time = [s for s in made if due <= s.at <= e.at + SEV2_CALL_BY]
            if not on_time:
                first = f"first call {made[0].at - e.at} after" if made else "no call"
                bad.append(f"{where(q, f)}: unacknowledged at +10 min, {first}")
    return examined, bad


def minor_out_of_hours(q: Replay, facts: list[Facts]) -> Check:
    """Sev3 and Sev4 wait for working hours: nothing of theirs reaches anyone, or #radar,
    outside the owning team's hours."""
    bad, examined = [], 0
    for f in facts:
        cal = q.policy.calendar_of(q.policy.owner_of(f.service))
        for s in f.sent:
            examined += s.level in ("sev3", "sev4")
            if s.level in ("sev3", "sev4") and not calendar.is_working(cal, s.at):
                local = s.at.astimezone(cal.zone)
                bad.append(
                    f"{where(q, f)}: {s.kind.value} ({s.cause.value}, {s.level}) to {s.label} "
                    f"by {s.how} at {local:%a %d %b %H:%M %Z}, decided at "
                    f"{s.decided_at.astimezone(cal.zone):%a %d %b %H:%M}"
                )
    return examined, bad


def automatic_night_calls(q: Replay, found: list[Interruption]) -> Check:
    """Automation is never the main cause of night calls: at most 10 % of them, and each for
    an incident nobody had acknowledged when the call was decided."""
    night = [i for i in found if i.when is When.NIGHT and i.is_call]
    automatic = [i for i in night if i.cause is Cause.AUTOMATIC_UPGRADE]
    bad = []
    if len(automatic) > AUTOMATIC_NIGHT_CALLS * len(night):
        bad.append(
            f"{len(automatic)} of {len(night)} night calls come from automatic upgrades "
            f"(at most {AUTOMATIC_NIGHT_CALLS:.0%})"
        )
    for i in automatic:
        if i.acknowledged:
            lines = ", ".join(str(q.line_of.get(n)) for n in i.incident_ids)
            bad.append(
                f"line {lines}: {i.person} called at {i.at:%Y-%m-%d %H:%M} UTC for an "
                f"automatic upgrade of an acknowledged incident"
            )
    return len(night), bad


def after_the_end(q: Replay, facts: list[Facts]) -> Check:
    ended = sum(1 for f in facts if f.ended_at is not None)
    return ended, [
        f"{where(q, f)}: {s.kind.value} to {s.label} at {s.at:%Y-%m-%d %H:%M:%S} UTC, "
        f"ended at {f.ended_at:%Y-%m-%d %H:%M:%S} UTC"
        for f in facts
        for s in f.sent_after_end
    ]


def _timeline(q: Replay, f: Facts) -> list[TimelineEntry]:
    record = next(r for r in q.records if r.incident.id == f.incident_id)
    return list(record.timeline)


# --- the figures ---------------------------------------------------------------------------


def _person(q: Replay, address: str) -> str:
    found = q.policy.find_person(address)
    return found.id if found else address.casefold()


def repeated(q: Replay) -> tuple[int, list[str]]:
    """Notifications to a person about one incident with the same text, sent within a second of
    each other (in one message or two): a person would read the same thing twice."""
    examined, bad = 0, []
    for r in q.records:
        sent = sorted(
            (n for n in r.notifications if n.state is DeliveryState.SENT and n.sent_at),
            key=lambda n: (n.sent_at or q.start, n.id),
        )
        for a, b in itertools.combinations(sent, 2):
            if _person(q, a.address) != _person(q, b.address):
                continue
            examined += 1
            assert a.sent_at is not None
            assert b.sent_at is not None
            if a.body == b.body and abs(b.sent_at - a.sent_at) <= timedelta(seconds=1):
                bad.append(f"INC-{r.incident.id} {a.label}: {a.body[:60]!r} at {a.sent_at}")
    return examined, bad


def folded(q: Replay) -> str:
    """How many notifications went as part of another: targets one person held folded into one
    message when decided ("(communications lead; commander)"), and decisions of one engine pass
    for one person about one incident sent as one message."""
    roles = decisions = 0
    for r in q.records:
        sent = [n for n in r.notifications if n.state is DeliveryState.SENT]
        roles += sum(n.label.rpartition("(")[2].count("; ") for n in sent)
        keys = [(_person(q, n.address), n.created_at, n.sent_at) for n in sent if n.address]
        decisions += len(keys) - len(set(keys))
    return f"{roles + decisions} ({roles} by role, {decisions} decisions sent together)"


def report(q: Replay) -> str:
    found = q.interruptions()
    people = cost.tally(found, "person")
    causes = cost.tally(found, "cause")
    lines = [
        f"{len(q.records)} incidents, {q.applied} actions applied, {len(q.skipped)} skipped; "
        f"{len(found)} interruptions of people, {sum(i.is_call for i in found)} calls",
        table("person", people, lambda pid: pid),
        table("cause", causes, str),
    ]
    return "\n".join(lines)


def table(label: str, rows: dict[str, Counts], name: Callable[[str], str]) -> str:
    head = f"{label:<20}" + "".join(f"{w.value:>18}" for w in When) + f"{'total':>18}"
    out = [head]
    for key, c in [*rows.items(), ("total", cost.total(rows.values()))]:
        cells = [f"{c.by_when.get(w, 0)} ({c.calls.get(w, 0)} calls)" for w in When]
        cells.append(f"{c.total} ({c.total_calls} calls)")
        out.append(f"{name(key):<20}" + "".join(f"{x:>18}" for x in cells))
    return "\n".join(out)
