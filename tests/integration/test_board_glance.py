"""The dashboard's board (issue 18, "the dashboard glances"), through the services on a frozen
clock: open incidents the most severe first and the longest open first within a level; how many
per level (0 included) and how many unacknowledged; what was resolved in the last 24 hours; the
tab's title; and restricted incidents kept from whoever takes no part, in every part of it.
"""

from __future__ import annotations

from datetime import timedelta

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.listing import IncidentFilter
from radar.domain.roles import Role
from radar.services.board import OPEN_LIMIT, RESOLVED_LIMIT, Board
from radar.services.incidents import Declaration
from tests.conftest import make_principal
from tests.support.radar import ANA


def declare(c: Container, title: str, severity: str, **more: bool) -> str:
    return c.incidents.declare(ANA, Declaration(title, "checkout", severity, **more)).reference


def shown(board: Board) -> list[str]:
    return [r.incident.reference for r in board.rows]


def counts(board: Board) -> dict[str, tuple[int, int]]:
    return {c.severity: (c.open, c.unacknowledged) for c in board.counts}


def test_the_most_severe_first_and_the_longest_open_first_within_a_level(
    container: Container, clock: FrozenClock, responder: Principal
) -> None:
    minor_old = declare(container, "Slow search", "sev3")
    clock.advance(timedelta(minutes=5))
    critical_old = declare(container, "Checkout down", "sev1")
    clock.advance(timedelta(minutes=5))
    minor_new = declare(container, "Images missing", "sev3")
    clock.advance(timedelta(minutes=5))
    major = declare(container, "Emails late", "sev2")
    clock.advance(timedelta(minutes=5))
    critical_new = declare(container, "Payments failing", "sev1")
    container.incidents.acknowledge(ANA, critical_new)
    container.incidents.assign_role(ANA, critical_old, role=Role.COMMANDER, assignee="laura")

    board = container.board.board(responder)

    assert shown(board) == [critical_old, critical_new, major, minor_old, minor_new]
    assert counts(board) == {"sev1": (2, 1), "sev2": (1, 1), "sev3": (2, 2), "sev4": (0, 0)}
    assert [c.name for c in board.counts][:2] == ["Sev1 - Critical", "Sev2 - Major"]
    assert (board.open, board.unacknowledged) == (5, 4)
    assert board.title == "[SEV1] 5 open, 4 unacknowledged"
    assert board.alert
    first = board.rows[0]
    assert (first.level, first.service, first.commander) == (
        "Sev1 - Critical",
        "Checkout",
        "Laura Gómez",
    )
    assert [r.awaiting for r in board.rows] == [True, False, True, True, True]

    # Filtered, the counts and the title are of what the filter keeps.
    sev3 = container.board.board(responder, IncidentFilter(severities=("sev3",)))
    assert shown(sev3) == [minor_old, minor_new]
    assert sev3.title == "[SEV3] 2 open, 2 unacknowledged"
    assert counts(sev3)["sev1"] == (0, 0)


def test_all_acknowledged_says_so_and_nothing_open_says_that(
    container: Container, responder: Principal
) -> None:
    empty = container.board.board(responder)
    assert (empty.rows, empty.title, empty.alert) == ([], "No open incidents", False)
    assert counts(empty) == {"sev1": (0, 0), "sev2": (0, 0), "sev3": (0, 0), "sev4": (0, 0)}

    ref = declare(container, "Emails late", "sev2")
    container.incidents.acknowledge(ANA, ref)
    board = container.board.board(responder)
    assert (board.title, board.alert) == ("[SEV2] 1 open", False)


def test_beyond_the_limit_the_most_severe_are_shown_and_every_one_is_counted(
    container: Container, clock: FrozenClock, responder: Principal
) -> None:
    for n in range(OPEN_LIMIT):
        declare(container, f"Minor {n}", "sev4")
    clock.advance(timedelta(minutes=1))
    critical = declare(container, "Checkout down", "sev1")  # the newest, and the most severe

    board = container.board.board(responder)

    assert board.more
    assert len(board.rows) == OPEN_LIMIT
    assert shown(board)[0] == critical
    assert counts(board) == {
        "sev1": (1, 1),
        "sev2": (0, 0),
        "sev3": (0, 0),
        "sev4": (OPEN_LIMIT, OPEN_LIMIT),
    }
    assert board.title == f"[SEV1] {OPEN_LIMIT + 1} open, {OPEN_LIMIT + 1} unacknowledged"
    # The same with a filter (its statement is built for it), and for an admin.
    for who, flt in ((responder, IncidentFilter(services=("checkout",))), (ANA, IncidentFilter())):
        again = container.board.board(who, flt)
        assert (shown(again)[0], counts(again)) == (critical, counts(board))


def test_resolved_in_the_last_24_hours_the_last_resolved_first(
    container: Container, clock: FrozenClock, responder: Principal
) -> None:
    day_old = declare(container, "Old outage", "sev2")
    recent = declare(container, "Recent outage", "sev3")
    closed = declare(container, "Closed since", "sev1")
    still_open = declare(container, "Still open", "sev2")
    clock.advance(timedelta(hours=1))
    container.incidents.resolve(ANA, day_old, summary="Rolled back")
    clock.advance(timedelta(hours=2))
    container.incidents.resolve(ANA, recent, summary="Restarted the indexer")
    clock.advance(timedelta(hours=1))
    container.incidents.resolve(ANA, closed, summary="Failed over")
    container.incidents.close(ANA, closed)
    clock.advance(timedelta(hours=22))  # day_old was resolved 25 h ago, recent 23 h ago

    board = container.board.board(responder)

    resolved = [r.resolution.reference for r in board.resolved]
    assert resolved == [closed, recent]  # the 25-hour-old one is gone; closed ones stay
    assert board.resolved[1].resolution.by == "Ana"
    assert board.resolved[1].resolution.summary == "Restarted the indexer"
    assert (board.resolved[1].level, board.resolved[1].service) == ("Sev3 - Minor", "Checkout")
    assert shown(board) == [still_open]
    assert not board.resolved_more

    clock.advance(timedelta(hours=1, seconds=1))  # and then recent is 24 h and a second old
    assert [r.resolution.reference for r in container.board.board(responder).resolved] == [closed]

    # Filters apply to the resolved ones too.
    sev3 = container.board.board(ANA, IncidentFilter(severities=("sev1",)))
    assert [r.resolution.reference for r in sev3.resolved] == [closed]


def test_resolved_shows_the_last_ones_and_says_there_are_more(
    container: Container, responder: Principal
) -> None:
    refs = [declare(container, f"Blip {n}", "sev4") for n in range(RESOLVED_LIMIT + 1)]
    for ref in refs:
        container.incidents.resolve(ANA, ref, summary="Went away")
    board = container.board.board(responder)
    assert board.resolved_more
    assert len(board.resolved) == RESOLVED_LIMIT


def test_restricted_incidents_are_kept_from_whoever_takes_no_part(
    container: Container, clock: FrozenClock
) -> None:
    declare(container, "Open and public", "sev3")
    secret_open = declare(container, "XYZZY card numbers in the logs", "sev1", restricted=True)
    secret_done = declare(container, "XYZZY leaked token", "sev2", restricted=True)
    clock.advance(timedelta(hours=1))
    container.incidents.resolve(ANA, secret_done, summary="Rotated")

    outsider = container.board.board(make_principal(container, "bob"))  # bob takes no part
    assert "XYZZY" not in repr(outsider)
    assert counts(outsider)["sev1"] == (0, 0)
    assert outsider.title == "[SEV3] 1 open, 1 unacknowledged"
    assert outsider.resolved == []

    # The check above can fail: an admin (or a participant) sees both.
    admin = container.board.board(ANA)
    assert secret_open in shown(admin)
    assert [r.resolution.reference for r in admin.resolved] == [secret_done]
    assert admin.title == "[SEV1] 2 open, 2 unacknowledged"
