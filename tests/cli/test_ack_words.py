"""What the CLI says about an incident's acknowledgement: what happened, in words, and never an
alarm about a resolved incident (issue 17, item 4)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from radar.bootstrap import Container
from radar.cli.main import app
from radar.domain.access import UserRole
from radar.services.incidents import Declaration
from tests.conftest import EXAMPLE_POLICY, make_principal

runner = CliRunner()


def radar(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})  # a narrow terminal
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def table(out: str) -> dict[str, list[str]]:
    """A printed table's rows by their first cell, each cell's text joined across the lines
    a narrow terminal wraps it onto."""
    rows: dict[str, list[str]] = {}
    current: list[str] = []
    for line in out.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0]:
            current = rows.setdefault(cells[0], ["" for _ in cells])
        for n, text in enumerate(cells):
            current[n] = f"{current[n]} {text}".strip() if text else current[n]
    return rows


def fresh_sev1(container: Container) -> None:
    """The example policy, with a Sev1 that asks for a fresh acknowledgement."""
    text = EXAMPLE_POLICY.read_text().replace(
        "    urgent: true\n", "    urgent: true\n    fresh_acknowledgement: true\n", 1
    )
    container.policies.apply(text, filename="policy.yaml", author="test")


@pytest.fixture
def laura_acked_at_sev2_then_sev1(client_env: None, container: Container) -> None:
    """INC-1: Laura acknowledged it at Sev2; then it moved to a Sev1 that needs a fresh one."""
    fresh_sev1(container)
    laura = make_principal(container, "laura", UserRole.RESPONDER)
    container.incidents.declare(laura, Declaration("Card numbers in the logs", "checkout", "sev2"))
    container.incidents.acknowledge(laura, "INC-1")
    container.incidents.change_severity(laura, "INC-1", severity="sev1", reason="Data exposed")


@pytest.mark.usefixtures("laura_acked_at_sev2_then_sev1")
def test_the_summary_line_says_who_acknowledged_at_which_level_and_what_is_missing() -> None:
    code, out, _ = radar("incident", "show", "INC-1")
    assert code == 0
    assert out.splitlines()[0] == (
        "INC-1 [sev1] reported, acknowledged at Sev2 - Major by Laura (api); "
        "Sev1 - Critical not yet acknowledged: Card numbers in the logs"
    )


@pytest.mark.usefixtures("laura_acked_at_sev2_then_sev1")
def test_a_resolved_incident_is_not_said_to_be_unacknowledged() -> None:
    code, out, _ = radar("incident", "resolve", "INC-1", "--summary", "Logs scrubbed")
    assert code == 0
    assert out.strip() == (
        "INC-1 [sev1] resolved, acknowledged at Sev2 - Major by Laura (api); "
        "Sev1 - Critical was not acknowledged: Card numbers in the logs"
    )
    assert "resolved, not acknowledged" not in out


@pytest.mark.usefixtures("laura_acked_at_sev2_then_sev1")
def test_the_list_says_the_acknowledgement_in_words(container: Container) -> None:
    ana = container.accounts.authenticate(container.accounts.create_token("ana", name="t").secret)
    container.incidents.declare(ana, Declaration("Search is slow", "catalog", "sev3"))
    container.incidents.declare(ana, Declaration("Typo on the about page", "catalog", "sev4"))
    container.incidents.acknowledge(ana, "INC-2")
    container.incidents.resolve(ana, "INC-1", summary="Logs scrubbed")
    container.incidents.resolve(ana, "INC-3", summary="Fixed the typo")
    code, out, _ = radar("incident", "list")
    assert code == 0
    assert "…" not in out  # at 80 columns the words wrap; none is cut
    rows = table(out)
    said = {ref: cells[3] for ref, cells in rows.items() if ref.startswith("INC-")}
    assert said == {
        "INC-3": "never acknowledged",
        "INC-2": "acknowledged by Ana (api)",
        "INC-1": "acknowledged at Sev2 - Major by Laura (api); Sev1 - Critical was not "
        "acknowledged",
    }


@pytest.mark.usefixtures("client_env")
def test_a_declined_report_is_not_given_a_level_and_can_be_reported_anyway() -> None:
    radar(
        "incident",
        "declare",
        "--title",
        "Prices odd",
        "--service",
        "checkout",
        "--severity",
        "sev4",
    )
    code, out, _ = radar("incident", "decline", "INC-1", "--reason", "One customer")
    assert (code, out.strip()) == (0, "INC-1 declined, not an incident: Prices odd")
    assert table(radar("incident", "list")[1])["INC-1"][1:4] == [
        "-",
        "declined",
        "not needed: not an incident",
    ]
    code, out, _ = radar("incident", "report-anyway", "INC-1", "sev2", "--reason", "All prices")
    assert (code, out.strip()) == (0, "INC-1 [sev2] reported, not yet acknowledged: Prices odd")
    code, _, err = radar("incident", "report-anyway", "INC-1", "sev2", "--reason", "Again")
    assert code == 1
    assert "cannot report anyway INC-1: it is reported; allowed now: acknowledge" in err
