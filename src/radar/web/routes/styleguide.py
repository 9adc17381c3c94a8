"""The design system as a living page (/styleguide): every token and component of Radar's web UI,
drawn with the real stylesheet and templates, so that a new page copies from what is there and a
test renders it (tests/web/test_styleguide.py).

The tokens are read from the top of ``static/radar.css`` (its first ``:root`` block), never
listed here: a token added there shows on the page as it is. A page may carry no ``style=``
attribute (the Content-Security-Policy), so each token's sample (a swatch's fill, a size, a
width) comes from a small stylesheet made from that same list, ``/styleguide/tokens.css``.

The samples (times, countdowns, a timeline) are drawn at a fixed instant, ``EXAMPLE_NOW``, so
that the page always shows a countdown due later, one due soon and one overdue.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.domain import wording
from radar.domain.events import TimelineEntry
from radar.domain.lifecycle import Status
from radar.domain.policy import Policy
from radar.services.sessions import WebSession
from radar.web import room, templating
from radar.web.auth import container_of, signed_in
from radar.web.pages import page

router = APIRouter(include_in_schema=False)
Session = Annotated[WebSession, Depends(signed_in)]

STYLESHEET = templating.STATIC / "radar.css"
TOKENS_CSS = "/styleguide/tokens.css"
EXAMPLE_NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_ROOT = re.compile(r":root\s*\{(?P<body>[^}]*)\}")
_DECLARATION = re.compile(r"(?P<name>--[\w-]+)\s*:\s*(?P<value>[^;]+);")
_SEVERITY = re.compile(r"--sev\w*-(bg|text)")

# What a token's sample sets, by the token's kind, in /styleguide/tokens.css. An "alias" (an
# older name, ``var(--...)``) and an "other" token have no sample.
SAMPLED = {
    "colour": "background",
    "size": "font-size",
    "font": "font-family",
    "leading": "line-height",
    "space": "width",
    "radius": "border-radius",
}


@dataclass(frozen=True)
class Token:
    """A custom property as radar.css declares it: ``--color-surface``, its value as written
    (``light-dark(#fff, #121417)``), and its kind (a key of ``SAMPLED``, ``alias``, ``other``)."""

    name: str
    value: str
    kind: str


def kind_of(name: str, value: str) -> str:
    if value.startswith("var("):
        return "alias"
    if name.startswith("--color-") or _SEVERITY.fullmatch(name):
        return "colour"
    for prefix, kind in (("--text-", "size"), ("--font-", "font"), ("--space-", "space")):
        if name.startswith(prefix):
            return kind
    return {"--leading": "leading", "--radius": "radius"}.get(name, "other")


def tokens(css: str) -> list[Token]:
    """The custom properties of the stylesheet's first ``:root`` block, in their order."""
    found = _ROOT.search(_COMMENT.sub("", css))
    if found is None:
        return []
    return [
        Token(m["name"], " ".join(m["value"].split()), kind_of(m["name"], m["value"].strip()))
        for m in _DECLARATION.finditer(found["body"])
    ]


def tokens_css(found: list[Token]) -> str:
    """One rule a sampled token: ``[data-token="--space-3"] { width: var(--space-3); }``."""
    return "".join(
        f'[data-token="{t.name}"] {{ {SAMPLED[t.kind]}: var({t.name}); }}\n'
        for t in found
        if t.kind in SAMPLED
    )


TOKENS = tokens(STYLESHEET.read_text(encoding="utf-8"))
SAMPLE_CSS = tokens_css(TOKENS)


def source(sample: object) -> str:
    """A sample's markup as a page writes it, to copy (the template's indent taken off)."""
    return textwrap.dedent(str(sample)).strip("\n")


# The sample timeline's people: ids as entries store them, and the names the room shows.
PEOPLE = {"laura": "Laura Gómez", "david": "David Costa", "joan": "Joan Puig"}


def sample_timeline(policy: Policy) -> list[room.Group]:
    """A short incident in two bursts, newest first, worded as the room words it (the policy's
    levels): people's entries, Radar's, an alert from monitoring and a public update."""
    level = policy.severities[0].id if policy.severities else "sev1"

    def entry(
        minutes_before: int,
        kind: str,
        actor: str,
        via: str,
        field: str | None = None,
        old: str | None = None,
        new: str | None = None,
        message: str | None = None,
        visibility: str = "internal",
    ) -> TimelineEntry:
        at = EXAMPLE_NOW - timedelta(minutes=minutes_before)
        return TimelineEntry(at, kind, actor, via, field, old, new, message, visibility)

    promised = templating.iso(EXAMPLE_NOW - timedelta(minutes=20) + UPDATE)
    oldest_first = [
        entry(58, "declared", "joan", "web", field="severity", new=level),
        entry(
            58,
            "alert_joined",
            "monitoring",
            "integration",
            message="Alert joined: HighErrorRate on checkout-api",
        ),
        entry(
            57,
            "delivery",
            "Radar",
            "engine",
            message="told #incidents in Slack that it was declared",
        ),
        entry(55, "acknowledged", "laura", "slack"),
        entry(54, "role_assigned", "laura", "web", field="roles.commander", new="laura"),
        entry(
            20,
            "update_posted",
            "david",
            "web",
            visibility="public",
            message="Card payments fail for some customers. We are investigating.",
        ),
        entry(20, "update_expected", "Radar", "engine", new=promised),
        entry(
            12,
            "update_posted",
            "laura",
            "web",
            message="Rolled back payments-api to build 8f3c2e1; the error rate is falling.",
        ),
        entry(
            11,
            "status_changed",
            "laura",
            "web",
            field="status",
            old="investigating",
            new="identified",
        ),
    ]
    names = {**{p.id: p.name for p in policy.people}, **PEOPLE}
    levels = {s.id: s.name for s in policy.severities}
    return room.grouped(
        room.Entry(e, wording.word(e, names=names, severities=levels))
        for e in reversed(oldest_first)
    )


UPDATE = timedelta(minutes=30)  # the sample's promised update: due 30 minutes after the last


@router.get("/styleguide", response_class=HTMLResponse)
async def styleguide(request: Request, session: Session) -> HTMLResponse:
    policy = (await run_in_threadpool(container_of(request).policies.current)).policy
    now = EXAMPLE_NOW
    return page(
        request,
        "styleguide.html",
        session,
        page="styleguide",
        tokens=TOKENS,
        tokens_css=TOKENS_CSS,
        severities=policy.severities,
        statuses=list(Status),
        example_now=now,
        due_later=now + timedelta(minutes=28),
        due_soon=now + timedelta(minutes=3),
        due_passed=now - timedelta(minutes=6),
        earlier=now - timedelta(minutes=12),
        later=now + timedelta(minutes=10),
        timeline=sample_timeline(policy),
        people=PEOPLE,
        source=source,
    )


@router.get(TOKENS_CSS)
async def sample_css() -> Response:
    """The tokens' samples, from radar.css's own list: nothing in it is secret (no sign-in)."""
    return Response(SAMPLE_CSS, media_type="text/css", headers={"Cache-Control": "no-cache"})
