"""What people do in Slack, once the API has checked Slack's signature: press Acknowledge or
Resolve on Radar's card, Accept upgrade or Decline on the upgrade Radar proposes, or reply in
the card's thread.

A Slack user is a person of the policy by their ``slack`` id, or else by the email address
Slack gives for them (``services/slack_directory.py``), and that person acts through the
Radar account named like their id (``laura``), with that account's permissions: a button does
what the same person could do in Radar, and a restricted incident stays invisible to whoever
takes no part in it. A reply in the thread is a response, not a command: it acknowledges for
any person who writes there (named ``Slack user U123`` when the policy does not list them), unless
the policy turns it off (``slack.thread_replies_acknowledge``) or the incident is restricted and
the writer takes no part in it.

Everything here is one short database transaction; Slack hears of the change through the
outbox, as for any change (the incident's cards are refreshed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from radar.clock import Clock
from radar.domain import acknowledgement, wording
from radar.domain import incident as inc
from radar.domain.access import Permission, Principal
from radar.domain.acknowledgement import Words
from radar.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, RadarError
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Incident, Via, Visibility
from radar.domain.lifecycle import STATUS_CHANGES, Status
from radar.domain.listing import IncidentFilter
from radar.domain.policy import Person, Policy
from radar.domain.roles import Role
from radar.integrations.slack_commands import USAGE, Command, Invocation, parse
from radar.integrations.slack_requests import (
    ACCEPT_UPGRADE,
    ACKNOWLEDGE,
    DECLINE_UPGRADE,
    UPDATE,
    Click,
    Message,
)
from radar.integrations.slack_role_view import HOLDER, RoleSubmission
from radar.integrations.slack_views import (
    DESCRIPTION,
    MESSAGE,
    SERVICE,
    SEVERITY,
    STATUS,
    TITLE,
    Submission,
    UpdateSubmission,
    declare_view,
    update_view,
)
from radar.services import response, slack_roles, slack_status
from radar.services.access import actor, require, visible
from radar.services.incidents import Declaration, IncidentDetail, IncidentService, incident_id
from radar.services.policies import PolicyService
from radar.services.slack_directory import SlackDirectory, display_name
from radar.services.status import StatusService
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

log = logging.getLogger(__name__)

UNKNOWN = (
    "Radar does not know you: ask an admin to add your Slack id, or the email address your "
    "Slack profile shows, to your person in the policy."
)
STATUS_LIMIT = 10  # `/radar status` lists at most this many open incidents
LATEST = 3  # `/radar status INC-42` shows this many of people's latest timeline entries
ROLE_NAMES = {
    Role.COMMANDER: "commander",
    Role.COMMUNICATIONS_LEAD: "communications lead",
    Role.DEPUTY: "deputy",
}


class SlackService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        wake: Callable[[], None] = lambda: None,
        send_answer: Callable[[str, str], None] | None = None,
        incidents: IncidentService | None = None,
        open_view: Callable[[str, dict[str, Any]], None] | None = None,
        viewers_may_report: bool = False,
        directory: SlackDirectory | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._wake = wake
        self._send_answer = send_answer
        self._incidents = incidents or IncidentService(uow, clock, policies, wake)
        self._open_view = open_view
        self._viewers_may_report = viewers_may_report
        self._directory = directory or SlackDirectory(None, clock)

    def _who(self, slack_user: str) -> tuple[Policy, Person | None]:
        """The current policy, and the person of it a Slack user is (by Slack id, else by the
        email Slack gives): looked up before any write transaction, as it may ask Slack."""
        policy = self._policies.current().policy
        return policy, self._directory.person(policy, slack_user)

    def _acting_as(self, slack_user: str) -> tuple[Policy, Principal | str]:
        """The current policy, and the account a Slack user acts as (or why they cannot)."""
        policy, person = self._who(slack_user)
        with self._uow() as uow:
            return policy, _acting(uow, person)

    def click(self, click: Click) -> str:
        """Acknowledge or resolve as the person who clicked, or open the update modal for
        them; what to tell them (only them; "" for nothing). A second click (or Slack sending
        the click again) changes nothing and says so."""
        if click.action == UPDATE:
            return self._update_modal(click)
        if click.action in (ACCEPT_UPGRADE, DECLINE_UPGRADE):
            return self._answer_upgrade(click)
        _, person = self._who(click.user)
        now = self._clock.now()
        scheduled = False
        with self._uow(write=True) as uow:
            try:
                policy = self._policies.current_in(uow).policy
                principal = _acting(uow, person)
                if isinstance(principal, str):
                    return principal  # why they cannot act
                number = incident_id(click.reference)
                current = visible(uow, principal, uow.incidents.get(number, for_update=True))
                require(principal, Permission.RESPOND)
                already = _already(uow, current, click.action)
                if already:
                    return already
                who = actor(principal, Via.SLACK)
                if click.action == ACKNOWLEDGE:
                    changed, events = inc.acknowledge(current, who, now)
                    done = f"You acknowledged {current.reference}."
                else:
                    summary = f"Resolved from Slack by {who.name}"
                    changed, events = inc.resolve(current, who, now, summary=summary)
                    done = f"You resolved {current.reference}."
                scheduled = response.save(uow, policy, changed, events, now)
                uow.commit()
            except NotFound:
                return f"There is no incident {click.reference} in Radar."
            except Forbidden as exc:
                return f"Radar did not let you do that: {exc.message}."
            except RadarError as exc:
                return f"{click.reference}: {exc.message}"
        if scheduled:
            self._wake()
        return done

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
            return self._declare_modal(invocation, base)
        policy, principal = self._acting_as(invocation.user)
        if isinstance(principal, str):
            return principal  # why they cannot act
        if cmd.name == "role" and cmd.assignee_slack:
            named = self._directory.person(policy, cmd.assignee_slack)
            if named is None and not cmd.assignee:
                return (
                    f"Radar does not know <@{cmd.assignee_slack}>: ask an admin to add their "
                    "Slack id to the policy, or name them in words."
                )
            cmd = replace(cmd, assignee=named.id if named is not None else cmd.assignee)
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
                    self._open_view,
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

    def channel_of(self, principal: Principal, reference: str) -> tuple[str, str] | None:
        """The incident's own Slack channel (its id and name), for those who may see the
        incident; None when it has none (yet)."""
        require(principal, Permission.READ)
        number = incident_id(reference)
        with self._uow() as uow:
            visible(uow, principal, uow.incidents.get(number))
            return uow.slack_channels.named(number)

    def _answer_upgrade(self, click: Click) -> str:
        """*Accept upgrade* or *Decline* on the upgrade Radar proposes, as the person who
        pressed it, through the incident service as in Radar; what to tell them. A second press
        (or one after someone else answered) changes nothing and says who settled it."""
        _, principal = self._acting_as(click.user)
        if isinstance(principal, str):
            return principal  # why they cannot act
        accept = click.action == ACCEPT_UPGRADE
        try:
            asked = self._incidents.get(principal, click.reference).incident.proposed_severity
            done = self._incidents.answer_upgrade(
                principal, click.reference, accept=accept, via=Via.SLACK
            )
        except NotFound:
            return f"There is no incident {click.reference} in Radar."
        except Forbidden as exc:
            return f"Radar did not let you do that: {exc.message}."
        except InvalidTransition as exc:
            return f"{click.reference} is {exc.current_status}: there is no upgrade to answer."
        except InvalidInput as exc:
            if exc.field != "accept":
                return f"{click.reference}: {exc.message}"
            return _settled(self._incidents.get(principal, click.reference))
        except RadarError as exc:
            return f"{click.reference}: {exc.message}"
        if accept:
            return f"{done.reference} is now {done.severity}: you accepted Radar's proposal."
        return (
            f"{done.reference} stays {done.severity}: you declined the upgrade to "
            f"{asked or 'the proposed level'}."
        )

    def _update_modal(self, click: Click) -> str:
        """*Post update*: open the update modal (within the click's three seconds), "" when it
        opened; else why not."""
        _, principal = self._acting_as(click.user)
        if isinstance(principal, str):
            return principal
        try:
            require(principal, Permission.RESPOND)
            current = self._incidents.get(principal, click.reference).incident
        except NotFound:
            return f"There is no incident {click.reference} in Radar."
        except Forbidden as exc:
            return f"Radar did not let you do that: {exc.message}."
        if not current.is_open and current.status is not Status.RESOLVED:
            return f"{current.reference} is {current.status.value}."
        statuses = sorted(s.value for s in STATUS_CHANGES[current.status])
        title = "restricted incident" if current.restricted else current.title
        view = update_view(current.reference, title, current.status.value, statuses)
        if self._open_view is None or not click.trigger_id:
            return (
                f"Slack cannot open the form here: post the update in Radar ({current.reference})."
            )
        try:
            self._open_view(click.trigger_id, view)
        except Exception as exc:  # Slack down, slow or refusing: say so, nothing was lost
            log.warning("could not open the update modal in Slack: %s", exc)
            return f"Slack did not open the form: post the update in Radar ({current.reference})."
        return ""

    def submit_role(self, form: RoleSubmission) -> dict[str, str]:
        """The role modal, submitted: assign as the person (via Slack). The errors to show on
        the modal, by block (none: assigned, close the modal)."""
        _, principal = self._acting_as(form.user)
        if isinstance(principal, str):
            return {HOLDER: principal}
        return slack_roles.submit(self._incidents, principal, form)

    def submit_update(self, form: UpdateSubmission) -> dict[str, str]:
        """The update modal, submitted: post the update as the person (via Slack). The errors
        to show on the modal, by block (none: posted, close the modal)."""
        if not form.message:
            return {MESSAGE: "Write the update."}
        status = None
        if form.status:
            try:
                status = Status(form.status)
            except ValueError:
                return {STATUS: f"Radar has no status {form.status!r}."}
        _, principal = self._acting_as(form.user)
        if isinstance(principal, str):
            return {MESSAGE: principal}
        seen = Visibility.PUBLIC if form.public else Visibility.INTERNAL
        try:
            self._incidents.post_update(
                principal,
                form.reference,
                message=form.message,
                visibility=seen,
                status=status,
                via=Via.SLACK,
            )
        except Forbidden as exc:
            return {MESSAGE: f"Radar did not let you do that: {exc.message}."}
        except RadarError as exc:
            return {STATUS if exc.field == "status" else MESSAGE: exc.message}
        return {}

    def _declare_modal(self, invocation: Invocation, base: str) -> str:
        """Open the declare modal through Slack's ``views.open`` (within the trigger's three
        seconds): "" when it opened. Otherwise (Slack failing, or a person Radar cannot map to
        an account, who may still sign in there) the link to the report page."""
        link = f"Declare an incident on Radar's report page, with the severity guide: {base}/report"
        policy, principal = self._acting_as(invocation.user)
        if isinstance(principal, str) or self._open_view is None or not invocation.trigger_id:
            return link
        try:
            self._open_view(invocation.trigger_id, declare_view(policy))
        except Exception as exc:  # Slack down, slow or refusing: the link still works
            log.warning("could not open the declare modal in Slack: %s", exc)
            return link
        return ""

    def submit(self, submission: Submission) -> dict[str, str]:
        """The declare modal, submitted: declare as the person who submitted it (via Slack).
        The errors to show on the modal, by block (none: declared, close the modal)."""
        if not submission.title:
            return {TITLE: "Give the incident a title."}
        if not submission.service:
            return {SERVICE: "Pick the affected service."}
        if not submission.severity:
            return {SEVERITY: "Pick a severity."}
        _, principal = self._acting_as(submission.user)
        if isinstance(principal, str):
            return {TITLE: principal}  # why they cannot declare
        principal = replace(principal, viewers_may_report=self._viewers_may_report)
        data = Declaration(
            title=submission.title,
            service=submission.service,
            severity=submission.severity,
            description=submission.description,
            restricted=submission.restricted,
        )
        try:
            self._incidents.declare(principal, data, via=Via.SLACK)
        except Forbidden as exc:
            return {TITLE: f"Radar did not let you do that: {exc.message}."}
        except RadarError as exc:
            blocks = {"service": SERVICE, "severity": SEVERITY, "description": DESCRIPTION}
            return {blocks.get(exc.field or "", TITLE): exc.message}
        return {}

    def _do(self, principal: Principal, cmd: Command, reference: str, base: str) -> str:
        """One subcommand on one incident; what to say when it worked."""
        s, via = self._incidents, Via.SLACK
        if cmd.name == "status":
            detail = s.get(principal, reference)
            return _status(detail, self._policies.current().policy, base)
        if cmd.name == "ack":
            before = s.get(principal, reference).incident.acknowledgement
            done = s.acknowledge(principal, reference, via=via)
            ack = done.acknowledgement
            if ack is not None and (before is not None or ack.by != principal.name):
                return f"{_named(done)} was already acknowledged by {ack.by}."
            return f"You acknowledged {_named(done)}."
        if cmd.name == "update":
            seen = Visibility.PUBLIC if cmd.public else Visibility.INTERNAL
            done = s.post_update(principal, reference, message=cmd.text, visibility=seen, via=via)
            kind = "a public" if cmd.public else "an internal"
            return f"You posted {kind} update on {_named(done)}."
        if cmd.name == "resolve":
            done = s.resolve(principal, reference, summary=cmd.text, via=via)
            return f"You resolved {_named(done)}."
        if cmd.name == "severity":
            done = s.change_severity(
                principal, reference, severity=cmd.severity, reason=cmd.text, via=via
            )
            return f"{_named(done)} is now {done.severity}."
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
        lines += [f"• {_line(i, listed.acknowledgements.get(i.id or 0))}" for i in listed.items]
        if listed.next_cursor is not None:
            lines.append(f"… and more: {base}/incidents")
        return "\n".join(lines)

    def answer(self, response_url: str, text: str) -> None:
        """Send ``text`` to the person who clicked (after Slack had its 200). Best effort: the
        change is already stored, and the card is refreshed through the outbox regardless."""
        if self._send_answer is None or not response_url:
            return
        try:
            self._send_answer(response_url, text)
        except Exception as exc:  # a courtesy note; never an error for what was done
            log.warning("could not answer in Slack: %s", type(exc).__name__)

    def message(self, message: Message) -> str:
        """A message in a channel Radar's app is in. A person's reply in the thread of an open
        incident's card, or any message of theirs in the incident's own channel, acknowledges
        it, once per Slack event. What happened, in words (for the log)."""
        if not (message.human and message.event_id):
            return "ignored: not a person's message"
        with self._uow() as uow:  # most messages are not Radar's: look before taking a writer
            if not self._policies.current_in(uow).policy.slack_thread_replies_acknowledge:
                return "ignored: the policy turns replies off"
            number = uow.slack_channels.incident_of(message.channel)
            said = "wrote in the incident's Slack channel"
            if number is None:
                if not message.is_reply:
                    return "ignored: neither in a thread nor in an incident's channel"
                found = uow.slack_events.incidents_of_message(message.channel, message.thread_ts)
                if len(found) != 1:  # none, or one message about several incidents: which one?
                    return "ignored: not in the thread of one open incident's card"
                (number,) = found
                said = "replied in the thread of Radar's message in Slack"
        _, person = self._who(message.user)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            policy = self._policies.current_in(uow).policy
            if not policy.slack_thread_replies_acknowledge:  # changed a moment ago
                return "ignored: the policy turns replies off"
            current = uow.incidents.get(number, for_update=True)
            if not current.is_open or current.acknowledgement is not None:
                return f"ignored: {current.reference} needs no acknowledgement"
            if current.restricted and not takes_part(uow, current, person):
                return f"ignored: {current.reference} is restricted"
            if not uow.slack_events.first_time(message.event_id, number, now):
                return f"ignored: event {message.event_id} was seen before"
            name = display_name(person, message.user)
            scheduled = _acknowledge(uow, policy, current, name, f"{name} {said}", now)
            uow.commit()
        if scheduled:
            self._wake()
        return f"acknowledged {current.reference}"


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


def _named(incident: Incident) -> str:
    return f"{incident.reference} ({incident.title})"


def _line(incident: Incident, acknowledged: Words | None = None) -> str:
    """One incident in a line: reference, title, level, status, and its acknowledgement in the
    words every surface uses (``domain/acknowledgement.py``)."""
    acked = (acknowledged or acknowledgement.standing(incident, ()).words()).text
    drill = " (drill)" if incident.drill else ""
    return (
        f"{incident.reference} {incident.title}{drill}: {incident.severity}, "
        f"{incident.status.value}, {acked}"
    )


def _status(detail: IncidentDetail, policy: Policy, base: str) -> str:
    """``/radar status INC-42``: the incident, then what people last did, in the timeline's
    words (``domain/wording.py``)."""
    incident = detail.incident
    roles = [f"{ROLE_NAMES[r]} {who}" for r, who in incident.roles.items()]
    lines = [
        _line(incident, detail.acknowledgement) + ".",
        f"Service {incident.service}; roles: {', '.join(roles) if roles else 'none yet'}.",
    ]
    people = [e for e in detail.timeline if e.via != Via.ENGINE.value][-LATEST:]
    if incident.resolution_summary and all(e.kind != "resolved" for e in people):
        lines.append(f"Resolved: {incident.resolution_summary}")
    if people:
        words = wording.for_policy(policy)
        lines.append("Latest, newest first:")
        lines += [f"• {e.actor}: {words(e).text()}" for e in reversed(people)]
    lines.append(f"{base}/incidents/{incident.reference}")
    return "\n".join(lines)


def _settled(detail: IncidentDetail) -> str:
    """What to say when a proposed upgrade was settled before the press: who settled it how."""
    i = detail.incident
    for e in reversed(detail.timeline):
        if e.kind == "upgrade_proposed":
            break
        if e.kind == "upgrade_declined":
            return f"{i.reference} stays {i.severity}: {e.actor} already declined the upgrade."
        if e.kind == "severity_changed":
            if (e.message or "").startswith("accepted the upgrade"):
                return f"{i.reference} is {e.new}: {e.actor} already accepted the upgrade."
            if e.via == Via.ENGINE.value:
                return f"{i.reference} is {e.new}: Radar upgraded it since it asked."
            return f"{i.reference} is {e.new}: {e.actor} changed the severity since Radar asked."
    return f"{i.reference} has no upgrade waiting for an answer."


def _acting(uow: UnitOfWork, person: Person | None) -> Principal | str:
    """Who a Slack user (the policy's ``person``) acts as in Radar, or why they cannot."""
    if person is None:
        return UNKNOWN
    principal = _principal(uow, person)
    if principal is None:
        return (
            f"Radar knows you as {person.name}, but has no enabled account {person.id!r} "
            "for you: ask an admin to create it."
        )
    return principal


def _principal(uow: UnitOfWork, person: Person) -> Principal | None:
    """The enabled Radar account named like the person's id, acting as a signed-in person."""
    try:
        user = uow.accounts.user_by_name(person.id)
    except NotFound:
        return None
    return None if user.disabled else Principal(user)


def _already(uow: UnitOfWork, current: Incident, action: str) -> str | None:
    """What to say when the click has nothing left to do: acknowledged, or no longer open."""
    ack = current.acknowledgement
    if action == ACKNOWLEDGE and ack is not None:
        return f"{current.reference} was already acknowledged by {ack.by}."
    if current.status is Status.RESOLVED:
        assert current.id is not None
        by = [e.actor for e in uow.incidents.timeline(current.id) if e.kind == "resolved"]
        return f"{current.reference} was already resolved" + (f" by {by[-1]}." if by else ".")
    if not current.is_open:
        return f"{current.reference} is {current.status.value}."
    return None


def takes_part(uow: UnitOfWork, current: Incident, person: Person | None) -> bool:
    """Whether a restricted incident is the writer's: a participant, or an admin."""
    if person is None:
        return False
    assert current.id is not None
    if uow.participants.takes_part(current.id, person.id):
        return True
    principal = _principal(uow, person)
    return principal is not None and principal.is_admin


def _acknowledge(
    uow: UnitOfWork, policy: Policy, current: Incident, name: str, said: str, now: datetime
) -> bool:
    """Acknowledge as the message's writer (``name``); the timeline says what they wrote
    where."""
    who = Actor(name, Via.SLACK)
    changed, events = inc.acknowledge(current, who, now)
    note = TimelineEntry(
        at=now,
        kind="slack_reply",
        actor=name,
        via=Via.SLACK.value,
        message=f"{said}: a response",
    )
    return response.save(uow, policy, changed, events, now, before=[note])
