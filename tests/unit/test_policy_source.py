"""Policy bytes to text: what is not UTF-8 is refused at its line and column, and positions
count lines the way YAML does."""

from __future__ import annotations

import pytest

from radar.domain.errors import PolicyError
from radar.policyfile import source


def refused(data: bytes) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        source.decode(data, "p.yaml")
    return [f"{p.field}: {p.message}" for p in caught.value.problems]


def test_utf8_is_decoded_as_it_is() -> None:
    assert source.decode("a: Gómez\n".encode(), "p.yaml") == "a: Gómez\n"
    assert source.decode(b"\xef\xbb\xbfa: 1\n", "p.yaml") == "\ufeffa: 1\n"  # YAML skips a BOM


@pytest.mark.parametrize(
    ("data", "where", "byte"),
    [
        (b"\xff\xfea\x00:\x00", "1:1", "0xff"),  # UTF-16, as some editors save it
        (b"a: 1\nb: caf\xe9\n", "2:7", "0xe9"),  # Latin-1 at the end
        (b"a: 1\r\nb: \xc3(\n", "2:4", "0xc3"),  # a sequence cut short
        ("a: 1\nb: Gómez\n".encode("latin-1"), "2:5", "0xf3"),  # Latin-1 past ASCII
        ("a: 1\nb: Gómez ".encode() + b"\xf0\x9f\n", "2:10", "0xf0"),
    ],
)
def test_bytes_that_are_not_utf8_are_named_at_their_line_and_column(
    data: bytes, where: str, byte: str
) -> None:
    assert refused(data) == [f"p.yaml:{where}: not UTF-8: byte {byte}; save the file as UTF-8"]


@pytest.mark.parametrize(
    ("text", "index", "expected"),
    [
        ("abc", 0, (1, 1)),
        ("abc", 2, (1, 3)),
        ("a\nbc", 3, (2, 2)),
        ("a\r\nbc", 4, (2, 2)),
        ("a\rb\rc", 4, (3, 1)),
        ("a\x85b\u2028c\u2029d", 6, (4, 1)),
    ],
)
def test_position_counts_lines_as_yaml_does(
    text: str, index: int, expected: tuple[int, int]
) -> None:
    assert source.position(text, index) == expected


def test_the_size_limit_error_names_the_file_its_size_and_the_limit() -> None:
    exc = source.TooLarge("big.yaml", size=62_914_560, limit=1024 * 1024)
    assert exc.message == (
        "big.yaml: the file is 62,914,560 bytes; a policy file may be at most "
        "1,048,576 bytes (1 MiB), through the CLI or the API"
    )
    assert exc.field == "big.yaml"
