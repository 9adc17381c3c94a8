"""The public status page and its Atom feed (no sign-in, and only what the world may see); and,
for people signed in, the page where the communications lead sets a component's state.

Setting a state is a plain form post answered with a redirect back (post/redirect/get); a
refused one shows the page again with the reason, as the incident room does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.domain.errors import Forbidden, InvalidInput, NotFound, RadarError
from radar.domain.incident import Via, parse_reference, reference_for
from radar.domain.status import ComponentState
from radar.services.sessions import WebSession
from radar.web.auth import container_of, posted, signed_in
from radar.web.pages import page, templates_of

router = APIRouter(include_in_schema=False)
Session = Annotated[WebSession, Depends(signed_in)]
FEED_PATH = "/status/feed.atom"
COMPONENTS_PATH = "/status/components"
ATOM = "application/atom+xml"
REFUSED = {InvalidInput: 422, NotFound: 404, Forbidden: 403}


@router.get("/status", response_class=HTMLResponse)
async def status_page(request: Request) -> HTMLResponse:
    c = container_of(request)
    view = await run_in_threadpool(c.status.page)
    # No session, even for a signed-in visitor: the public page shows no navigation.
    return page(request, "status.html", None, view=view, feed_path=FEED_PATH)


@router.get(FEED_PATH)
async def status_feed(request: Request) -> Response:
    c = container_of(request)
    feed = await run_in_threadpool(c.status.feed)
    base = c.settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    response: Response = templates_of(request).TemplateResponse(
        request,
        "status.atom.xml",
        {"feed": feed, "page_url": f"{base}/status", "feed_url": f"{base}{FEED_PATH}"},
        media_type=ATOM,
        headers={"Cache-Control": "no-cache"},
    )
    return response


@router.get(COMPONENTS_PATH, response_class=HTMLResponse)
async def components(
    request: Request,
    session: Session,
    incident: Annotated[str, Query(max_length=30)] = "",
) -> HTMLResponse:
    """Each component's state, and (for those who may respond) the forms that set it;
    ``?incident=INC-3`` puts what is done here on that incident's timeline."""
    return await _components(request, session, incident)


@router.post(COMPONENTS_PATH + "/{service}")
async def set_component(request: Request, session: Session, service: str) -> Response:
    status = container_of(request).status

    def act(f: dict[str, str]) -> object:
        return status.set_component(
            session.principal,
            service,
            f.get("state", ""),
            hold=bool(f.get("hold")),
            incident=f.get("incident") or None,
            via=Via.WEB,
        )

    return await _act(request, session, act)


@router.post(COMPONENTS_PATH + "/{service}/release")
async def release_component(request: Request, session: Session, service: str) -> Response:
    status = container_of(request).status

    def act(f: dict[str, str]) -> object:
        return status.release_component(
            session.principal, service, incident=f.get("incident") or None, via=Via.WEB
        )

    return await _act(request, session, act)


async def _act(
    request: Request, session: WebSession, act: Callable[[dict[str, str]], object]
) -> Response:
    fields = await posted(request, session)
    incident = _reference(fields.get("incident", ""))
    try:
        await run_in_threadpool(act, fields)
    except (InvalidInput, NotFound, Forbidden) as exc:
        return await _components(request, session, incident, exc)
    query = f"?{urlencode({'incident': incident})}" if incident else ""
    return RedirectResponse(COMPONENTS_PATH + query, status_code=303)


async def _components(
    request: Request, session: WebSession, incident: str, refused: RadarError | None = None
) -> HTMLResponse:
    c = container_of(request)
    found = await run_in_threadpool(c.status.components, session.principal)
    status = next((s for cls, s in REFUSED.items() if isinstance(refused, cls)), 200)
    return page(
        request,
        "status_components.html",
        session,
        status,
        page="components",
        components=found,
        states=list(ComponentState),
        incident=_reference(incident),
        can_respond=session.principal.can_write,
        error=refused.message if refused is not None else "",
    )


def _reference(text: str) -> str:
    """``INC-3`` from what a form or link sent; "" for nothing that reads as one."""
    number = parse_reference(text) if text else None
    return reference_for(number) if number is not None else ""
