"""``/radar component`` in Slack: the status page's components, and the state people set.

The same use cases as the API, the CLI and the web (``services/status.py``), as the Radar
account the Slack user maps to: setting or releasing needs the respond permission, and an
incident named in the command gets the change on its timeline.
"""

from __future__ import annotations

from radar.domain.access import Principal
from radar.domain.incident import Via
from radar.domain.status import Component
from radar.integrations.slack_commands import RELEASE, Command
from radar.services.status import StatusService


def component(status: StatusService, principal: Principal, cmd: Command) -> str:
    """What to tell the person: the components, or what their change did."""
    if not cmd.service:
        return listed(status.components(principal))
    noted = f" Noted on {cmd.reference}'s timeline." if cmd.reference else ""
    if cmd.state.strip().lower() == RELEASE:
        done = status.release_component(
            principal, cmd.service, incident=cmd.reference, via=Via.SLACK
        )
        return f"{done.name} follows its incidents again: {done.state.label}.{noted}"
    done = status.set_component(
        principal, cmd.service, cmd.state, hold=cmd.hold, incident=cmd.reference, via=Via.SLACK
    )
    how = "held until someone releases it" if cmd.hold else "until the incidents on it change"
    return f"The status page shows {done.name} as {done.state.label}, {how}.{noted}"


def listed(components: list[Component]) -> str:
    """One line per component: its id, name and state, and who set it."""
    lines = ["Status page components:"]
    for c in components:
        s = c.setting
        why = "from its incidents"
        if s is not None:
            why = (
                f"held by {s.set_by}" if s.held else f"set by {s.set_by} until its incidents change"
            )
        lines.append(f"• {c.name} (`{c.id}`): {c.state.label}, {why}")
    return "\n".join(lines)
