"""Every time the CLI prints names its zone, and the zone is the reader's: `--tz`, else
`RADAR_TZ`, else the machine's own. An unknown zone is refused, naming it. A live server, the
example policy, a frozen clock at Friday 2026-11-27 10:00 UTC."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from radar.bootstrap import Container
from radar.cli.main import app
from radar.clock import FrozenClock

runner = CliRunner()


def radar(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def declared(client_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RADAR_TZ", raising=False)
    code, _, err = radar(
        "incident", "declare", "--title", "Checkout down", "--service", "checkout",
        "--severity", "sev2",
    )  # fmt: skip
    assert code == 0, err


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's own zone (what ``datetime.astimezone()`` reads) is Asia/Tokyo."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("declared", "machine_in_tokyo")
def test_times_are_in_the_machines_zone_by_default_and_name_it() -> None:
    code, out, _ = radar("incident", "list")
    assert code == 0
    assert "2026-11-27 19:00 JST" in out  # 10:00 UTC
    assert "2026-11-27 10:00\n" not in out


@pytest.mark.usefixtures("declared", "machine_in_tokyo")
def test_tz_and_radar_tz_choose_the_zone_and_the_option_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = radar("--tz", "Europe/Madrid", "incident", "list")
    assert code == 0
    assert "2026-11-27 11:00 CET" in out
    assert "JST" not in out

    monkeypatch.setenv("RADAR_TZ", "America/New_York")
    code, out, _ = radar("incident", "show", "INC-1")
    assert code == 0
    first = next(line for line in out.splitlines() if "2026-11-27" in line)
    assert "2026-11-27 05:00 EST" in first
    assert "UTC" not in out  # one zone, the reader's
    assert "Europe/Madrid" not in out

    assert "2026-11-27 11:00 CET" in radar("--tz", "Europe/Madrid", "incident", "list")[1]


@pytest.mark.usefixtures("declared")
def test_the_plan_shows_each_instant_once_in_the_readers_zone(
    container: Container, clock: FrozenClock
) -> None:
    # A sev3 on notifications late on Friday waits for Monday's working start (09:00 Madrid).
    clock.advance(datetime(2026, 11, 27, 22, 10, tzinfo=UTC) - clock.now())
    code, _, err = radar(
        "incident", "declare", "--title", "Emails slow", "--service", "notifications",
        "--severity", "sev3",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = radar("--tz", "America/New_York", "incident", "plan", "INC-2")
    assert code == 0
    step = next(line for line in out.splitlines() if "step 1 of Sev3" in line)
    assert "2026-11-30 03:00 EST" in step  # Monday 08:00 UTC
    assert "held: outside working" in step  # why it waits; when is the row's time, once
    assert "Mon 09:00" not in out
    assert "Europe/Madrid" not in out


@pytest.mark.usefixtures("declared")
def test_an_unknown_zone_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = radar("--tz", "Mars/Olympus", "incident", "list")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "radar: --tz: unknown time zone 'Mars/Olympus'; "
        "give an IANA name such as Europe/Madrid, America/New_York or UTC"
    )
    monkeypatch.setenv("RADAR_TZ", "Europe/Madird")
    code, _, err = radar("incident", "list")
    assert code == 2
    assert err.startswith("radar: RADAR_TZ: unknown time zone 'Europe/Madird'")
