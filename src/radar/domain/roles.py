"""Roles people hold: in an incident, and in the team that owns a service; and who may hold
an incident role (a ``Holder``: a person of the policy or an enabled account), found from what
someone typed, with close matches when it is nobody Radar knows."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from radar.domain.errors import InvalidInput

if TYPE_CHECKING:  # policy.py imports this module
    from radar.domain.access import User
    from radar.domain.policy import Person

FIELD = "assignee"
SUGGESTED = 3  # close matches named in a refusal
LISTED = 5  # people named when nothing is close
SHOWN = 60  # characters of the typed value repeated in a refusal


class Role(StrEnum):
    """A role in one incident."""

    COMMANDER = "commander"
    COMMUNICATIONS_LEAD = "communications_lead"
    DEPUTY = "deputy"


class TeamRole(StrEnum):
    """A standing role in the team that owns a service."""

    ENGINEERING_MANAGER = "engineering_manager"
    PRODUCT_OWNER = "product_owner"
    TEAM_LEAD = "team_lead"


@dataclass(frozen=True)
class Holder:
    """Someone who may hold an incident role: a person of the policy, an enabled account, or
    both (an account named like the person's id). ``id`` is what the role stores; ``also`` are
    other names they are found by (an account's display name, a Slack id)."""

    id: str
    name: str
    in_policy: bool = False
    has_account: bool = False
    also: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "Laura Gómez (laura)": the name, then the id when it says something more."""
        return self.name if _key(self.name) == _key(self.id) else f"{self.name} ({self.id})"

    @property
    def hint(self) -> str:
        """ "laura (Laura Gómez)": the id to type, then who it is."""
        return self.id if _key(self.name) == _key(self.id) else f"{self.id} ({self.name})"


def holders(people: Iterable[Person], accounts: Iterable[User]) -> tuple[Holder, ...]:
    """Everyone who may hold an incident role, by name: the policy's people, and the enabled
    accounts (one ``Holder`` when an account is named like a person's id; the policy's name
    first, as notifications use it)."""
    found: dict[str, Holder] = {}
    for p in people:
        found[p.id] = Holder(p.id, p.name or p.id, True, also=(p.slack,) if p.slack else ())
    for u in accounts:
        if u.disabled:
            continue
        known = found.get(u.username)
        if known is None:
            found[u.username] = Holder(u.username, u.display_name or u.username, has_account=True)
        else:
            also = (*known.also, u.display_name) if u.display_name else known.also
            found[u.username] = Holder(known.id, known.name, True, True, also)
    return tuple(sorted(found.values(), key=lambda h: (_key(h.name), h.id)))


def find(known: Sequence[Holder], typed: str) -> Holder:
    """The one holder ``typed`` names: by id, else by name (an account's display name, a Slack
    id), case and accents ignored, a leading ``@`` allowed. Anyone else is refused with
    ``InvalidInput`` naming the value and the closest matches."""
    wanted = _key(typed.strip().removeprefix("@"))
    if not wanted:
        raise InvalidInput("name someone, or clear the role", field=FIELD)
    by_id = [h for h in known if _key(h.id) == wanted]
    if by_id:
        return by_id[0]
    by_name = [h for h in known if wanted in {_key(n) for n in (h.name, *h.also)}]
    if len(by_name) == 1:
        return by_name[0]
    shown = _shown(typed)
    if by_name:
        which = _either([h.hint for h in by_name])
        raise InvalidInput(f"{shown} is more than one person: {which}; give the id", field=FIELD)
    close = suggestions(known, typed)
    if close:
        raise InvalidInput(
            f"no person or account {shown}; did you mean {_either([h.hint for h in close])}?",
            field=FIELD,
        )
    if not known:
        raise InvalidInput(
            f"no person or account {shown}: Radar knows nobody yet (add people to the policy, "
            "or create accounts)",
            field=FIELD,
        )
    listed = ", ".join(h.hint for h in known[:LISTED])
    more = f" and {len(known) - LISTED} more" if len(known) > LISTED else ""
    raise InvalidInput(
        f"no person or account {shown}; who can hold a role: {listed}{more}", field=FIELD
    )


def suggestions(known: Sequence[Holder], typed: str) -> list[Holder]:
    """The holders closest to ``typed`` (at most three, closest first): their id, name or a
    word of their name is close to it (``difflib``), or starts with it."""
    wanted = _key(typed.strip().removeprefix("@"))
    if not wanted:
        return []
    words: dict[str, list[Holder]] = {}
    for h in known:
        names = [h.id, h.name, *h.also]
        for word in {_key(w) for n in names for w in (n, *n.split())}:
            words.setdefault(word, []).append(h)
    ranked = difflib.get_close_matches(wanted, list(words), n=10, cutoff=0.7)
    ranked += sorted(w for w in words if len(wanted) >= 3 and w.startswith(wanted))
    out: list[Holder] = []
    for word in ranked:
        out += [h for h in words[word] if h not in out]
    return out[:SUGGESTED]


def named(known: Sequence[Holder], value: str | None) -> str:
    """How a stored role holder reads: "Laura Gómez (laura)" for someone Radar knows; a holder
    written as free text before Radar checked them reads as it was written."""
    if value is None:
        return "nobody"
    for h in known:
        if h.id == value:
            return h.label
    return value


def _key(text: str) -> str:
    """``text`` as it is compared: accents dropped, case folded, spaces collapsed."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _shown(typed: str) -> str:
    text = typed.strip()
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def _either(hints: list[str]) -> str:
    return hints[0] if len(hints) == 1 else f"{', '.join(hints[:-1])} or {hints[-1]}"
