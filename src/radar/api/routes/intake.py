"""Where monitoring tools send alerts. Public, because the tools cannot sign in: the integration
key is the authorisation (in the body for PagerDuty's API, in the path for the webhooks), and
Grafana's requests may also be signed. An answer of 202 means the events are stored.

``POST /v2/enqueue`` answers as PagerDuty's Events API v2 does, so any tool that can page
PagerDuty pages Radar by changing one URL.
"""

from __future__ import annotations

import time
from asyncio import wrap_future
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from radar.api.deps import ContainerDep, container
from radar.api.schemas.errors import UNEXPECTED, Responses, merged, refusal
from radar.api.schemas.intake import PagerDutyErrorOut, ThrottledOut
from radar.domain.alerts import Event, Kind
from radar.domain.errors import Conflict, InvalidInput, NotFound
from radar.integrations import alertmanager, pagerduty_events
from radar.integrations.parsing import MAX_BODY
from radar.services.ingest import Outcome, RateLimited

router = APIRouter(tags=["alert intake"])
Key = Annotated[str, Path(min_length=8, max_length=100, description="The integration key.")]

# What each endpoint answers when it refuses. /v2/enqueue answers in PagerDuty's shape, the
# others in Radar's error shape; an integration over its rate is told in the sender's terms.
ENQUEUE_ERRORS: Responses = {
    400: {
        "model": PagerDutyErrorOut,
        "description": "`invalid event`: the body is not an event (every problem is listed), "
        "or its routing key is unknown or revoked.",
    },
    429: {
        "model": PagerDutyErrorOut,
        "description": "`throttle event`: more events a minute than the key allows.",
    },
    500: UNEXPECTED,
}
KEY_ERRORS: Responses = {
    404: refusal("`not_found`: no integration has this key, or it was revoked."),
    409: refusal("`conflict`: the key is for another kind of integration (or no policy yet)."),
    422: refusal("`invalid_input`: the key is malformed."),
    500: UNEXPECTED,
}
WEBHOOK_ERRORS = merged(
    KEY_ERRORS,
    {
        422: refusal("`invalid_input`: the key is malformed, or the body is not the tool's."),
        429: {"model": ThrottledOut, "description": "More events a minute than the key allows."},
    },
)
GRAFANA_ERRORS = merged(
    WEBHOOK_ERRORS,
    {403: refusal("`forbidden`: RADAR_GRAFANA_SECRET is set and the signature does not verify.")},
)


async def _body(request: Request) -> bytes:
    """The raw body, refused early when it is too big to be an event."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise InvalidInput(f"the body is over {MAX_BODY:,} bytes", field="body")
    # Read as it streams, so a chunked body without a length is cut off at the limit, not kept.
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise InvalidInput(f"the body is over {MAX_BODY:,} bytes", field="body")
        chunks.append(chunk)
    return b"".join(chunks)


def _pd_error(status: int, summary: str, message: str, errors: Sequence[str]) -> JSONResponse:
    return JSONResponse(
        {"status": summary, "message": message, "errors": list(errors)}, status_code=status
    )


@router.post("/v2/enqueue", status_code=202, responses=ENQUEUE_ERRORS)
async def enqueue(request: Request) -> JSONResponse:
    """PagerDuty Events API v2: trigger, acknowledge or resolve an alert."""
    c = await container(request)  # called, not declared: a storm's hot path skips dependencies
    try:
        key, event = pagerduty_events.parse(await _body(request))
        (outcome,) = await wrap_future(c.ingest.submit(key, Kind.PAGERDUTY, [event]))
    except InvalidInput as exc:
        errors = [f"{p.field}: {p.message}" if p.field else p.message for p in exc.problems]
        return _pd_error(400, "invalid event", "Event object is invalid", errors)
    except (NotFound, Conflict) as exc:
        return _pd_error(400, "invalid event", "Invalid routing key", [exc.message])
    except RateLimited as exc:
        return _pd_error(
            429, "throttle event", "Requests for this service are throttled.", [exc.message]
        )
    body = {"status": "success", "message": "Event processed", "dedup_key": outcome.dedup_key}
    return JSONResponse(body, status_code=202)


def _summary(outcomes: list[Outcome]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.what] = counts.get(o.what, 0) + 1
    return {"status": "success", "events": len(outcomes), "outcomes": counts}


async def _webhook(c: ContainerDep, key: str, kind: Kind, events: list[Event]) -> JSONResponse:
    try:
        outcomes = await wrap_future(c.ingest.submit(key, kind, events))
    except RateLimited as exc:
        return JSONResponse({"status": "throttled", "message": exc.message}, status_code=429)
    return JSONResponse(_summary(outcomes), status_code=202)


@router.post("/integrations/alertmanager/{key}", status_code=202, responses=WEBHOOK_ERRORS)
async def from_alertmanager(key: Key, request: Request, c: ContainerDep) -> JSONResponse:
    """Prometheus Alertmanager's webhook (version 4). Resending a group changes nothing."""
    events = alertmanager.parse(await _body(request))
    return await _webhook(c, key, Kind.ALERTMANAGER, events)


@router.post("/integrations/grafana/{key}", status_code=202, responses=GRAFANA_ERRORS)
async def from_grafana(key: Key, request: Request, c: ContainerDep) -> JSONResponse:
    """Grafana unified alerting's webhook (version 1), signed when RADAR_GRAFANA_SECRET is set."""
    return await _grafana(key, request, c)


@router.put("/integrations/grafana/{key}", status_code=202, responses=GRAFANA_ERRORS)
async def from_grafana_put(key: Key, request: Request, c: ContainerDep) -> JSONResponse:
    """The same, for a contact point set to PUT."""
    return await _grafana(key, request, c)


async def _grafana(key: str, request: Request, c: ContainerDep) -> JSONResponse:
    body = await _body(request)
    secret = c.settings.grafana_secret.get_secret_value()
    if secret:
        signature = request.headers.get("X-Grafana-Alerting-Signature") or request.headers.get(
            "X-Grafana-Alert-Signature", ""
        )
        stamp = request.headers.get("X-Grafana-Alerting-Timestamp")
        alertmanager.verify_grafana(secret, body, signature, stamp, time.time())
    return await _webhook(c, key, Kind.GRAFANA, alertmanager.parse(body))


@router.post("/integrations/generic/{key}", status_code=202, responses=WEBHOOK_ERRORS)
async def from_anything(key: Key, request: Request, c: ContainerDep) -> JSONResponse:
    """Any JSON, read through the field mapping the policy declares for this key."""
    body = await _body(request)
    try:
        outcomes = await run_in_threadpool(c.ingest.generic, key, body)
    except RateLimited as exc:
        return JSONResponse({"status": "throttled", "message": exc.message}, status_code=429)
    return JSONResponse(_summary(outcomes), status_code=202)


@router.post("/integrations/heartbeat/{key}", responses=KEY_ERRORS)
async def heartbeat(key: Key, c: ContainerDep) -> JSONResponse:
    """A ping from a job that must run every so often; a missed one opens an alert."""
    said = await run_in_threadpool(c.ingest.ping, key)
    return JSONResponse({"status": "success", "heartbeat": said})


@router.get("/integrations/heartbeat/{key}", responses=KEY_ERRORS)
async def heartbeat_get(key: Key, c: ContainerDep) -> JSONResponse:
    """The same ping, for tools that can only GET (`curl URL`)."""
    return await heartbeat(key, c)
