"""Durations as people write them: ``90s``, ``10m``, ``2h``, ``1d``, ``1h30m``."""

from __future__ import annotations

import re
from datetime import timedelta

from radar.domain.errors import InvalidInput

_PART = re.compile(r"(\d{1,6})([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse(text: str, *, field: str = "duration") -> timedelta:
    raw = text.strip().lower()
    pos, seconds = 0, 0
    for match in _PART.finditer(raw):
        if match.start() != pos:
            break
        seconds += int(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if not raw or pos != len(raw):
        raise InvalidInput(
            f"{text!r} is not a duration; write it like 90s, 10m, 2h, 1d, 1w or 1h30m",
            field=field,
        )
    return timedelta(seconds=seconds)
