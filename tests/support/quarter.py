"""A realistic quarter of incidents for examples/policy.yaml, as a replay stream (JSON Lines).

    .venv/bin/python -m tests.support.quarter --seed 7 > quarter.jsonl
    radar policy simulate examples/policy.yaml --replay quarter.jsonl

250 incidents over the 90 days from Monday 7 December 2026 (Europe/Madrid), about a third of
them declared out of hours, some on the closed days (8, 24 and 25 December, 1 and 6 January),
plus a few extras on the night the clocks go forward (28 March 2027). Levels roughly 5 % sev1,
20 % sev2, 45 % sev3 and 30 % sev4. The people of the owning team acknowledge (most within
minutes, some never), post updates at about their level's cadence (some go silent), move some
incidents down with a reason, decline some proposed upgrades and resolve them after minutes to
days. There are overlaps (two incidents of one team within minutes; a Sev1 declared 30 s after
a Sev2 for the same engineering manager) and duplicates closed within a minute.

The same seed gives the same stream.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from radar.domain import calendar, escalation
from radar.domain.calendar import Calendar
from radar.policyfile import load

EXAMPLE_POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
ZONE = ZoneInfo("Europe/Madrid")
FIRST_DAY = date(2026, 12, 7)  # a Monday
DAYS = 90
COUNT = 250
CLOSED_DAYS = (date(2026, 12, 8), date(2026, 12, 24), date(2026, 12, 25))
CLOSED_DAYS += (date(2027, 1, 1), date(2027, 1, 6))
DST_NIGHT = date(2027, 3, 28)  # 02:00 CET becomes 03:00 CEST
LEVELS = (("sev1", 0.05), ("sev2", 0.20), ("sev3", 0.45), ("sev4", 0.30))
OUT_OF_HOURS = 1 / 3


@dataclass(frozen=True)
class Team:
    services: tuple[str, ...]
    people: tuple[str, ...]
    manager: str


TEAMS = {
    "payments": Team(("checkout", "accounts"), ("laura", "sam", "maria", "ana"), "laura"),
    "discovery": Team(("catalog", "notifications"), ("david", "lucia", "ana"), "david"),
}
TEAM_OF = {s: team for team in TEAMS.values() for s in team.services}
TITLES = {
    "checkout": ("Card payments fail", "Basket total is wrong", "Order confirmation is slow"),
    "accounts": ("Sign-in returns 500", "Password reset emails late", "Profiles do not save"),
    "catalog": ("Search returns nothing", "Category page is empty", "Prices missing"),
    "notifications": ("Emails are not sent", "Push messages delayed", "Wrong email template"),
}
# How often a level's people post an update (the policy's cadence); sev3's counts working time.
CADENCE = {"sev1": timedelta(minutes=15), "sev2": timedelta(minutes=30), "sev3": timedelta(hours=2)}


@dataclass
class Incident:
    at: datetime
    severity: str
    service: str
    title: str
    actions: list[tuple[timedelta, dict[str, Any]]] = field(default_factory=list)

    def act(self, when: datetime, do: str, **args: Any) -> None:
        self.actions.append((max(when - self.at, timedelta(0)), {"do": do, **args}))

    def line(self) -> str:
        actions = [
            {"after": span(after), **a}
            for after, a in sorted(self.actions, key=lambda pair: pair[0])
        ]
        data = {
            "at": self.at.astimezone(ZONE).isoformat(),
            "severity": self.severity,
            "service": self.service,
            "title": self.title,
            "actions": actions,
        }
        return json.dumps(data, ensure_ascii=False)


def span(d: timedelta) -> str:
    """``1d2h3m4s`` as the stream's durations are written, zeros left out."""
    seconds = int(d.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


class Quarter:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.policy = load.load(EXAMPLE_POLICY.read_text(), str(EXAMPLE_POLICY))
        self.cal: Calendar = self.policy.calendar_of(self.policy.team("payments"))

    # --- when -------------------------------------------------------------------------

    def working(self, at: datetime) -> bool:
        return calendar.is_working(self.cal, at)

    def local(self, day: date, hour: int, minute: int, second: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute, second), tzinfo=ZONE)

    def random_time(self, out_of_hours: bool, day: date | None = None) -> datetime:
        """A declaration time in (or out of) working hours, on ``day`` or any day."""
        for _ in range(10_000):
            d = day or FIRST_DAY + timedelta(days=self.rng.randrange(DAYS))
            at = self.local(d, 0, 0) + timedelta(seconds=self.rng.randrange(86400))
            if self.working(at) != out_of_hours:
                return at
        raise AssertionError("no such time")

    def in_work(self, start: datetime, amount: timedelta) -> datetime:
        """``amount`` of working time after ``start``."""
        found = calendar.add_working_time(self.cal, start, amount)
        assert found is not None
        return found.astimezone(ZONE)

    def morning(self, at: datetime) -> datetime:
        """``at`` itself in working hours, else the next working start."""
        found = calendar.next_working_start(self.cal, at)
        assert found is not None
        return found.astimezone(ZONE)

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=int(self.rng.uniform(low, high) * 60))

    # --- who and what -----------------------------------------------------------------

    def level(self) -> str:
        roll, total = self.rng.random(), 0.0
        for sev, share in LEVELS:
            total += share
            if roll < total:
                return sev
        return LEVELS[-1][0]

    def incident(self, at: datetime, severity: str, service: str | None = None) -> Incident:
        service = service or self.rng.choice(sorted(TEAM_OF))
        title = self.rng.choice(TITLES[service])
        return Incident(at, severity, service, title)

    def responder(self, i: Incident) -> str:
        team = TEAM_OF[i.service]
        if i.severity in ("sev1", "sev2") and self.rng.random() < 0.6:
            return team.manager
        return self.rng.choice(team.people)

    # --- a life ---------------------------------------------------------------------------

    def live(self, i: Incident) -> Incident:
        """What the people do to ``i``, from declaration to resolution."""
        urgent = i.severity in ("sev1", "sev2")
        who = self.responder(i)
        # When people start working on it: now, or the next morning for what can wait.
        start = i.at if urgent or self.working(i.at) else self.morning(i.at)
        ack: datetime | None = None
        roll = self.rng.random()
        if roll < (0.04 if urgent else 0.12):
            ack = None  # nobody ever acknowledges it
        elif urgent and not self.working(i.at) and roll < 0.35:
            ack = i.at + self.minutes(10.5, 16)  # after the phone rang
        else:
            ack = start + self.minutes(0.5, 12 if urgent else 30)
        if ack is not None:
            i.act(ack, "acknowledge", by=who)
        if urgent and ack is not None and self.rng.random() < 0.7:
            i.act(ack + self.minutes(1, 6), "assign", role="communications_lead", to=who, by=who)
        if i.severity == "sev1" and ack is not None and self.rng.random() < 0.7:
            manager = TEAM_OF[i.service].manager
            i.act(ack + self.minutes(1, 6), "assign", role="commander", to=manager, by=who)
        end = self.resolution(i, start)
        level = self.move_down(i, start, end, who)
        self.updates(i, level, start, end, who)
        self.answer_upgrades(i, level, end, who, worked_on=ack is not None)
        i.act(end, "resolve", by=who, summary="Fixed and verified")
        return i

    def resolution(self, i: Incident, start: datetime) -> datetime:
        r = self.rng.random()
        if i.severity == "sev1":
            return i.at + self.minutes(20, 180)
        if i.severity == "sev2":
            return i.at + self.minutes(15, 90 if r < 0.7 else 420)
        if i.severity == "sev3":
            hours = self.rng.uniform(0.5, 4) if r < 0.6 else self.rng.uniform(4, 24)
            return self.in_work(start, timedelta(hours=hours))
        hours = self.rng.uniform(1, 8) if r < 0.5 else self.rng.uniform(8, 80)
        return self.in_work(start, timedelta(hours=hours))

    def move_down(self, i: Incident, start: datetime, end: datetime, who: str) -> str:
        """About one in ten incidents is moved one level down once people look at it."""
        below = {"sev1": "sev2", "sev2": "sev3", "sev3": "sev4"}.get(i.severity)
        if below is None or self.rng.random() > 0.1:
            return i.severity
        when = start + self.minutes(10, 60)
        if when >= end:
            return i.severity
        i.act(when, "severity", to=below, reason="Fewer customers affected than reported", by=who)
        return below

    def updates(self, i: Incident, level: str, start: datetime, end: datetime, who: str) -> None:
        every = CADENCE.get(level)
        if every is None:  # sev4: a note or two in working hours
            for _ in range(self.rng.randrange(3)):
                when = self.in_work(start, self.minutes(30, 600))
                if when < end:
                    i.act(when, "update", message="Looking into it", by=who)
            return
        silent_after = self.rng.randrange(4) if self.rng.random() < 0.15 else 10_000
        when, count = start, 0
        while count < silent_after:
            gap = every * self.rng.uniform(0.6, 1.0)
            when = when + gap if level != "sev3" else self.in_work(when, gap)
            if when >= end:
                return
            i.act(when, "update", message=f"Update {count + 1}: still working on it", by=who)
            count += 1

    def answer_upgrades(
        self, i: Incident, level: str, end: datetime, who: str, *, worked_on: bool
    ) -> None:
        """Decline (now and then accept) the upgrade Radar proposes on a long incident that
        people work on, a few minutes after Radar asks."""
        if not worked_on or level != i.severity or level not in ("sev2", "sev3"):
            return
        timer = escalation.upgrade_timer(self.policy.severity(level), self.cal, i.at)
        if timer is None or timer.due_at + timedelta(minutes=5) >= end:
            return
        if self.rng.random() < 0.3:
            return  # nobody answers: Radar asks again later
        accept = self.rng.random() < 0.2
        when = min(timer.due_at + self.minutes(2, 25), end - timedelta(minutes=1))
        i.act(when, "answer_upgrade", accept=accept, by=who)

    # --- the quarter ----------------------------------------------------------------------

    def generate(self) -> list[Incident]:
        """The specials, then random incidents drawn so that the quarter has its shares of
        levels and of declarations out of hours."""
        incidents = self.specials()
        rest = COUNT - len(incidents)
        out = round(COUNT * OUT_OF_HOURS) - sum(not self.working(i.at) for i in incidents)
        hours = [True] * max(out, 0) + [False] * (rest - max(out, 0))
        levels = [sev for sev, share in LEVELS for _ in range(round(share * COUNT))]
        for i in incidents:  # the specials already took their levels
            if i.severity in levels:
                levels.remove(i.severity)
        levels = (levels + [self.level() for _ in range(rest)])[:rest]
        self.rng.shuffle(hours)
        self.rng.shuffle(levels)
        for out_of_hours, level in zip(hours, levels, strict=True):
            at = self.random_time(out_of_hours)
            incidents.append(self.live(self.incident(at, level)))
        incidents += self.dst_night()
        return sorted(incidents, key=lambda i: i.at)

    def specials(self) -> list[Incident]:
        found = []
        for day in CLOSED_DAYS:  # a few on each closed day
            for _ in range(2):
                found.append(self.live(self.incident(self.random_time(True, day), self.level())))
        found += self.sev1_after_sev2()
        found += self.overlaps()
        found += self.duplicates()
        return found

    def sev1_after_sev2(self) -> list[Incident]:
        """Checkout fails at night: a Sev2, and 30 s later a Sev1 for the same manager; the
        manager takes the Sev1 and marks the Sev2 a duplicate."""
        at = self.local(date(2027, 1, 19), 2, 14)
        sev2 = self.incident(at, "sev2", "checkout")
        sev1 = self.incident(at + timedelta(seconds=30), "sev1", "accounts")
        sev1.title = "Card numbers visible in the sign-in logs"
        sev1.act(sev1.at + self.minutes(2, 4), "acknowledge", by="laura")
        sev1.act(sev1.at + self.minutes(4, 6), "assign", role="commander", to="laura", by="laura")
        sev1.act(sev1.at + self.minutes(5, 7), "assign", role="communications_lead", to="sam")
        for n in range(1, 6):
            sev1.act(sev1.at + timedelta(minutes=14 * n), "update", message=f"Update {n}", by="sam")
        sev1.act(sev1.at + timedelta(minutes=80), "resolve", by="laura")
        sev2.act(at + self.minutes(5, 7), "decline", reason="duplicate of the Sev1", by="laura")
        return [sev2, sev1]

    def overlaps(self) -> list[Incident]:
        """Two incidents of one team within minutes, in and out of hours."""
        found = []
        for n in range(8):
            first = self.incident(self.random_time(n % 3 == 0), self.level())
            service = self.rng.choice(TEAM_OF[first.service].services)
            second = self.incident(first.at + self.minutes(1, 8), self.level(), service)
            found += [self.live(first), self.live(second)]
        return found

    def duplicates(self) -> list[Incident]:
        """The same problem reported twice: the second closed within a minute (sometimes
        someone acknowledges it a minute later, which is no longer possible)."""
        found = []
        for n in range(8):
            first = self.live(self.incident(self.random_time(n % 3 == 0), self.level()))
            copy = self.incident(first.at + self.minutes(0.5, 5), first.severity, first.service)
            copy.title = first.title
            after = copy.at + self.minutes(0.2, 0.95)
            if n % 2:
                copy.act(after, "decline", reason="duplicate", by=self.responder(copy))
            else:
                copy.act(after, "resolve", summary="Duplicate", by=self.responder(copy))
            if n % 4 == 1:
                copy.act(after + self.minutes(1, 2), "acknowledge")
            found += [first, copy]
        return found

    def dst_night(self) -> list[Incident]:
        """The night the clocks go forward: 02:00 CET is 03:00 CEST."""
        sev2 = self.incident(self.local(DST_NIGHT, 1, 55), "sev2", "checkout")
        sev2.act(sev2.at + timedelta(minutes=13), "acknowledge", by="laura")
        sev2.act(sev2.at + timedelta(minutes=50), "resolve", by="laura")
        sev1 = self.incident(self.local(DST_NIGHT, 3, 20), "sev1", "catalog")
        sev3 = self.incident(self.local(DST_NIGHT, 1, 40), "sev3", "notifications")
        return [sev2, self.live(sev1), self.live(sev3)]


def generate(seed: int) -> str:
    """The quarter's stream for ``seed``, one incident a line."""
    return "".join(i.line() + "\n" for i in Quarter(seed).generate())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sys.stdout.write(generate(args.seed))


if __name__ == "__main__":
    main()
