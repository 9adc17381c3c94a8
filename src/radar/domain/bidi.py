"""Bidirectional text controls, which would let a text show as something it does not say.

The explicit embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069) reorder
the characters after them when the text is shown: a title holding U+202E reads backwards from
there on, on the status page, in the feed, in Slack. They are formatting, not words, so text
people and monitors send is stored without them (``incident.clean_text``), and the public page
leaves them out of anything stored before that (``store/status.py``).

The marks U+200E, U+200F (and U+061C) stay: each is one invisible strong character that moves
no run of letters, and writing that mixes right-to-left and left-to-right scripts needs them.
"""

from __future__ import annotations

CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_DROPPED: dict[int, None] = dict.fromkeys(ord(c) for c in CONTROLS)


def without_controls(text: str) -> str:
    """``text`` without the bidirectional embeddings, overrides and isolates."""
    return text.translate(_DROPPED)
