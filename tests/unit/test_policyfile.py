"""The policy loader: strict, every mistake with file:line:column, the whole file or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from radar.domain.errors import PolicyError
from radar.policyfile import load

EXAMPLE = (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text()
MINIMAL = """\
version: 1
incident:
  definition: Something that needs an emergency response.
severities:
  - id: sev1
    name: Sev1
    definition: Bad.
    typical_response: Call someone.
"""


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as refused:
        load.load(text, "p.yaml")
    return [f"{p.field}: {p.message}" for p in refused.value.problems]


def test_example_policy_has_the_seeds_four_levels_most_severe_first() -> None:
    policy = load.load(EXAMPLE, "examples/policy.yaml")
    assert [s.id for s in policy.severities] == ["sev1", "sev2", "sev3", "sev4"]
    assert [s.rank for s in policy.severities] == [0, 1, 2, 3]
    assert "10 minutes" in policy.severity("sev2").typical_response
    assert all(s.examples for s in policy.severities)


def test_minimal_policy_loads() -> None:
    assert load.load(MINIMAL).severity("sev1").name == "Sev1"


def test_unknown_key_is_refused_at_its_position_with_a_suggestion() -> None:
    text = MINIMAL.replace("    typical_response:", "    typical_respons:")
    found = problems(text)
    assert (
        "p.yaml:8:5: unknown key 'severities.0.typical_respons'; did you mean 'typical_response'?"
        in found
    )
    assert any(f.startswith("p.yaml:5:5: severities.0.typical_response") for f in found)


def test_every_problem_is_reported_at_once() -> None:
    text = MINIMAL.replace("id: sev1", "id: Sev 1").replace("version: 1", "version: 7")
    found = problems(text)
    assert len(found) == 2
    assert found[0].startswith("p.yaml:1:10: version")
    assert found[1].startswith("p.yaml:5:9: severities.0.id")


def test_duplicate_ids_are_refused() -> None:
    text = MINIMAL + MINIMAL[MINIMAL.index("  - id: sev1") :]
    assert problems(text) == ["p.yaml:9:9: severities.1.id: duplicate id 'sev1'"]


def test_duplicate_keys_are_refused() -> None:
    found = problems(MINIMAL + "version: 1\n")
    assert found == ["None: p.yaml:9:1: duplicate key 'version'"] or "duplicate key" in found[0]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[1, 2]",
        "version: [",
        "{1: 2}",
        "a: &a [*a]",
        "\t- tab",
        "=",
        "version: !!python/object:os.system x",
        "version: 1\nincident: 5\nseverities: []\n",
    ],
)
def test_malformed_files_raise_only_policy_errors(text: str) -> None:
    with pytest.raises(PolicyError):
        load.load(text, "p.yaml")


def test_alias_bombs_are_refused_without_exhausting_memory() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(PolicyError, match="too large"):
        load.load("\n".join(lines), "p.yaml")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(PolicyError, match="nested too deeply"):
        load.load("version: " + "[" * 500 + "]" * 500, "p.yaml")


def _line_17(insert: str) -> str:
    lines = EXAMPLE.splitlines(keepends=True)
    assert lines[16].startswith("  test:")
    lines[16] = lines[16][:4] + insert + lines[16][4:]
    return "".join(lines)


@pytest.mark.parametrize(
    ("char", "what"),
    [
        ("\x00", "a NUL byte"),
        ("\x1b", "a control character (U+001B)"),
        ("\x7f", "a control character (U+007F)"),
        ("\ud800", "an unpaired surrogate (U+D800)"),
        ("\ufffe", "the non-character U+FFFE"),
    ],
)
def test_a_character_yaml_forbids_is_named_at_its_line_and_column(char: str, what: str) -> None:
    assert problems(_line_17(char)) == [f"p.yaml:17:5: {what} is not allowed in a policy file"]


def test_the_position_of_a_bad_character_counts_lines_as_yaml_does() -> None:
    crlf = _line_17("é\x00").replace("\n", "\r\n")
    assert problems(crlf) == ["p.yaml:17:6: a NUL byte is not allowed in a policy file"]
    assert problems("a: 1\rb: \x00") == ["p.yaml:2:4: a NUL byte is not allowed in a policy file"]
    assert problems("\x00") == ["p.yaml:1:1: a NUL byte is not allowed in a policy file"]
