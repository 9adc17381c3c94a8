"""/ack/{token}: the one-click acknowledge link in notifications. Public: the signed token is
the authorisation. GET only shows what the link will do (mail scanners open links); the button
on that page POSTs, and the POST acknowledges once."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from radar.api.deps import ContainerDep
from radar.api.errors import STATUS
from radar.api.schemas.errors import Responses, merged, page, refusal_beside_pages
from radar.domain.errors import RadarError
from radar.services.ack_links import LinkTarget

router = APIRouter(prefix="/ack", tags=["acknowledge links"])
# A link that cannot be used is a page saying why, for the person who opened it; the edges
# (rate limit, a path FastAPI refuses, a bug) answer in the API's JSON.
SHOW_ERRORS: Responses = {
    404: page("The link is not valid: mistyped, or not one Radar made."),
    410: page("The link was used already, or is past its time."),
    422: refusal_beside_pages("`invalid_input`: the path is malformed."),
    429: refusal_beside_pages("`rate_limited`: too many links opened from this address."),
    500: refusal_beside_pages("`internal_error`: a bug, logged; never a traceback."),
}
ACKNOWLEDGE_ERRORS = merged(
    SHOW_ERRORS,
    {
        409: page("Radar cannot act yet: no policy has been applied."),
        413: refusal_beside_pages("`body_too_large`: the body is over 1 MiB."),
    },
)


def _page(title: str, text: str, status: int = 200, form: bool = False) -> HTMLResponse:
    button = '<form method="post"><button type="submit">Acknowledge</button></form>' if form else ""
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>{button}"
        "</body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _respond(
    use: Callable[[str], LinkTarget], token: str, render: Callable[[LinkTarget], HTMLResponse]
) -> HTMLResponse:
    """Run ``use(token)``; a refusal (bad, used or old link) is a page with its status."""
    try:
        target = use(token)
    except RadarError as exc:
        return _page("Radar", exc.message, STATUS.get(type(exc), 400))
    return render(target)


def _confirm(target: LinkTarget) -> HTMLResponse:
    text = f"{target.subject}. Acknowledge as {target.who}?"
    return _page(target.incident.reference, text, form=True)


def _done(target: LinkTarget) -> HTMLResponse:
    ack = target.incident.acknowledgement
    by = f" by {ack.by}" if ack else ""
    return _page(target.incident.reference, f"Acknowledged{by}. Thank you.")


@router.get("/{token}", response_class=HTMLResponse, responses=SHOW_ERRORS)
def show(token: str, c: ContainerDep) -> HTMLResponse:
    """What the link will do; nothing changes until the button is pressed."""
    return _respond(c.ack_links.inspect, token, _confirm)


@router.post("/{token}", response_class=HTMLResponse, responses=ACKNOWLEDGE_ERRORS)
def acknowledge(token: str, c: ContainerDep) -> HTMLResponse:
    """Acknowledge the incident as the person the notification went to. Works once."""
    return _respond(c.ack_links.acknowledge, token, _done)
