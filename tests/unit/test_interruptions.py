"""What a response costs people (`domain/interruptions.py`), from hand-made notifications and
timelines over the example policy: no database, no clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from radar.domain import incident as inc
from radar.domain import interruptions as cost
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Incident
from radar.domain.interruptions import Cause, Record, When
from radar.domain.notification import DeliveryState, Kind, Notification
from radar.domain.policy import Person
from radar.domain.response import Channel
from tests.unit.test_lifecycle import POLICY

# Madrid is UTC+1 in winter: 10:00 UTC is 11:00 local.
TUESDAY_1100 = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
TUESDAY_2000 = datetime(2026, 12, 15, 19, 0, tzinfo=UTC)
TUESDAY_2330 = datetime(2026, 12, 15, 22, 30, tzinfo=UTC)
WEDNESDAY_0630 = datetime(2026, 12, 16, 5, 30, tzinfo=UTC)
SATURDAY_1200 = datetime(2026, 12, 19, 11, 0, tzinfo=UTC)
CHRISTMAS_1100 = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
ANA = Actor("Ana")


def incident(at: datetime = TUESDAY_1100, severity: str = "sev2") -> Incident:
    made, _ = inc.declare(
        POLICY, title="Checkout down", service="checkout", severity=severity, actor=ANA, now=at
    )
    return replace(made, id=7)


def entry(at: datetime, kind: str, actor: str = "Ana", **fields: str) -> TimelineEntry:
    via = "engine" if actor == "Radar" else "cli"
    return TimelineEntry(at=at, kind=kind, actor=actor, via=via, **fields)


def sent(
    at: datetime,
    *,
    n: int = 1,
    target: str = "engineering_manager",
    address: str = "laura",
    channels: tuple[Channel, ...] = (Channel.PHONE, Channel.SMS),
    kind: Kind = Kind.MESSAGE,
    level: str | None = "sev2",
    body: str = "Step 2 of Sev2 - Major: nobody has responded after 10 minutes",
    decided: datetime | None = None,
    state: DeliveryState = DeliveryState.SENT,
) -> Notification:
    return Notification(
        id=n,
        incident_id=7,
        key=f"k{n}",
        target=target,
        address=address,
        label=address,
        channels=channels,
        subject="INC-7",
        body=body,
        state=state,
        created_at=decided or at,
        next_attempt_at=at,
        sent_at=at if state is DeliveryState.SENT else None,
        kind=kind,
        level=level,
        rank=POLICY.severity(level).rank if level else None,
    )


def record(*notifications: Notification, timeline: tuple[TimelineEntry, ...] = ()) -> Record:
    i = incident()
    declared = entry(i.declared_at, "declared", field="severity", new=i.severity)
    return Record(i, (declared, *timeline), notifications)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (TUESDAY_1100, When.BUSINESS_HOURS),
        (TUESDAY_2000, When.EVENING),  # 21:00 in Madrid
        (TUESDAY_2330, When.NIGHT),  # 23:30
        (WEDNESDAY_0630, When.NIGHT),  # 06:30
        (SATURDAY_1200, When.EVENING),  # a weekend day counts as an evening
        (CHRISTMAS_1100, When.EVENING),  # so does a public holiday
    ],
)
def test_when_is_read_in_the_persons_team_calendar(at: datetime, expected: When) -> None:
    assert cost.when(POLICY, "sam", at) is expected


def test_a_persons_own_time_zone_decides_what_is_night() -> None:
    # 05:30 UTC is 06:30 in Madrid (night) and 14:30 in Tokyo (not night, and not Madrid's
    # working hours either: an evening for the purpose of counting).
    away = replace(
        POLICY, people=(*POLICY.people[1:], Person("laura", "Laura", timezone="Asia/Tokyo"))
    )
    assert cost.when(POLICY, "laura", WEDNESDAY_0630) is When.NIGHT
    assert cost.when(away, "laura", WEDNESDAY_0630) is When.EVENING


def test_someone_in_no_team_uses_the_default_calendar() -> None:
    zone, cal = cost.home(POLICY, "nobody")
    assert (zone.key, cal.id) == ("Europe/Madrid", "madrid-office")


def test_only_sent_messages_count_and_slack_upkeep_is_not_a_message() -> None:
    found = cost.sent(
        POLICY,
        record(
            sent(TUESDAY_1100, n=1),
            sent(TUESDAY_1100, n=2, state=DeliveryState.SKIPPED),
            sent(TUESDAY_1100, n=3, state=DeliveryState.PENDING),
            sent(TUESDAY_1100, n=4, kind=Kind.REFRESH, target="slack:#radar", level=None),
        ),
    )
    assert [s.id for s in found] == [1]


def test_a_channel_is_a_message_but_not_an_interruption() -> None:
    post = sent(TUESDAY_1100, target="slack:#radar", address="#radar", channels=(Channel.SLACK,))
    found = cost.sent(POLICY, record(post))
    assert [(s.person, s.how) for s in found] == [(False, "slack")]
    assert cost.interruptions(POLICY, found) == []


@pytest.mark.parametrize(
    ("channels", "how"),
    [
        ((Channel.PHONE, Channel.SMS), "call"),
        ((Channel.SMS,), "text"),
        ((Channel.EMAIL,), "email"),
        ((Channel.SLACK,), "slack"),
        ((Channel.WEBHOOK,), "webhook"),
    ],
)
def test_how_is_the_first_channel(channels: tuple[Channel, ...], how: str) -> None:
    assert cost.how(sent(TUESDAY_1100, channels=channels)) == how


def test_a_bundle_interrupts_once_with_its_most_severe_cause() -> None:
    reminder = sent(
        TUESDAY_2330, n=1, channels=(Channel.SLACK,), kind=Kind.REMINDER,
        body="An update is due: Sev2 - Major expects one every 30 minutes",
    )  # fmt: skip
    page = sent(TUESDAY_2330, n=2, channels=(Channel.SLACK,), level="sev1", body="Step 1")
    later = sent(TUESDAY_2330 + timedelta(minutes=2), n=3, channels=(Channel.SLACK,))
    found = cost.interruptions(POLICY, cost.sent(POLICY, record(reminder, page, later)))
    assert [(i.members, i.cause, i.level, i.when) for i in found] == [
        (2, Cause.RESPONSE, "sev1", When.NIGHT),
        (1, Cause.RESPONSE, "sev2", When.NIGHT),
    ]


@pytest.mark.parametrize(
    ("kind", "body", "expected"),
    [
        (Kind.REMINDER, "An update is overdue: Sev2 - Major expects one", Cause.UPDATE_REMINDER),
        (
            Kind.REMINDER,
            "Sev2 - Major needs communications lead; nobody is assigned yet",
            Cause.ROLES_REMINDER,
        ),
        (Kind.PROPOSAL, "Unresolved after 4 hours ...", Cause.UPGRADE_PROPOSAL),
        (Kind.MESSAGE, "Step 1 of Sev2 - Major", Cause.RESPONSE),
    ],
)
def test_why_a_message_was_sent(kind: Kind, body: str, expected: Cause) -> None:
    n = sent(TUESDAY_1100, kind=kind, body=body, channels=(Channel.SLACK,))
    assert cost.cause(n, record().timeline) is expected


def test_a_page_at_a_level_radar_reached_is_caused_by_the_automatic_upgrade() -> None:
    up = entry(
        TUESDAY_2330, "severity_changed", actor="Radar", field="severity", old="sev2", new="sev1"
    )
    page = sent(TUESDAY_2330, level="sev1", body="Step 1 of Sev1 - Critical")
    [found] = cost.sent(POLICY, record(page, timeline=(up,)))
    assert found.cause is Cause.AUTOMATIC_UPGRADE
    # A person moving it back up makes the next page theirs.
    down = entry(TUESDAY_2330 + timedelta(minutes=5), "severity_changed", old="sev1", new="sev2")
    again = entry(TUESDAY_2330 + timedelta(minutes=9), "severity_changed", old="sev2", new="sev1")
    later = sent(TUESDAY_2330 + timedelta(minutes=9), level="sev1", body="Step 1")
    [_, second] = cost.sent(POLICY, record(page, replace(later, id=2), timeline=(up, down, again)))
    assert second.cause is Cause.RESPONSE


def test_acknowledged_is_judged_when_the_message_was_decided() -> None:
    ack = entry(TUESDAY_1100 + timedelta(minutes=5), "acknowledged")
    before = sent(TUESDAY_1100 + timedelta(minutes=4), n=1)
    after = sent(TUESDAY_1100 + timedelta(minutes=6), n=2, decided=TUESDAY_1100)
    at_once = sent(TUESDAY_1100 + timedelta(minutes=5), n=3)
    found = cost.sent(POLICY, record(before, after, at_once, timeline=(ack,)))
    assert [(s.id, s.acknowledged) for s in found] == [(1, False), (3, True), (2, False)]


def test_a_stronger_level_that_asks_for_a_fresh_acknowledgement_clears_it() -> None:
    ack = entry(TUESDAY_1100, "acknowledged")
    up = entry(TUESDAY_2000, "severity_changed", actor="Radar", old="sev2", new="sev1")
    timeline = [ack, up]
    assert cost.acknowledged(POLICY, timeline, TUESDAY_2330)  # the example's sev1 keeps it
    fresh = replace(POLICY.severity("sev1"), fresh_acknowledgement=True)
    strict = replace(POLICY, severities=(fresh, *POLICY.severities[1:]))
    assert not cost.acknowledged(strict, timeline, TUESDAY_2330)
    assert cost.acknowledged(strict, timeline, TUESDAY_2000 - timedelta(seconds=1))


def test_facts_say_when_each_level_started_was_first_called_and_what_came_after_the_end() -> None:
    i = replace(incident(), resolved_at=TUESDAY_2000)
    timeline = (
        entry(TUESDAY_1100, "declared", field="severity", new="sev2"),
        entry(TUESDAY_1100 + timedelta(minutes=12), "acknowledged"),
        entry(TUESDAY_1100 + timedelta(hours=4), "severity_changed", actor="Radar", old="sev2",
              new="sev1"),
    )  # fmt: skip
    late = TUESDAY_2000 + timedelta(seconds=1)
    calls = (
        sent(TUESDAY_1100 + timedelta(minutes=10), n=1),
        sent(TUESDAY_1100 + timedelta(hours=4), n=2, level="sev1"),
        sent(late, n=3, kind=Kind.REMINDER, channels=(Channel.SLACK,)),
    )
    f = cost.facts(POLICY, Record(i, timeline, calls))
    assert (f.declared_level, f.acknowledged_at, f.ended_at) == (
        "sev2",
        TUESDAY_1100 + timedelta(minutes=12),
        TUESDAY_2000,
    )
    assert [(e.level, e.by_radar, e.declared, e.acknowledged) for e in f.entered] == [
        ("sev2", False, True, False),
        ("sev1", True, False, True),
    ]
    assert f.first_calls == {
        "sev2": TUESDAY_1100 + timedelta(minutes=10),
        "sev1": TUESDAY_1100 + timedelta(hours=4),
    }
    assert [s.id for s in f.sent_after_end] == [3]


def test_tally_counts_each_part_of_the_day_and_the_calls_among_them() -> None:
    found = cost.interruptions(
        POLICY,
        cost.sent(
            POLICY,
            record(
                sent(TUESDAY_1100, n=1),
                sent(TUESDAY_2330, n=2),
                sent(TUESDAY_2330, n=3, address="sam", channels=(Channel.SLACK,)),
            ),
        ),
    )
    per_person = cost.tally(found, "person")
    assert per_person["laura"].by_when == {When.BUSINESS_HOURS: 1, When.NIGHT: 1}
    assert (per_person["laura"].total, per_person["laura"].total_calls) == (2, 2)
    assert (per_person["sam"].total, per_person["sam"].total_calls) == (1, 0)
    whole = cost.total(per_person.values())
    assert (whole.total, whole.calls) == (3, {When.BUSINESS_HOURS: 1, When.NIGHT: 1})
