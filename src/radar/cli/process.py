"""The policy rendered for people in the terminal (`radar policy show`)."""

from __future__ import annotations

from rich.table import Table

from radar.cli.context import out
from radar.domain import preview, triage
from radar.domain.calendar import WEEKDAYS
from radar.domain.policy import Policy
from radar.domain.roles import TeamRole


def render(p: Policy) -> None:
    out.print(p.incident_definition, markup=False)
    out.print(f"[bold]The test:[/] {p.emergency_test}", markup=True, end=" ")
    asked = triage.where_test_is_asked(p.guide)
    out.print(
        f"If not, it is not an incident: file a ticket. {asked}".rstrip() + "\n", markup=False
    )
    for s in p.severities:
        out.print(f"[bold]{s.name}[/] ({s.id})")
        out.print(f"  {s.definition}", markup=False)
        for example in s.examples:
            out.print(f"  - {example}", markup=False)
        out.print(f"  Typical response: {s.typical_response}", markup=False)
        for line in preview.response(p, s.id):
            out.print(f"  Radar: {line}", markup=False)
        out.print()
    services = Table(
        "Service",
        "Owner",
        "Engineering manager",
        "Product owner",
        "Team lead",
        title="Services and owners",
    )
    for svc in p.services:
        team = p.owner_of(svc.id)
        names = [_name(p, team.roles.get(r)) if team else "" for r in TeamRole]
        services.add_row(f"{svc.name} ({svc.id})", team.name if team else "-", *names)
    out.print(services)
    for cal in p.calendars.values():
        hours = ", ".join(
            f"{day} {' '.join(str(w) for w in windows)}"
            for day, windows in zip(WEEKDAYS, cal.weekly, strict=True)
            if windows
        )
        out.print(
            f"Working hours {cal.id} ({cal.timezone}): {hours}; {len(cal.closed)} closed dates",
            markup=False,
        )


def _name(p: Policy, person_id: str | None) -> str:
    person = p.person(person_id) if person_id else None
    return person.name if person else "-"
