"""Whatever text arrives, the loader answers with a policy or a PolicyError, never anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radar.domain.errors import PolicyError
from radar.policyfile import load, source
from tests.conftest import EXAMPLE_POLICY

EXAMPLE = (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text()
LINES = EXAMPLE.splitlines(keepends=True)
YEARS = [2026]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "10m",
            "sev1",
            "person:laura",
            "slack:#radar",
            "09:00-18:00",
            "24:00-01:00",
            "Europe/Madrid",
            "2026-02-30",
            "*a",
            "&a x",
            "!!python/object:os.system",
        ]
    ),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)


def _loads_or_refuses(text: str) -> None:
    try:
        load.load(text, "fuzz.yaml", years=YEARS)
    except PolicyError as exc:
        problems = exc.problems
        assert problems
        assert all(p.message for p in problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_yaml_documents(doc: object) -> None:
    _loads_or_refuses(yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _loads_or_refuses(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "replace", "indent", "truncate"]),
            st.integers(min_value=0, max_value=len(LINES) - 1),
            st.text(max_size=20),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutations_of_the_example(mutations: list[tuple[str, int, str]]) -> None:
    lines = list(LINES)
    for kind, n, junk in mutations:
        n = min(n, len(lines) - 1)
        if kind == "delete" and len(lines) > 1:
            del lines[n]
        elif kind == "duplicate":
            lines.insert(n, lines[n])
        elif kind == "replace":
            key, _, _ = lines[n].partition(":")
            lines[n] = f"{key}: {junk!r}\n" if ":" in lines[n] else junk + "\n"
        elif kind == "indent":
            lines[n] = "  " + lines[n]
        else:
            lines[n] = lines[n][: len(lines[n]) // 2] + "\n"
    _loads_or_refuses("".join(lines))


# Text with "\n" as its only line break and no character YAML forbids: positions are easy to know.
plain = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp"), exclude_characters="\x85")
    | st.sampled_from("\n\t"),
    max_size=200,
)


def _where(text: str) -> str:
    return f"fuzz.yaml:{text.count(chr(10)) + 1}:{len(text) - text.rfind(chr(10))}"


@settings(max_examples=300, deadline=None)
@given(plain, st.integers(min_value=0x80, max_value=0xFF).filter(lambda b: not 0xC2 <= b <= 0xF4))
def test_a_byte_that_is_not_utf8_is_refused_at_its_position(before: str, byte: int) -> None:
    with pytest.raises(PolicyError) as refused:
        source.decode(before.encode() + bytes([byte]) + b"rest\n", "fuzz.yaml")
    (problem,) = refused.value.problems
    assert problem.field == _where(before)
    assert problem.message.startswith(f"not UTF-8: byte 0x{byte:02x}")


@settings(max_examples=300, deadline=None)
@given(plain, st.sampled_from("\x00\x01\x1b\x7f\x9f\ufffe\ud800"))
def test_a_forbidden_character_is_refused_at_its_position(before: str, char: str) -> None:
    with pytest.raises(PolicyError) as refused:
        load.load(before + char + "rest\n", "fuzz.yaml", years=YEARS)
    (problem,) = refused.value.problems
    assert problem.field == _where(before)
    assert problem.message.endswith("is not allowed in a policy file")


@pytest.mark.parametrize(
    "text",
    [
        "version: " + "9" * 5000 + "\n",  # Python reads no integer of over 4,300 digits
        EXAMPLE.replace("version: 1", "version: " + "9" * 5000),
        "holidays: [" + "1" * 4301 + "]\n",
        "version: 2026-02-30\n",  # a date, to YAML, that does not exist
    ],
    ids=["integer-5000-digits", "in-the-example", "in-a-list", "impossible-date"],
)
def test_values_no_yaml_constructor_can_read_are_refused(text: str) -> None:
    _loads_or_refuses(text)


def test_a_number_too_long_to_read_is_refused_at_its_line_and_column() -> None:
    text = EXAMPLE_POLICY.read_text().replace("version: 1", "version: " + "7" * 5000, 1)
    with pytest.raises(PolicyError) as refused:
        load.load(text, "p.yaml", years=YEARS)
    (problem,) = refused.value.problems
    assert problem.field == "p.yaml:10:10"
    assert "a number of 5,000 digits is too long" in problem.message


def test_a_date_that_does_not_exist_is_refused_in_words() -> None:
    with pytest.raises(PolicyError) as refused:
        load.load("version: 2026-02-30\n", "p.yaml", years=YEARS)
    assert "'2026-02-30' cannot be read as timestamp" in str(refused.value)
