"""The ``/radar`` slash command, as the person who typed it: ``help``, ``status``, ``ack``,
``update``, ``resolve``, ``severity``, ``role``, ``component`` and ``declare``. Without an
incident named, a command acts on the only open incident the person may see. A change is one
transaction through the incident service, as the Radar account the person maps to
(``services/slack_people.py``); Slack's cards hear of it through the outbox. The answer is for
the person alone, in words; a refusal is an answer too.
"""

from __future__ import annotations

from dataclasses import replace

from radar.clock import Clock
from radar.domain.access import Principal
from radar.domain.errors import Forbidden, NotFound, RadarError
from radar.domain.incident import Incident, Via, Visibility
from radar.domain.listing import IncidentFilter
from radar.integrations.slack_commands import USAGE, Command, Invocation, parse
from radar.services import slack_roles, slack_status
from radar.services.incidents import IncidentService
from radar.services.policies import PolicyService
from radar.services.slack_modals import SlackModals
from radar.services.slack_people import SlackPeople
from radar.services.slack_wording import line, named, summary
from radar.services.status import StatusService
from radar.store.uow import UnitOfWorkProvider

STATUS_LIMIT = 10  # `/radar status` lists at most this many open incidents


class SlackCommands:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        people: SlackPeople,
        incidents: IncidentService,
        modals: SlackModals,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._people = people
        self._incidents = incidents
        self._modals = modals

    def command(self, invocation: Invocation, *, public_url: str) -> str:
        """``/radar ...`` as the person who typed it: what to tell them (only them). A change is
        one transaction through the incident service, as the Radar account the person maps to;
        Slack's cards hear of it through the outbox."""
        slash, cmd = invocation.command, parse(invocation.text)
        base = public_url.rstrip("/")
        if cmd.name == "help":
            return help_text(slash)
        if cmd.name == "unknown":
            return f"Radar does not know `{cmd.word}`.\n" + help_text(slash)
        if cmd.problem:
            return f"{cmd.problem} (see `{slash} help`)"
        if cmd.name == "declare":
            return self._modals.open_declare(invocation.user, invocation.trigger_id, base)
        policy, principal = self._people.acting_as(invocation.user)
        if isinstance(principal, str):
            return principal  # why they cannot act
        if cmd.name == "role" and cmd.assignee_slack:
            assignee = self._people.directory.person(policy, cmd.assignee_slack)
            if assignee is None and not cmd.assignee:
                return (
                    f"Radar does not know <@{cmd.assignee_slack}>: ask an admin to add their "
                    "Slack id to the policy, or name them in words."
                )
            cmd = replace(cmd, assignee=assignee.id if assignee is not None else cmd.assignee)
        reference = cmd.reference
        try:
            if cmd.name == "component":  # the status page's components (services/status.py)
                status = StatusService(self._uow, self._clock, self._policies)
                return slack_status.component(status, principal, cmd)
            if cmd.name == "status" and reference is None:
                return self._open_ones(principal, base)
            if reference is None:
                only = self._the_open_one(principal, slash, cmd.name)
                if isinstance(only, str):
                    return only
                reference = only.reference
            if cmd.name == "role" and cmd.role and not cmd.assignee:  # nobody named: pick
                return slack_roles.modal(
                    self._incidents,
                    self._modals.open_view,
                    principal,
                    reference,
                    cmd.role,
                    invocation.trigger_id,
                )
            return self._do(principal, cmd, reference, base)
        except NotFound as exc:
            if exc.field == "incident":
                return f"There is no incident {reference} in Radar."
            return f"{reference or 'Radar'}: {exc.message}"
        except Forbidden as exc:
            return f"Radar did not let you do that: {exc.message}."
        except RadarError as exc:
            return f"{reference or 'Radar'}: {exc.message}"

    def _do(self, principal: Principal, cmd: Command, reference: str, base: str) -> str:
        """One subcommand on one incident; what to say when it worked."""
        s, via = self._incidents, Via.SLACK
        if cmd.name == "status":
            detail = s.get(principal, reference)
            return summary(detail, self._policies.current().policy, base)
        if cmd.name == "ack":
            before = s.get(principal, reference).incident.acknowledgement
            done = s.acknowledge(principal, reference, via=via)
            ack = done.acknowledgement
            if ack is not None and (before is not None or ack.by != principal.name):
                return f"{named(done)} was already acknowledged by {ack.by}."
            return f"You acknowledged {named(done)}."
        if cmd.name == "update":
            seen = Visibility.PUBLIC if cmd.public else Visibility.INTERNAL
            done = s.post_update(principal, reference, message=cmd.text, visibility=seen, via=via)
            kind = "a public" if cmd.public else "an internal"
            return f"You posted {kind} update on {named(done)}."
        if cmd.name == "resolve":
            done = s.resolve(principal, reference, summary=cmd.text, via=via)
            return f"You resolved {named(done)}."
        if cmd.name == "severity":
            done = s.change_severity(
                principal, reference, severity=cmd.severity, reason=cmd.text, via=via
            )
            return f"{named(done)} is now {done.severity}."
        assert cmd.role is not None  # role: the parser made sure
        return slack_roles.assign(s, principal, reference, cmd.role, cmd.assignee)

    def _the_open_one(self, principal: Principal, slash: str, name: str) -> Incident | str:
        """The incident a command without a reference means: the only open one the person may
        see; else what to tell them."""
        found = self._incidents.list(principal, IncidentFilter(open=True), limit=4).items
        if len(found) == 1:
            return found[0]
        usage = USAGE[name].replace("[INC-n]", found[0].reference if found else "INC-42")
        example = f"`{slash} {usage}`"
        if not found:
            return f"No incident is open: name the one you mean, e.g. {example}."
        listed = ", ".join(i.reference for i in found[:3]) + (", ..." if len(found) > 3 else "")
        return f"Several incidents are open ({listed}): name the one you mean, e.g. {example}."

    def _open_ones(self, principal: Principal, base: str) -> str:
        """``/radar status``: the open incidents the person may see, newest first."""
        listed = self._incidents.list(principal, IncidentFilter(open=True), limit=STATUS_LIMIT)
        if not listed.items:
            return "No incident is open."
        lines = ["Open incidents, newest first:"]
        lines += [f"• {line(i, listed.acknowledgements.get(i.id or 0))}" for i in listed.items]
        if listed.next_cursor is not None:
            lines.append(f"… and more: {base}/incidents")
        return "\n".join(lines)


def help_text(slash: str = "/radar") -> str:
    """What ``/radar help`` says."""
    lines = [f"`{slash} {usage}`" for usage in USAGE.values()]
    return "\n".join(
        [
            "Radar's slash command. Name the incident (`INC-42`); without a name, the command "
            "acts on the only open incident, if there is exactly one.",
            *lines,
            f"An update is internal unless `--public` comes before its text. "
            f"`{slash} declare` opens a form to declare an incident.",
        ]
    )
