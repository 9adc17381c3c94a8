"""The notification outbox. Rows are written with the change that causes them; workers lease
them (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the single writer on SQLite), mark each send
begun while still holding its lease, send outside any transaction (renewing the lease while the
send takes), and record the outcome only if they still hold the lease."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.domain.notification import Attempt, DeliveryState, Kind, Notification, fold_key
from radar.domain.outgoing import Outgoing
from radar.domain.response import Channel
from radar.store.tables import NotificationAttemptRow, NotificationRow, SendWindowRow

OUTBOX: Table = NotificationRow.__table__  # type: ignore[assignment]
ATTEMPTS: Table = NotificationAttemptRow.__table__  # type: ignore[assignment]
WINDOWS: Table = SendWindowRow.__table__  # type: ignore[assignment]

_PENDING = OUTBOX.c.state == DeliveryState.PENDING.value
# A leased notification is next looked at when its lease runs out.
_NEXT_DUE = select(
    func.min(
        case(
            (OUTBOX.c.lease_until > OUTBOX.c.next_attempt_at, OUTBOX.c.lease_until),
            else_=OUTBOX.c.next_attempt_at,
        )
    )
).where(_PENDING)
_OF_INCIDENT = (
    select(OUTBOX)
    .where(
        OUTBOX.c.incident_id == bindparam("incident_id"),
        OUTBOX.c.kind.not_in([k.value for k in Kind if k.is_upkeep]),
    )
    .order_by(OUTBOX.c.id)
)
_CHANNEL_STATE = (
    select(OUTBOX.c.address, OUTBOX.c.body, OUTBOX.c.contacts)
    .where(OUTBOX.c.incident_id == bindparam("incident_id"), OUTBOX.c.kind == Kind.CHANNEL.value)
    .order_by(OUTBOX.c.id.desc())
    .limit(1)
)


def _unleased(now: datetime) -> ColumnElement[bool]:
    """Nobody holds it: never leased, or the lease ran out."""
    return (OUTBOX.c.lease_until.is_(None)) | (OUTBOX.c.lease_until < now)


_MINE = (OUTBOX.c.id == bindparam("nid")) & (OUTBOX.c.lease_owner == bindparam("owner"))


def _to_domain(row: Mapping[Any, Any]) -> Notification:
    return Notification(
        id=row["id"],
        incident_id=row["incident_id"],
        key=row["key"],
        target=row["target"],
        address=row["address"],
        label=row["label"],
        channels=tuple(Channel(c) for c in row["channels"].split(",") if c),
        contacts=json.loads(row["contacts"] or "{}"),
        link_used_at=row["link_used_at"],
        subject=row["subject"],
        body=row["body"],
        state=DeliveryState(row["state"]),
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        channel=row["channel"],
        last_error=row["last_error"],
        kind=Kind(row["kind"]),
        provider_id=row["provider_id"],
        facts=tuple((str(k), str(v)) for k, v in json.loads(row["facts"] or "[]")),
        interrupted_at=row["send_started_at"],
        level=row["level"],
        rank=row["rank"],
        urgent=bool(row["urgent"]),
        until_ack=bool(row["until_ack"]),
    )


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        incident_id: int,
        timer_id: int | None,
        keyed: Iterable[tuple[str, Outgoing]],
        now: datetime,
    ) -> None:
        """Queue notifications; a key already queued is left alone (it was already decided)."""
        rows = [
            {
                "incident_id": incident_id,
                "timer_id": timer_id,
                "key": key,
                "target": o.target,
                "address": o.address,
                "label": o.label,
                "channels": ",".join(c.value for c in o.channels),
                "contacts": json.dumps(dict(o.contacts)),
                "facts": json.dumps([list(f) for f in o.facts]),
                "kind": o.kind.value,
                "subject": o.subject,
                "body": o.body,
                "state": DeliveryState.PENDING.value,
                "created_at": now,
                "next_attempt_at": now,
                "attempts": 0,
                "level": o.level,
                "rank": o.rank,
                "urgent": o.urgent,
                "until_ack": o.until_ack,
            }
            for key, o in keyed
        ]
        if not rows:
            return
        stmt = self._dialect.insert(OUTBOX).on_conflict_do_nothing(index_elements=["key"])
        self.session.execute(stmt, rows)

    @property
    def _dialect(self) -> Any:
        return postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite

    def lease(self, now: datetime, owner: str, until: datetime, limit: int) -> list[Notification]:
        """Take up to ``limit`` due notifications that nobody holds, until ``until``."""
        free = (
            select(OUTBOX.c.id)
            .where(_PENDING, OUTBOX.c.next_attempt_at <= now, _unleased(now))
            .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
            .limit(limit)
        )
        taken = self._take(free, owner, until)
        return sorted(taken, key=lambda n: (n.next_attempt_at, n.id))

    def _take(self, free: Select[Any], owner: str, until: datetime) -> list[Notification]:
        """Lease the rows ``free`` selects to ``owner`` until ``until``, skipping any another
        transaction holds (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), and count the attempt."""
        ids = free.with_for_update(skip_locked=True).scalar_subquery()
        stmt = (
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids))
            .values(lease_owner=owner, lease_until=until, attempts=OUTBOX.c.attempts + 1)
            .returning(*OUTBOX.c)
        )
        return [_to_domain(r) for r in self.session.execute(stmt).mappings().all()]

    def waiting_for(self, address: str, now: datetime) -> list[Notification]:
        """Messages to ``address`` (a person) held by a send window: pending, nobody holds
        them, due later than ``now``."""
        stmt = (
            select(OUTBOX)
            .where(
                _PENDING,
                OUTBOX.c.address == address,
                OUTBOX.c.next_attempt_at > now,
                _unleased(now),
                OUTBOX.c.kind.not_in([k.value for k in Kind if k.is_upkeep]),
            )
            .order_by(OUTBOX.c.id)
            .limit(100)
        )
        return [_to_domain(r) for r in self.session.execute(stmt).mappings()]

    def siblings(self, leased: list[Notification], now: datetime) -> list[Notification]:
        """The messages decided in the same engine pass for the same person and incident as
        those in ``leased`` (``notification.fold_key``) that nobody holds yet: they go along."""
        keys = {k for n in leased if (k := fold_key(n)) is not None}
        if not keys:
            return []
        same = or_(
            *(
                and_(
                    OUTBOX.c.incident_id == incident,
                    OUTBOX.c.address == address,
                    OUTBOX.c.created_at == created,
                )
                for incident, address, created in keys
            )
        )
        stmt = (
            select(OUTBOX)
            .where(
                same,
                _PENDING,
                _unleased(now),
                OUTBOX.c.id.not_in([n.id for n in leased]),
                OUTBOX.c.kind.not_in([k.value for k in Kind if k.is_upkeep]),
            )
            .order_by(OUTBOX.c.id)
        )
        return [_to_domain(r) for r in self.session.execute(stmt).mappings()]

    def lease_ids(
        self, ids: list[int], owner: str, now: datetime, until: datetime
    ) -> list[Notification]:
        """Take these notifications now, early, if they are still pending and nobody holds
        them (a held page riding along with an urgent one)."""
        if not ids:
            return []
        free = select(OUTBOX.c.id).where(OUTBOX.c.id.in_(ids), _PENDING, _unleased(now))
        return sorted(self._take(free, owner, until), key=lambda n: n.id)

    def begin(self, ids: list[int], owner: str, now: datetime, until: datetime) -> set[int]:
        """Mark sends begun, renewing their leases until ``until``: the ids still held by
        ``owner`` and still pending. Anything else was taken over (its lease lapsed) or settled,
        and must not be sent. Its own short transaction, committed before the send."""
        stmt = (
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids), OUTBOX.c.lease_owner == owner, _PENDING)
            .values(send_started_at=now, lease_until=until)
            .returning(OUTBOX.c.id)
        )
        return set(self.session.execute(stmt).scalars())

    def renew(self, ids: list[int], owner: str, until: datetime) -> int:
        """Extend ``owner``'s leases on ``ids`` (sends on their way) until ``until``; how many
        it renewed. A row another transaction holds is skipped, never waited for: it is being
        begun or recorded by this worker's own sender (which renews or settles it), or taken
        over after the lease lapsed. Waiting would deadlock with a sender recording a bundle,
        which locks its rows one after another."""
        mine = (
            select(OUTBOX.c.id)
            .where(OUTBOX.c.id.in_(ids), OUTBOX.c.lease_owner == owner, _PENDING)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = update(OUTBOX).where(OUTBOX.c.id.in_(mine)).values(lease_until=until)
        return int(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def sent(
        self, nid: int, owner: str, channel: str, now: datetime, provider_id: str | None = None
    ) -> bool:
        values = {
            "send_started_at": None,
            "state": DeliveryState.SENT.value,
            "sent_at": now,
            "channel": channel,
            "provider_id": provider_id,
        }
        stmt = update(OUTBOX).where(_MINE).values(lease_owner=None, lease_until=None, **values)
        return bool(self.session.execute(stmt, {"nid": nid, "owner": owner}).rowcount)  # type: ignore[attr-defined]

    def failed(
        self, nid: int, owner: str, error: str, retry_at: datetime | None, now: datetime
    ) -> bool:
        """Record a failed attempt: try again at ``retry_at``, or give up when it is None."""
        values: dict[str, Any] = {
            "send_started_at": None,
            "last_error": error[:2000],
            "lease_owner": None,
            "lease_until": None,
        }
        if retry_at is None:
            values["state"] = DeliveryState.FAILED.value
        else:
            values["next_attempt_at"] = retry_at
        stmt = update(OUTBOX).where(_MINE).values(**values)
        return bool(self.session.execute(stmt, {"nid": nid, "owner": owner}).rowcount)  # type: ignore[attr-defined]

    def skip(self, nid: int, owner: str, reason: str) -> None:
        """Settle a leased notification without sending it (a refresh with nothing to do)."""
        stmt = (
            update(OUTBOX)
            .where(_MINE)
            .values(
                state=DeliveryState.SKIPPED.value,
                last_error=reason,
                lease_owner=None,
                lease_until=None,
            )
        )
        self.session.execute(stmt, {"nid": nid, "owner": owner})

    def postpone(self, ids: list[int], owner: str, until: datetime) -> None:
        """Hand leased notifications back unsent, to go at ``until``: the try did not happen."""
        stmt = (
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids), OUTBOX.c.lease_owner == owner)
            .values(
                next_attempt_at=until,
                lease_owner=None,
                lease_until=None,
                attempts=OUTBOX.c.attempts - 1,
            )
        )
        self.session.execute(stmt)

    def open_window(
        self,
        key: str,
        now: datetime,
        cutoff: datetime,
        rank: int | None = None,
        urgent: bool = False,
    ) -> datetime | None:
        """Take the send window ``key`` for a message of level ``rank`` if it was last opened
        before ``cutoff`` or, for an ``urgent`` message, by a less severe level: None when taken,
        else when the current window opened. Atomic on both databases (an upsert with a
        condition), so two workers never both take it."""
        insert = self._dialect.insert(WINDOWS).values(key=key, opened_at=now, rank=rank)
        free = WINDOWS.c.opened_at <= cutoff
        if urgent and rank is not None:
            free = free | WINDOWS.c.rank.is_(None) | (WINDOWS.c.rank > rank)
        stmt = insert.on_conflict_do_update(
            index_elements=["key"],
            set_={"opened_at": now, "rank": rank},
            where=free,
        ).returning(WINDOWS.c.key)
        if self.session.execute(stmt).first() is not None:
            return None
        opened = select(WINDOWS.c.opened_at).where(WINDOWS.c.key == key)
        at: datetime = self.session.execute(opened).scalar_one()
        return at

    def add_attempts(self, nid: int, attempts: Iterable[Attempt], now: datetime) -> None:
        rows = [
            {
                "notification_id": nid,
                "at": now,
                "channel": a.channel,
                "outcome": a.outcome,
                "detail": a.detail[:2000],
                "provider_id": a.provider_id,
            }
            for a in attempts
        ]
        if rows:
            self.session.execute(ATTEMPTS.insert(), rows)

    def attempts_of(self, nids: list[int]) -> dict[int, list[Attempt]]:
        out: dict[int, list[Attempt]] = {n: [] for n in nids}
        if not nids:
            return out
        stmt = (
            select(ATTEMPTS)
            .where(ATTEMPTS.c.notification_id.in_(nids))
            .order_by(ATTEMPTS.c.notification_id, ATTEMPTS.c.id)
        )
        for r in self.session.execute(stmt).mappings():
            out[r["notification_id"]].append(
                Attempt(r["channel"], r["outcome"], r["detail"], r["provider_id"], r["at"])
            )
        return out

    def has_attempt(self, nid: int, outcome: str, provider_id: str) -> bool:
        stmt = select(ATTEMPTS.c.id).where(
            ATTEMPTS.c.notification_id == nid,
            ATTEMPTS.c.outcome == outcome,
            ATTEMPTS.c.provider_id == provider_id,
        )
        return self.session.execute(stmt.limit(1)).first() is not None

    def notified(self, incident_id: int, address: str) -> bool:
        """Whether any message about the incident went to ``address`` (a person's id)."""
        stmt = select(OUTBOX.c.id).where(
            OUTBOX.c.incident_id == incident_id, OUTBOX.c.address == address
        )
        return self.session.execute(stmt.limit(1)).first() is not None

    def slack_messages(self, incident_id: int) -> list[str]:
        """The Slack channel targets this incident has a message in (for keeping it current)."""
        stmt = (
            select(OUTBOX.c.target)
            .where(
                OUTBOX.c.incident_id == incident_id,
                OUTBOX.c.kind == Kind.MESSAGE.value,
                OUTBOX.c.target.like("slack:%"),
            )
            .distinct()
        )
        return sorted(self.session.execute(stmt).scalars())

    def message_for(self, incident_id: int, target: str) -> tuple[str | None, bool]:
        """The provider id of the incident's latest message sent to ``target``, and whether
        one is still on its way."""
        stmt = (
            select(OUTBOX.c.state, OUTBOX.c.provider_id)
            .where(
                OUTBOX.c.incident_id == incident_id,
                OUTBOX.c.target == target,
                OUTBOX.c.kind == Kind.MESSAGE.value,
            )
            .order_by(OUTBOX.c.id.desc())
        )
        sent, pending = None, False
        for state, provider_id in self.session.execute(stmt):
            pending = pending or state == DeliveryState.PENDING.value
            if sent is None and state == DeliveryState.SENT.value and provider_id:
                sent = provider_id
        return sent, pending

    def newer_refresh(self, n: Notification) -> bool:
        """Whether a later refresh of the same message (or a later update of the incident's
        channel) is queued: this one is then stale."""
        stmt = select(OUTBOX.c.id).where(
            OUTBOX.c.incident_id == n.incident_id,
            OUTBOX.c.target == n.target,
            OUTBOX.c.kind == n.kind.value,
            OUTBOX.c.id > n.id,
        )
        return self.session.execute(stmt.limit(1)).first() is not None

    def pending_before(self, incident_id: int, kind: Kind, before: int | None = None) -> bool:
        """Whether a notification of ``kind`` about the incident (queued before the one with
        id ``before``, if given) is still on its way (the incident's channel being opened,
        say)."""
        stmt = select(OUTBOX.c.id).where(
            OUTBOX.c.incident_id == incident_id, OUTBOX.c.kind == kind.value, _PENDING
        )
        if before is not None:
            stmt = stmt.where(OUTBOX.c.id < before)
        return self.session.execute(stmt.limit(1)).first() is not None

    def supersede(
        self, incident_id: int, kind: Kind, before: int, now: datetime, reason: str
    ) -> None:
        """Settle, unsent, the incident's notifications of ``kind`` queued before the one with
        id ``before`` that are waiting (for a retry, say) rather than on their way: a later
        one does their work."""
        free = _unleased(now)
        stmt = (
            update(OUTBOX)
            .where(
                OUTBOX.c.incident_id == incident_id,
                OUTBOX.c.kind == kind.value,
                OUTBOX.c.id < before,
                _PENDING,
                free,
            )
            .values(state=DeliveryState.SKIPPED.value, last_error=reason)
        )
        self.session.execute(stmt)

    def channel_state(self, incident_id: int) -> tuple[str, str, dict[str, str]] | None:
        """What the incident's latest update of its Slack channel asked for (its name, topic
        and contacts), whatever became of it; None when it never had one. On every change of
        every incident: one prebuilt statement, by index."""
        row = self.session.execute(_CHANNEL_STATE, {"incident_id": incident_id}).first()
        return (row[0], row[1], json.loads(row[2] or "{}")) if row else None

    def get(self, nid: int) -> Notification | None:
        row = self.session.execute(select(OUTBOX).where(OUTBOX.c.id == nid)).mappings().first()
        return _to_domain(row) if row else None

    def use_link(self, nid: int, now: datetime) -> bool:
        """Mark the notification's acknowledge link used; False if it already was."""
        stmt = (
            update(OUTBOX)
            .where(OUTBOX.c.id == nid, OUTBOX.c.link_used_at.is_(None))
            .values(link_used_at=now)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def of_incident(self, incident_id: int) -> list[Notification]:
        """The incident's messages (not the refreshes of its Slack cards), oldest first."""
        rows = self.session.execute(_OF_INCIDENT, {"incident_id": incident_id}).mappings()
        return [_to_domain(r) for r in rows]

    def next_due(self) -> datetime | None:
        return self.session.execute(_NEXT_DUE).scalar()
