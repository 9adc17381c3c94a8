"""`radar policy simulate --replay` and `radar policy diff --replay`, as people run them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import radar
from tests.conftest import EXAMPLE_POLICY

# A Sev2 at night nobody acknowledges for 15 minutes (Laura is called at +10), a Sev3 in the
# evening (held until the morning), and a duplicate declined after 40 s that someone then tries
# to acknowledge (skipped).
STREAM = [
    {
        "at": "2026-12-09T23:10:00+01:00",
        "severity": "sev2",
        "service": "checkout",
        "title": "Card payments fail",
        "actions": [
            {"after": "15m", "do": "acknowledge", "by": "laura"},
            {"after": "16m", "do": "assign", "role": "communications_lead", "to": "laura"},
            {"after": "25m", "do": "update", "message": "Rolled back", "by": "laura"},
            {"after": "50m", "do": "resolve", "by": "laura"},
        ],
    },
    {
        "at": "2026-12-09T20:00:00+01:00",
        "severity": "sev3",
        "service": "catalog",
        "title": "Search is slow",
        "actions": [
            {"after": "13h10m", "do": "acknowledge", "by": "david"},
            {"after": "14h", "do": "resolve"},
        ],
    },
    {
        "at": "2026-12-09T23:11:00+01:00",
        "severity": "sev2",
        "service": "checkout",
        "title": "Card payments fail",
        "actions": [
            {"after": "40s", "do": "decline", "reason": "duplicate"},
            {"after": "2m", "do": "acknowledge"},
        ],
    },
]


def write(tmp_path: Path, lines: list[Any], name: str = "stream.jsonl") -> Path:
    path = tmp_path / name
    text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
    path.write_text(text)
    return path


def row(table: str, name: str) -> list[str]:
    """The cells after ``name`` in the row of a printed table that starts with it."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0] == name:
            return cells[1:]
    raise AssertionError(f"no row {name!r} in:\n{table}")


def test_replay_prints_the_interruptions_per_person_and_per_cause(tmp_path: Path) -> None:
    stream = write(tmp_path, STREAM)
    code, out, err = radar("policy", "simulate", str(EXAMPLE_POLICY), "--replay", str(stream))
    assert code == 0, err
    assert f"Replayed 3 incidents from {stream} under {EXAMPLE_POLICY}" in out
    assert "Interruptions per person" in out
    # Laura: the Sev2's call at 23:20 and the roles reminder at 23:25, both at night.
    assert row(out, "Laura Gómez (laura)") == ["0", "0", "2 (1 call)", "2 (1 call)"]
    assert "Interruptions per cause" in out
    assert row(out, "response") == ["0", "0", "1 (1 call)", "1 (1 call)"]
    assert row(out, "roles reminder") == ["0", "0", "1", "1"]
    # The Sev3 is posted in #radar in the morning: a channel, nobody's interruption.
    assert "David" not in out
    assert "7 action(s) applied, 1 skipped" in out
    assert "line 3, acknowledge at 09 Dec 23:13: cannot acknowledge INC-3: it is declined" in out
    assert err == ""


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--service", "checkout"], "--service"),
        (["--severity", "sev2", "--at", "2026-12-09 23:10"], "--severity, --at"),
        (["--ack-after", "5m", "--resolve-after", "1h"], "--ack-after, --resolve-after"),
        (["--update-every", "20m"], "--update-every"),
    ],
)
def test_replay_does_not_mix_with_the_options_of_one_incident(
    tmp_path: Path, options: list[str], named: str
) -> None:
    stream = write(tmp_path, STREAM)
    code, out, err = radar(
        "policy", "simulate", str(EXAMPLE_POLICY), "--replay", str(stream), *options
    )
    assert code == 2
    assert err.strip() == f"radar: --replay replays a whole stream: leave out {named}"
    assert out == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "2: json: not JSON"),
        ({**STREAM[0], "severity": "sev9"}, "2: severity: unknown severity 'sev9'"),
        ({**STREAM[0], "service": ""}, "2: service: required, a non-empty string"),
        ({**STREAM[0], "at": "2026-12-09 23:10"}, "2: at: '2026-12-09 23:10' has no UTC offset"),
        ({**STREAM[0], "at": "tomorrow"}, "2: at: 'tomorrow' is not a time"),
        ({**STREAM[0], "owner": "x"}, "2: owner: unknown field"),
        (
            {**STREAM[0], "actions": [{"after": "soon", "do": "resolve"}]},
            "2: actions.0.after: 'soon' is not a duration",
        ),
        (
            {**STREAM[0], "actions": [{"after": "5m", "do": "escalate"}]},
            "2: actions.0.do: 'escalate' is not one of acknowledge, update",
        ),
        (
            {**STREAM[0], "actions": [{"after": "5m", "do": "severity", "to": "sev3"}]},
            "2: actions.0.reason: required for severity",
        ),
        (
            {**STREAM[0], "actions": [{"after": "5m", "do": "answer_upgrade", "accept": "no"}]},
            "2: actions.0.accept: required for answer_upgrade, true or false",
        ),
        (
            {**STREAM[0], "actions": [{"after": "5m", "do": "acknowledge", "by": "zoe"}]},
            "2: actions.0.by: 'zoe' is not a person of the policy",
        ),
        (
            {**STREAM[0], "actions": [{"after": "5m", "do": "acknowledge", "summary": "x"}]},
            "2: actions.0.summary: unknown field for acknowledge",
        ),
        (
            {**STREAM[0], "actions": [{"after": "5m", "do": "assign", "role": "boss", "to": "x"}]},
            "2: actions.0.role: 'boss' is not one of commander",
        ),
    ],
)
def test_a_bad_line_is_named_with_its_field_and_exits_2(
    tmp_path: Path, line: Any, message: str
) -> None:
    stream = write(tmp_path, [STREAM[1], line])
    code, out, err = radar("policy", "simulate", str(EXAMPLE_POLICY), "--replay", str(stream))
    assert code == 2
    assert err.startswith(f"radar: {stream}:{message}"), err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_an_unreadable_or_empty_stream_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    code, _, err = radar("policy", "simulate", str(EXAMPLE_POLICY), "--replay", str(missing))
    assert code == 2
    assert f"radar: {missing}: cannot read" in err
    empty = write(tmp_path, ["", "  "])
    code, _, err = radar("policy", "simulate", str(EXAMPLE_POLICY), "--replay", str(empty))
    assert code == 2
    assert err.strip() == f"radar: {empty}: the stream has no incident"


def test_diff_replays_the_stream_under_both_policies_side_by_side(
    fresh_db: Path, tmp_path: Path
) -> None:
    radar("db", "upgrade")
    radar("policy", "apply", str(EXAMPLE_POLICY))
    # The proposal: a Sev2 nobody acknowledges is an email, not a call.
    proposed = tmp_path / "proposed.yaml"
    proposed.write_text(
        EXAMPLE_POLICY.read_text().replace(
            "- target: engineering_manager\n              via: [phone, sms, email]\n"
            "    updates:\n      every: 30m",
            "- target: engineering_manager\n              via: [email]\n"
            "    updates:\n      every: 30m",
        )
    )
    stream = write(tmp_path, STREAM)
    code, out, err = radar("policy", "diff", "current", str(proposed), "--replay", str(stream))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("severity sev2")  # the usual diff comes first
    assert f"Replayed 3 incidents under current and {proposed}" in out
    assert row(out, "Laura Gómez (laura)")[3] == "1 → 0"  # calls
    assert "current: 7 action(s) applied, 1 skipped" in out
    # Without FILE, simulate replays the running policy.
    code, out, err = radar("policy", "simulate", "--replay", str(stream))
    assert code == 0, err
    assert row(out, "Laura Gómez (laura)") == ["0", "0", "2 (1 call)", "2 (1 call)"]


def test_diff_with_a_bad_stream_prints_no_diff_and_exits_2(tmp_path: Path) -> None:
    stream = write(tmp_path, [STREAM[0], {**STREAM[1], "severity": "sev7"}])
    code, out, err = radar(
        "policy", "diff", str(EXAMPLE_POLICY), str(EXAMPLE_POLICY), "--replay", str(stream)
    )
    assert code == 2
    assert out == ""
    assert f"radar: {stream}:2: severity: unknown severity 'sev7'" in err
