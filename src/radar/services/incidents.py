"""Incident use cases. Each change is one transaction: the locked incident row, its new state, its
timeline entries and the timers the response needs are written together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from radar.clock import Clock
from radar.domain import incident as inc
from radar.domain import roles
from radar.domain.access import Permission, Principal, User
from radar.domain.acknowledgement import Words
from radar.domain.errors import InvalidInput, NotFound
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Incident, Via, Visibility
from radar.domain.lifecycle import Action, Status, is_allowed
from radar.domain.listing import IncidentFilter, encode_cursor, page
from radar.domain.policy import Policy
from radar.domain.roles import Role
from radar.domain.wording import RECORDED_ONLY
from radar.services import response
from radar.services.access import actor, require, seen_by, visible
from radar.services.acknowledgements import worded, worded_one
from radar.services.filters import refuse_unknown
from radar.services.policies import PolicyService, PolicyVersion
from radar.services.roles import holders_in
from radar.services.triage import suggest
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

# A decision sees the policy the change runs under, the locked incident, who acts, and when.
Decision = Callable[[Policy, Incident, Actor, datetime], inc.Change]


@dataclass(frozen=True)
class IncidentDetail:
    incident: Incident
    timeline: list[TimelineEntry]
    participants: list[tuple[str, str]] = field(default_factory=list)  # (username, why)
    # Who acknowledged it, at which level, and whether that still counts, in words.
    acknowledgement: Words | None = None


@dataclass(frozen=True)
class IncidentPage:
    items: list[Incident]
    next_cursor: str | None
    acknowledgements: dict[int, Words] = field(default_factory=dict)  # by incident id


@dataclass(frozen=True)
class Declaration:
    title: str
    service: str
    severity: str
    description: str = ""
    reporter: str | None = None
    restricted: bool = False
    drill: bool = False
    triage_answers: tuple[int, ...] | None = None
    severity_reason: str | None = None


def decided(
    running: PolicyVersion,
    data: Declaration,
    who: Actor,
    now: datetime,
    suggested: str | None = None,
) -> inc.Change:
    """The domain's decision to declare ``data`` under the running policy (nothing stored)."""
    return inc.declare(
        running.policy,
        title=data.title,
        description=data.description,
        service=data.service,
        severity=data.severity,
        actor=who,
        reporter=data.reporter,
        restricted=data.restricted,
        drill=data.drill,
        now=now,
        policy_version=running.id,
        suggested_severity=suggested,
        severity_reason=data.severity_reason,
    )


def declare_in(
    uow: UnitOfWork,
    running: PolicyVersion,
    data: Declaration,
    who: Actor,
    now: datetime,
    suggested: str | None = None,
) -> tuple[Incident, bool]:
    """Declare inside the caller's transaction: the incident, its timeline and its response.
    True when timers were scheduled (the engine should be woken after the commit)."""
    incident, events = decided(running, data, who, now, suggested)
    stored = uow.incidents.add(incident, [e.entry() for e in events])
    assert stored.id is not None
    if who.username:
        uow.participants.add(stored.id, [who.username], "reporter", now)
    opened = response.keep_channel(uow, running.policy, stored, now)
    return stored, response.follow(uow, running.policy, stored, events, now) or opened


def incident_id(reference: str) -> int:
    """The numeric id behind ``INC-42`` or ``42``; anything else is an unknown incident."""
    number = inc.parse_reference(reference)
    if number is None:
        raise NotFound(f"no incident {reference!r}", field="incident")
    return number


class IncidentService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._wake = wake

    def declare(self, principal: Principal, data: Declaration, via: Via = Via.API) -> Incident:
        require(principal, Permission.REPORT)
        who = actor(principal, via)
        with self._uow(write=True) as uow:
            running = self._policies.current_in(uow)
            suggested = self._suggested(running.policy, data)
            stored, scheduled = declare_in(uow, running, data, who, self._clock.now(), suggested)
            uow.commit()
        if scheduled:
            self._wake()
        return stored

    def report_not_an_incident(
        self,
        principal: Principal,
        data: Declaration,
        *,
        reason: str,
        ticket_url: str | None = None,
        via: Via = Via.API,
    ) -> Incident:
        """Record a report that the reporter (and the guide) found is not an incident: declared
        and declined in one transaction, so no response ever starts for it. It stays on record,
        searchable, with its reason and ticket. Without a severity, it is recorded at the
        policy's least severe level (as the web's report form sends)."""
        require(principal, Permission.REPORT)
        who = actor(principal, via)
        with self._uow(write=True) as uow:
            running = self._policies.current_in(uow)
            now = self._clock.now()
            recorded = replace(
                data,
                severity=data.severity or running.policy.severities[-1].id,
                severity_reason=data.severity_reason or RECORDED_ONLY,
            )
            suggested = self._suggested(running.policy, data)
            incident, events = decided(running, recorded, who, now, suggested)
            declined, more = inc.decline(incident, who, now, reason=reason, ticket_url=ticket_url)
            stored = uow.incidents.add(declined, [e.entry() for e in (*events, *more)])
            assert stored.id is not None
            if who.username:  # its reporter keeps seeing it, restricted or not
                uow.participants.add(stored.id, [who.username], "reporter", now)
            uow.commit()
        return stored

    @staticmethod
    def _suggested(policy: Policy, data: Declaration) -> str | None:
        """What the guide suggests for the reporter's answers (recomputed here, not trusted)."""
        if data.triage_answers is None:
            return None
        try:
            outcome = suggest(policy, data.triage_answers).outcome
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=f"triage_{exc.field}") from None
        if not outcome.complete:
            raise InvalidInput(
                "the guide's answers stop before a suggestion; answer every question",
                field="triage_answers",
            )
        return outcome.severity or inc.NOT_AN_INCIDENT

    def get(self, principal: Principal, reference: str) -> IncidentDetail:
        require(principal, Permission.READ)
        number = incident_id(reference)
        with self._uow() as uow:
            incident = visible(uow, principal, uow.incidents.get(number))
            timeline = uow.incidents.timeline(number)
            policy = self._policies.current_in(uow).policy
            return IncidentDetail(
                incident,
                timeline,
                uow.participants.of(number),
                worded_one(policy, incident, timeline),
            )

    def acknowledgement(self, principal: Principal, incident: Incident) -> Words:
        """``incident``'s acknowledgement in words (as a change left it), with its history."""
        require(principal, Permission.READ)
        with self._uow() as uow:
            found = worded(uow, self._policies.current_in(uow).policy, [incident])
        return found[incident.id or 0]

    def add_participant(
        self, principal: Principal, reference: str, username: str, via: Via = Via.API
    ) -> list[tuple[str, str]]:
        """Let ``username`` (an account, or a person of the policy) see and follow this
        incident; said on its timeline. Their list of participants after."""
        number = incident_id(reference)
        name = username.strip().lower()
        with self._uow(write=True) as uow:
            current = visible(uow, principal, uow.incidents.get(number, for_update=True))
            require(principal, Permission.RESPOND)
            policy = self._policies.current_in(uow).policy
            known = {u.username for u in uow.accounts.users()} | {p.id for p in policy.people}
            if name not in known:
                raise InvalidInput(
                    f"no account or person of the policy is called {username!r}", field="username"
                )
            now = self._clock.now()
            if not uow.participants.takes_part(number, name):
                uow.participants.add(number, [name], "added", now)
                who = actor(principal, via)
                uow.incidents.append(
                    number,
                    [
                        TimelineEntry(
                            at=now,
                            kind="participant_added",
                            actor=who.name,
                            via=who.via.value,
                            message=f"{name} was added to the incident's participants",
                        )
                    ],
                )
            uow.commit()
            assert current.id is not None
            return uow.participants.of(number)

    def list(
        self,
        principal: Principal,
        flt: IncidentFilter,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> IncidentPage:
        require(principal, Permission.READ)
        want = page(limit, cursor)
        with self._uow() as uow:
            refuse_unknown(uow, self._policies, flt)
            found = uow.incidents.search(seen_by(principal, flt), want)
            items = found[: want.limit]
            acks = worded(uow, self._policies.current_in(uow).policy, items)
        more = len(found) > want.limit and items[-1].id is not None
        cursor = encode_cursor(items[-1].id) if more and items[-1].id else None
        return IncidentPage(items, cursor, acks)

    def acknowledge(self, principal: Principal, reference: str, via: Via = Via.API) -> Incident:
        return self._change(principal, reference, via, lambda _, i, a, t: inc.acknowledge(i, a, t))

    def post_update(
        self,
        principal: Principal,
        reference: str,
        *,
        message: str,
        visibility: Visibility = Visibility.INTERNAL,
        status: Status | None = None,
        via: Via = Via.API,
    ) -> Incident:
        def decide(_: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            return inc.post_update(i, a, now, message=message, visibility=visibility, status=status)

        return self._change(principal, reference, via, decide)

    def change_severity(
        self,
        principal: Principal,
        reference: str,
        *,
        severity: str,
        reason: str,
        via: Via = Via.API,
    ) -> Incident:
        def decide(p: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            return inc.change_severity(p, i, a, now, severity=severity, reason=reason)

        return self._change(principal, reference, via, decide)

    def answer_upgrade(
        self, principal: Principal, reference: str, *, accept: bool, via: Via = Via.API
    ) -> Incident:
        """Accept Radar's proposed upgrade (the incident moves, as this person's decision) or
        decline it (the level stays; Radar asks again after another full interval)."""

        def decide(p: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            return inc.answer_upgrade(p, i, a, now, accept=accept)

        return self._change(principal, reference, via, decide)

    def assign_role(
        self,
        principal: Principal,
        reference: str,
        *,
        role: Role,
        assignee: str | None,
        via: Via = Via.API,
    ) -> Incident:
        """Give ``role`` to someone Radar knows (``None`` clears it): a person of the running
        policy or an enabled account, named by id, name or Slack id and stored by id. Anyone
        else is refused (``InvalidInput``, field ``assignee``) with the closest matches."""
        accounts = self._accounts() if assignee is not None else ()

        def decide(p: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            holder = assignee
            if assignee is not None and is_allowed(i.status, Action.ASSIGN_ROLE):
                holder = roles.find(roles.holders(p.people, accounts), assignee).id
            return inc.assign_role(i, a, now, role=role, assignee=holder)

        def takes_part(uow: UnitOfWork, _: Policy, changed: Incident, now: datetime) -> None:
            held = changed.roles.get(role)
            if held is not None and changed.id is not None:
                uow.participants.add(changed.id, [held], "role", now)

        return self._change(principal, reference, via, decide, takes_part)

    def role_candidates(self, principal: Principal, reference: str) -> tuple[roles.Holder, ...]:
        """Who may hold a role on this incident, by name (for whoever may see it)."""
        require(principal, Permission.READ)
        number = incident_id(reference)
        with self._uow() as uow:
            visible(uow, principal, uow.incidents.get(number))
            return holders_in(uow, self._policies.current_in(uow).policy)

    def _accounts(self) -> tuple[User, ...]:
        with self._uow() as uow:
            return tuple(uow.accounts.users())

    def resolve(
        self,
        principal: Principal,
        reference: str,
        *,
        summary: str,
        visibility: Visibility = Visibility.INTERNAL,
        via: Via = Via.API,
    ) -> Incident:
        def decide(_: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            return inc.resolve(i, a, now, summary=summary, visibility=visibility)

        return self._change(principal, reference, via, decide)

    def reopen(
        self, principal: Principal, reference: str, *, reason: str, via: Via = Via.API
    ) -> Incident:
        def decide(_: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            return inc.reopen(i, a, now, reason=reason)

        return self._change(principal, reference, via, decide)

    def close(self, principal: Principal, reference: str, via: Via = Via.API) -> Incident:
        return self._change(principal, reference, via, lambda _, i, a, t: inc.close(i, a, t))

    def decline(
        self,
        principal: Principal,
        reference: str,
        *,
        reason: str,
        ticket_url: str | None = None,
        via: Via = Via.API,
    ) -> Incident:
        def decide(_: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            return inc.decline(i, a, now, reason=reason, ticket_url=ticket_url)

        return self._change(principal, reference, via, decide)

    def report_anyway(
        self,
        principal: Principal,
        reference: str,
        *,
        severity: str,
        reason: str,
        via: Via = Via.API,
    ) -> Incident:
        """A declined report is an incident after all: back in triage at ``severity``, its
        response started. Whoever may report an incident may do this."""

        def decide(p: Policy, i: Incident, a: Actor, now: datetime) -> inc.Change:
            return inc.report_anyway(p, i, a, now, severity=severity, reason=reason)

        return self._change(principal, reference, via, decide, needs=Permission.REPORT)

    def _change(
        self,
        principal: Principal,
        reference: str,
        via: Via,
        decide: Decision,
        then: Callable[[UnitOfWork, Policy, Incident, datetime], None] | None = None,
        needs: Permission = Permission.RESPOND,
    ) -> Incident:
        """Lock the incident, apply one decision, store the result and its timeline together.

        The row lock (PostgreSQL) or the single writer (SQLite) means two people changing the
        same incident at once are applied one after the other, each to the other's result.
        The response follows in the same transaction (``services.response.follow``).
        """
        number = incident_id(reference)
        with self._uow(write=True) as uow:
            # Seen first: to whoever may not see it, a restricted incident is not there at all.
            current = visible(uow, principal, uow.incidents.get(number, for_update=True))
            require(principal, needs)
            policy = self._policies.current_in(uow).policy
            now = self._clock.now()
            changed, events = decide(policy, current, actor(principal, via), now)
            if not events:
                return changed
            scheduled = response.save(uow, policy, changed, events, now)
            if then is not None:
                then(uow, policy, changed, now)
            uow.commit()
        if scheduled:
            self._wake()
        return changed
