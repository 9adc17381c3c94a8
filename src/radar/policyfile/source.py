"""Policy text before YAML: a size limit checked before reading, and bad bytes named by position.

Entry points that read a policy file (the CLI) go through :func:`read`, with the limit the API
puts on request bodies, so a file is refused the same way on both doors. The limit belongs to
reading, not to loading: a stored version is loaded whatever its size, so a policy applied
before the limit existed still runs.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from yaml.reader import Reader

from radar.domain.errors import InvalidInput, PolicyError, Problem

# Where YAML starts a new line; PyYAML counts the same ones, so positions agree with its marks.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class TooLarge(InvalidInput):
    """A policy file over the size limit, refused before it is read whole."""

    code = "too_large"

    def __init__(self, filename: str, *, size: int | None, limit: int) -> None:
        doors = "through the CLI or the API"
        message = (
            f"the file is {size:,} bytes; a policy file may be at most {_bytes(limit)}, {doors}"
            if size is not None
            else f"the file holds more than {_bytes(limit)}, the most a policy file may be, {doors}"
        )
        super().__init__(f"{filename}: {message}", field=filename)
        self.size = size
        self.limit = limit


def read(path: Path, *, limit: int) -> str:
    """The text of the policy file at ``path``.

    Raises :class:`TooLarge` when it holds more than ``limit`` bytes: a regular file is judged by
    its size before anything is read, and no more than ``limit + 1`` bytes are ever read (pipes,
    ``/dev/stdin``). Raises ``PolicyError`` at the ``file:line:column`` of a byte that is not
    UTF-8, and ``OSError`` when the file cannot be read at all.
    """
    name = str(path)
    with path.open("rb") as file:
        info = os.fstat(file.fileno())
        regular = stat.S_ISREG(info.st_mode)
        if regular and info.st_size > limit:
            raise TooLarge(name, size=info.st_size, limit=limit)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(name, size=None, limit=limit)
    return decode(data, name)


def decode(data: bytes, filename: str) -> str:
    """``data`` as UTF-8 text, or ``PolicyError`` naming the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")  # valid: decoding stops at the first error
        line, column = position(before, len(before))
        where = f"{filename}:{line}:{column}"
        message = f"not UTF-8: byte 0x{data[exc.start]:02x}; save the file as UTF-8"
        raise PolicyError(f"{where}: {message}", problems=[Problem(where, message)]) from None


def check_characters(text: str, filename: str) -> None:
    """``PolicyError`` at the ``file:line:column`` of the first character YAML does not allow
    (a NUL byte, a control character), saying which one."""
    found = Reader.NON_PRINTABLE.search(text)
    if found is None:
        return
    line, column = position(text, found.start())
    where = f"{filename}:{line}:{column}"
    message = f"{_character(found.group())} is not allowed in a policy file"
    raise PolicyError(f"{where}: {message}", problems=[Problem(where, message)])


def position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``, counting lines as YAML does."""
    line, start = 1, 0
    for brk in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, brk.end()
    return line, index - start + 1


def _character(char: str) -> str:
    code = ord(char)
    if code == 0:
        return "a NUL byte"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"a control character (U+{code:04X})"
    if 0xD800 <= code <= 0xDFFF:
        return f"an unpaired surrogate (U+{code:04X})"
    return f"the non-character U+{code:04X}"


def _bytes(count: int) -> str:
    mib, rest = divmod(count, 1024 * 1024)
    return f"{count:,} bytes" + (f" ({mib} MiB)" if mib and not rest else "")
