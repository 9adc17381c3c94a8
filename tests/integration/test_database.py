"""The database handle: closing it closes every connection, even one in use at the time."""

from __future__ import annotations

from sqlalchemy import text

from radar.store.db import connect


def test_a_connection_in_use_when_the_database_closes_is_closed_when_returned(db_url: str) -> None:
    db = connect(db_url)
    idle = db.engine.connect()
    busy = db.engine.connect()  # a request still running while the server stops, say
    busy.execute(text("SELECT 1"))
    idle_raw, busy_raw = idle.connection.dbapi_connection, busy.connection.dbapi_connection
    assert idle_raw is not busy_raw
    idle.close()
    db.dispose()
    assert _closed(idle_raw)
    assert not _closed(busy_raw), "the request in flight keeps its connection"
    busy.close()
    assert _closed(busy_raw), "returned after the database closed, it is closed, not pooled"


def _closed(raw: object) -> bool:
    flag = getattr(raw, "closed", None)  # psycopg
    if flag is not None:
        return bool(flag)
    try:
        raw.execute("SELECT 1")  # type: ignore[attr-defined]  # sqlite3
    except Exception:
        return True
    return False
