"""`radar user` and `radar token` for managing accounts: listing, disabling, roles, passwords,
scoped tokens; one-line errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from radar.bootstrap import build
from radar.cli.main import app
from radar.domain.errors import Unauthenticated
from radar.settings import Settings
from tests.cli.test_cli import radar

runner = CliRunner()
PASSWORD = "long enough pw"


@pytest.fixture
def accounts(fresh_db: Path) -> str:
    """A migrated database with the first admin and a responder ``rosa``; the admin's token."""
    assert radar("db", "upgrade")[0] == 0
    secret = radar("user", "bootstrap-admin")[1].split("API token: ")[1].split()[0]
    made = runner.invoke(app, ["user", "create", "rosa", "--password"], input=f"{PASSWORD}\n" * 2)
    assert made.exit_code == 0, made.stderr
    return secret


def _sign_in(username: str, password: str) -> str:
    c = build(Settings())
    try:
        return c.sessions.sign_in(username, password).secret
    finally:
        c.close()


def _session_alive(secret: str) -> bool:
    c = build(Settings())
    try:
        return c.sessions.find(secret) is not None
    finally:
        c.close()


def _token_works(secret: str) -> bool:
    c = build(Settings(token_cache_seconds=0))
    try:
        c.accounts.authenticate(secret)
    except Unauthenticated:
        return False
    finally:
        c.close()
    return True


def test_users_are_listed_as_a_table_and_as_json(accounts: str) -> None:
    code, out, _ = radar("user", "list")
    assert code == 0
    assert "Username" in out
    assert "admin" in out
    assert "rosa" in out
    assert "responder" in out
    code, out, _ = radar("user", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(u["username"], u["role"], u["disabled"]) for u in listed] == [
        ("admin", "admin", False),
        ("rosa", "responder", False),
    ]
    assert listed[1]["display_name"] == "rosa"
    assert listed[1]["created_at"].endswith("+00:00")


def test_a_disabled_user_loses_sessions_and_tokens_until_enabled(accounts: str) -> None:
    session = _sign_in("rosa", PASSWORD)
    token = radar("token", "create", "--user", "rosa")[1].strip().splitlines()[-1]
    assert _token_works(token)
    code, out, _ = radar("user", "disable", "rosa")
    assert code == 0
    assert "rosa disabled" in out
    assert not _session_alive(session)
    assert not _token_works(token)
    code, out, _ = radar("user", "list", "--json")
    assert [u["disabled"] for u in json.loads(out)] == [False, True]
    assert radar("user", "enable", "rosa") == (0, "user rosa enabled\n", "")
    assert _token_works(token)


def test_unknown_users_are_one_line_and_exit_1(accounts: str) -> None:
    for args in (
        ("disable", "nobody"),
        ("enable", "nobody"),
        ("set-role", "nobody", "viewer"),
        ("reset-password", "nobody", "--generate"),
        ("reset-password", "nobody"),
    ):
        code, _, err = radar("user", *args)
        assert (code, err) == (1, "radar: no user named 'nobody'\n"), args


def test_set_role_changes_the_role_and_rejects_unknown_roles(accounts: str) -> None:
    assert radar("user", "set-role", "rosa", "viewer") == (0, "user rosa now has role viewer\n", "")
    assert json.loads(radar("user", "list", "--json")[1])[1]["role"] == "viewer"
    code, _, err = radar("user", "set-role", "rosa", "boss")
    assert code == 2
    assert "boss" in err


def test_the_last_admin_cannot_be_disabled_or_demoted(accounts: str) -> None:
    for args in (("disable", "admin"), ("set-role", "admin", "responder")):
        code, _, err = radar("user", *args)
        assert code == 1
        assert err.startswith("radar: admin is the last active admin")
        assert len(err.strip().splitlines()) == 1
    assert radar("user", "set-role", "rosa", "admin")[0] == 0
    assert radar("user", "disable", "admin")[0] == 0
    code, _, err = radar("user", "set-role", "rosa", "viewer")
    assert code == 1
    assert "rosa is the last active admin" in err


def test_reset_password_asks_twice_without_showing_it(accounts: str) -> None:
    session = _sign_in("rosa", PASSWORD)
    short = runner.invoke(app, ["user", "reset-password", "rosa"], input="short\nshort\n")
    assert short.exit_code == 2
    assert "at least 10 characters" in short.stderr
    new = "another long password"
    done = runner.invoke(app, ["user", "reset-password", "rosa"], input=f"{new}\n{new}\n")
    assert done.exit_code == 0, done.stderr
    assert new not in done.stdout
    assert not _session_alive(session)
    assert _sign_in("rosa", new)
    with pytest.raises(Unauthenticated):
        _sign_in("rosa", PASSWORD)


def test_reset_password_generate_prints_a_new_password_once(accounts: str) -> None:
    code, out, _ = radar("user", "reset-password", "rosa", "--generate")
    assert code == 0
    assert "shown only once" in out
    generated = out.strip().splitlines()[-1]
    assert len(generated) >= 20
    assert _sign_in("rosa", generated)


def test_scoped_tokens_are_made_and_listed_with_their_scopes(accounts: str) -> None:
    code, out, _ = radar(
        "token",
        "create",
        "--user",
        "rosa",
        "--name",
        "bot",
        "--scope",
        "read",
        "--scope",
        "respond",
    )
    assert code == 0
    assert "scopes: read, respond" in out
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("radar_")
    code, out, _ = radar(
        "token", "create", "--user", "rosa", "--name", "ro", "--scope", "read,report"
    )
    assert code == 0
    code, listed, _ = radar("token", "list", "--user", "rosa")
    assert code == 0
    assert "read, respond" in listed
    assert "read, report" in listed
    assert secret not in listed
    assert "all of admin" in radar("token", "list")[1]  # the bootstrap token


def test_scopes_beyond_the_role_or_unknown_exit_2(accounts: str) -> None:
    assert radar("user", "set-role", "rosa", "viewer")[0] == 0
    code, _, err = radar("token", "create", "--user", "rosa", "--scope", "respond")
    assert code == 2
    assert err.startswith("radar: scopes: scope 'respond' is more than the viewer role")
    code, _, err = radar("token", "create", "--user", "rosa", "--scope", "write")
    assert code == 2
    assert "unknown scope 'write'" in err
    assert "rosa" not in radar("token", "list")[1]
