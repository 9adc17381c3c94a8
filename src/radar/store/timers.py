"""Timers: what the engine must do, and when. Written in the transaction of the change that
implies them; claimed by workers with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (on SQLite the
single writer serialises claims). A claimed timer stays locked until its transaction ends, so a
worker that dies mid-way releases it untouched."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from radar.domain.escalation import Timer, TimerKind, TimerState
from radar.store.tables import IncidentRow, TimerRow

TIMERS: Table = TimerRow.__table__  # type: ignore[assignment]
INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]
WAKE_CHANNEL = "radar_engine"

_PENDING = TIMERS.c.state == TimerState.PENDING.value
_NEXT_DUE = select(func.min(TIMERS.c.due_at)).where(_PENDING)
_GENERATION = select(func.max(TIMERS.c.generation)).where(
    TIMERS.c.incident_id == bindparam("incident_id")
)
_DUE_INCIDENTS = (
    select(INCIDENTS.c.id)
    .join(TIMERS, TIMERS.c.incident_id == INCIDENTS.c.id)
    .where(_PENDING, TIMERS.c.due_at <= bindparam("now"))
    .order_by(TIMERS.c.due_at, TIMERS.c.id)
    .limit(bindparam("limit"))
    .with_for_update(of=INCIDENTS, skip_locked=True)
)
_DUE_OF = (
    select(TIMERS)
    .where(
        TIMERS.c.incident_id == bindparam("incident_id"),
        _PENDING,
        TIMERS.c.due_at <= bindparam("now"),
    )
    .order_by(TIMERS.c.due_at, TIMERS.c.id)
)
_PENDING_OF = (
    select(TIMERS)
    .where(TIMERS.c.incident_id == bindparam("incident_id"), _PENDING)
    .order_by(TIMERS.c.due_at, TIMERS.c.id)
)
_FINISH = (
    update(TIMERS)
    .where(TIMERS.c.id == bindparam("timer_id"))
    .values(state=bindparam("state"), done_at=bindparam("done_at"), note=bindparam("note"))
)
_HOLD = update(TIMERS).where(TIMERS.c.id == bindparam("timer_id")).values(due_at=bindparam("until"))


def _to_domain(row: Mapping[Any, Any]) -> Timer:
    return Timer(
        kind=TimerKind(row["kind"]),
        level=row["level"],
        due_at=row["due_at"],
        step=row["step"],
        repeat=row["repeat"],
        until_ack=row["until_ack"],
        planned_at=row["planned_at"],
        generation=row["generation"],
        id=row["id"],
        incident_id=row["incident_id"],
        state=TimerState(row["state"]),
        note=row["note"],
    )


class TimerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def generation(self, incident_id: int) -> int:
        """The incident's current generation; 0 before its first plan."""
        found = self.session.execute(_GENERATION, {"incident_id": incident_id}).scalar()
        return int(found or 0)

    def add(
        self, incident_id: int, timers: Iterable[Timer], generation: int, now: datetime
    ) -> None:
        rows = [
            {
                "incident_id": incident_id,
                "generation": generation,
                "kind": t.kind.value,
                "level": t.level,
                "step": t.step,
                "repeat": t.repeat,
                "until_ack": t.until_ack,
                "due_at": t.due_at,
                "planned_at": t.planned_at or t.due_at,
                "state": TimerState.PENDING.value,
                "created_at": now,
            }
            for t in timers
        ]
        if rows:
            self.session.execute(insert(TIMERS), rows)

    def cancel(
        self,
        incident_id: int,
        kinds: Iterable[TimerKind],
        *,
        now: datetime,
        note: str,
        until_ack_only: bool = False,
    ) -> int:
        stmt = (
            update(TIMERS)
            .where(
                TIMERS.c.incident_id == incident_id,
                _PENDING,
                TIMERS.c.kind.in_([k.value for k in kinds]),
            )
            .values(state=TimerState.CANCELLED.value, done_at=now, note=note)
        )
        if until_ack_only:
            stmt = stmt.where(TIMERS.c.until_ack.is_(True))
        return self.session.execute(stmt).rowcount  # type: ignore[attr-defined, no-any-return]

    def due_incidents(self, now: datetime, limit: int) -> list[int]:
        """Incidents with due timers, most overdue first, locked for this transaction.

        Incidents locked by someone else (a person changing them, another worker) are skipped,
        so a worker never waits for a lock: it takes them on its next pass. Every writer of
        timers holds the incident's lock, so the incident lock guards its timers too.
        """
        ids = self.session.execute(_DUE_INCIDENTS, {"now": now, "limit": limit}).scalars()
        return list(dict.fromkeys(ids))

    def due_of(self, incident_id: int, now: datetime) -> list[Timer]:
        rows = self.session.execute(_DUE_OF, {"incident_id": incident_id, "now": now})
        return [_to_domain(r) for r in rows.mappings()]

    def postpone(self, incident_id: int, now: datetime, until: datetime, note: str) -> None:
        """Move an incident's due timers to ``until`` after a failure, so one bad incident
        neither blocks the others nor spins the worker."""
        self.session.execute(
            update(TIMERS)
            .where(TIMERS.c.incident_id == incident_id, _PENDING, TIMERS.c.due_at <= now)
            .values(due_at=until, note=note[:2000])
        )

    def finish(self, timer_id: int, now: datetime, note: str) -> None:
        params = {"timer_id": timer_id, "state": "done", "done_at": now, "note": note[:2000]}
        self.session.execute(_FINISH, params)

    def hold(self, timer_id: int, until: datetime) -> None:
        self.session.execute(_HOLD, {"timer_id": timer_id, "until": until})

    def pending(self, incident_id: int) -> list[Timer]:
        rows = self.session.execute(_PENDING_OF, {"incident_id": incident_id}).mappings()
        return [_to_domain(r) for r in rows]

    def next_due(self) -> datetime | None:
        return self.session.execute(_NEXT_DUE).scalar()

    def announce(self) -> None:
        """Wake workers in other processes when this transaction commits (PostgreSQL only)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text(f"NOTIFY {WAKE_CHANNEL}"))

    def updates_due(self, incident_ids: Sequence[int]) -> dict[int, datetime]:
        """When each incident's next update is due (its pending update timer), if planned."""
        if not incident_ids:
            return {}
        stmt = (
            select(TIMERS.c.incident_id, func.min(TIMERS.c.due_at))
            .where(
                TIMERS.c.incident_id.in_(incident_ids),
                TIMERS.c.state == TimerState.PENDING.value,
                TIMERS.c.kind.in_([TimerKind.UPDATE_DUE.value, TimerKind.UPDATE_OVERDUE.value]),
            )
            .group_by(TIMERS.c.incident_id)
        )
        return {row[0]: row[1] for row in self.session.execute(stmt)}
