"""An incident's acknowledgement in words, read from its timeline, without a database: every way
an acknowledgement stops counting, open and ended."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from radar.domain import acknowledgement
from radar.domain import incident as inc
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Incident, Via
from radar.domain.policy import Policy
from tests.unit.test_lifecycle import POLICY, T0

LAURA = Actor("Laura Gómez", Via.SLACK)
ANA = Actor("Ana")
FRESH = replace(
    POLICY,
    severities=tuple(replace(s, fresh_acknowledgement=s.id == "sev1") for s in POLICY.severities),
)
LEVELS = {s.id: s.name for s in POLICY.severities}


class Story:
    """An incident and its timeline, told one decision at a time."""

    def __init__(self, policy: Policy = FRESH, severity: str = "sev2") -> None:
        self.at = T0
        made, events = inc.declare(
            policy,
            title="Card numbers in the logs",
            service="checkout",
            severity=severity,
            actor=ANA,
            now=T0,
        )
        self.incident: Incident = replace(made, id=1)
        self.entries: list[TimelineEntry] = [e.entry() for e in events]

    def then(self, change: inc.Change) -> Story:
        self.incident, events = change
        self.entries += [e.entry() for e in events]
        return self

    def later(self) -> datetime:
        self.at += timedelta(minutes=5)
        return self.at

    def words(self) -> acknowledgement.Words:
        return acknowledgement.standing(self.incident, self.entries).words(LEVELS)


def acked(story: Story, who: Actor = LAURA) -> Story:
    return story.then(inc.acknowledge(story.incident, who, story.later()))


def moved(story: Story, to: str, policy: Policy = FRESH) -> Story:
    change = inc.change_severity(
        policy,
        story.incident,
        ANA,
        story.later(),
        severity=to,
        reason="worse",
    )
    return story.then(change)


def resolved(story: Story) -> Story:
    return story.then(inc.resolve(story.incident, ANA, story.later(), summary="fixed"))


def test_not_yet_acknowledged_is_awaited_and_never_acknowledged_is_a_fact() -> None:
    story = Story()
    assert story.words() == acknowledgement.Words("", "not yet acknowledged", True)
    assert resolved(story).words() == acknowledgement.Words("", "never acknowledged", False)


def test_an_acknowledgement_at_the_current_level() -> None:
    words = acked(Story()).words()
    assert (words.text, words.awaiting) == ("acknowledged by Laura Gómez (slack)", False)


def test_a_fresh_level_keeps_who_acknowledged_the_level_below() -> None:
    story = moved(acked(Story()), "sev1")
    assert story.incident.acknowledgement is None
    words = story.words()
    assert words.text == (
        "acknowledged at Sev2 - Major by Laura Gómez (slack); Sev1 - Critical not yet acknowledged"
    )
    assert words.awaiting
    assert words.pending == "Sev1 - Critical not yet acknowledged"  # the part to mark


def test_resolved_after_a_fresh_level_says_what_happened_without_alarm() -> None:
    words = resolved(moved(acked(Story()), "sev1")).words()
    assert words.text == (
        "acknowledged at Sev2 - Major by Laura Gómez (slack); Sev1 - Critical was not acknowledged"
    )
    assert not words.awaiting


def test_acknowledged_again_at_the_fresh_level() -> None:
    words = acked(moved(acked(Story()), "sev1"), ANA).words()
    assert (words.text, words.awaiting) == ("acknowledged by Ana (api)", False)


def test_a_kept_acknowledgement_says_the_level_it_was_made_at() -> None:
    story = moved(acked(Story(POLICY)), "sev1", POLICY)  # no fresh acknowledgement asked
    assert story.words().text == (
        "acknowledged at Sev2 - Major by Laura Gómez (slack); still counts at Sev1 - Critical"
    )


def test_a_reopen_asks_again() -> None:
    story = acked(Story())
    resolved(story)
    story.then(inc.reopen(story.incident, ANA, story.later(), reason="back"))
    words = story.words()
    assert words.text == (
        "acknowledged by Laura Gómez (slack) before it was reopened; not yet acknowledged since"
    )
    assert words.awaiting
    assert resolved(story).words().pending == "not acknowledged since"


def test_a_declined_report_needs_none() -> None:
    story = Story()
    story.then(inc.decline(story.incident, ANA, story.later(), reason="typo"))
    assert story.words() == acknowledgement.Words("", "not needed: not an incident", False)


def test_without_its_timeline_an_incident_still_reads_true() -> None:
    story = moved(acked(Story()), "sev1")
    alone = acknowledgement.standing(story.incident, ()).words(LEVELS)
    assert (alone.text, alone.awaiting) == ("not yet acknowledged", True)
    kept = acked(Story())
    assert acknowledgement.standing(kept.incident, ()).words().text == (
        "acknowledged by Laura Gómez (slack)"
    )
