"""The public status page and its Atom feed: no sign-in, and only what the world may see."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.web.auth import container_of
from radar.web.pages import page, templates_of

router = APIRouter(include_in_schema=False)
FEED_PATH = "/status/feed.atom"
ATOM = "application/atom+xml"


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
