"""Whatever text arrives, the loader answers with a policy or a PolicyError, never anything else."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radar.domain.errors import PolicyError
from radar.policyfile import load

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
