"""How `radar policy` reads a policy file: the API's size limit, and bad bytes at line:column."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from radar.api.limits import MAX_BODY
from radar.bootstrap import build
from radar.settings import Settings
from tests.cli.test_cli import radar
from tests.conftest import EXAMPLE_POLICY

LIMIT = "1,048,576 bytes (1 MiB)"


def padded(path: Path, size: int) -> Path:
    """A valid policy of exactly ``size`` bytes: the example, then one long comment line."""
    text = EXAMPLE_POLICY.read_text()
    pad = size - len(text.encode()) - 1
    path.write_text(text + "#" * pad + "\n")
    assert path.stat().st_size == size
    return path


def with_line_17(tmp_path: Path, insert: bytes) -> Path:
    """The example with ``insert`` placed after the indentation of line 17."""
    lines = EXAMPLE_POLICY.read_bytes().splitlines(keepends=True)
    assert lines[16].startswith(b"  test:")
    lines[16] = lines[16][:4] + insert + lines[16][4:]
    file = tmp_path / "p.yaml"
    file.write_bytes(b"".join(lines))
    return file


def test_every_command_refuses_a_file_larger_than_the_api_accepts(
    fresh_db: Path, tmp_path: Path
) -> None:
    big = padded(tmp_path / "big.yaml", MAX_BODY + 1)
    assert radar("db", "upgrade")[0] == 0
    for args in (
        ["check", str(big)],
        ["apply", str(big)],
        ["diff", str(EXAMPLE_POLICY), str(big)],
        ["simulate", str(big), "--service", "checkout", "--at", "2026-11-27 23:10"],
    ):
        code, out, err = radar("policy", *args)
        assert code == 2, (args, out, err)
        assert err == (
            f"radar: {big}: the file is {MAX_BODY + 1:,} bytes; a policy file may be at most "
            f"{LIMIT}, through the CLI or the API\n"
        )
    assert radar("policy", "history")[1] == ""  # nothing was applied


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    code, out, _ = radar("policy", "check", str(padded(tmp_path / "p.yaml", MAX_BODY)))
    assert code == 0
    assert ": ok (" in out


def test_a_pipe_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    """A pipe (or /dev/stdin) has no size to check first: reading stops one byte past the limit."""
    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)
    written = 0

    def write() -> None:
        nonlocal written
        chunk = b"# a comment\n" * 4096
        try:
            with fifo.open("wb") as pipe:
                while written < 8 * MAX_BODY:
                    pipe.write(chunk)
                    pipe.flush()
                    written += len(chunk)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    code, _, err = radar("policy", "check", str(fifo), "--no-channels")
    if writer.is_alive():  # the command never opened the pipe: let the writer go
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    writer.join(timeout=30)
    assert code == 2
    assert err == (
        f"radar: {fifo}: the file holds more than {LIMIT}, the most a policy file may be, "
        "through the CLI or the API\n"
    )
    assert written < 8 * MAX_BODY  # the reader stopped early and closed the pipe


def test_a_policy_stored_before_the_limit_still_loads(fresh_db: Path, tmp_path: Path) -> None:
    big = padded(tmp_path / "big.yaml", MAX_BODY + 1)
    assert radar("db", "upgrade")[0] == 0
    c = build(Settings())
    try:  # as a version applied before the CLI had a limit
        c.policies.apply(big.read_text(), filename="big.yaml", author="before")
    finally:
        c.close()
    code, out, _ = radar("policy", "show")
    assert code == 0
    assert "Policy version 1" in out
    assert radar("policy", "diff", "current", str(EXAMPLE_POLICY)) == (
        0,
        "no change to the process\n",
        "",
    )


def test_a_nul_byte_is_named_at_its_line_and_column(tmp_path: Path) -> None:
    file = with_line_17(tmp_path, b"\x00")
    code, _, err = radar("policy", "check", str(file), "--no-channels")
    assert code == 1
    assert err == f"{file}:17:5: a NUL byte is not allowed in a policy file\n1 error(s)\n"


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3(", b"\xe2\x82"])
def test_bytes_that_are_not_utf8_are_named_at_their_line_and_column(
    tmp_path: Path, bad: bytes
) -> None:
    file = with_line_17(tmp_path, bad)
    code, _, err = radar("policy", "check", str(file))
    assert code == 2
    assert err == f"{file}:17:5: not UTF-8: byte 0x{bad[0]:02x}; save the file as UTF-8\n"


def test_the_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    file = with_line_17(tmp_path, "Gómez ".encode() + b"\xff")
    code, _, err = radar("policy", "check", str(file))
    assert code == 2
    assert err.startswith(f"{file}:17:11: not UTF-8: byte 0xff")
