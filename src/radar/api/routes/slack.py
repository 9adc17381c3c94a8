"""/integrations/slack/...: what Radar's Slack app hears, buttons pressed on its cards,
messages in the channels it is in, and the ``/radar`` slash command. Public, because Slack
cannot sign in, but every request must carry Slack's signature (``X-Slack-Signature``, made
with ``RADAR_SLACK_SIGNING_SECRET`` over the timestamp and the raw body, within five minutes);
one that does not verify is refused with 401 and changes nothing. Without a signing secret
Slack is not configured here: 404.

Slack wants its answer within three seconds: the change is one short transaction, and Slack
hears of it through the outbox (the card is refreshed) like any other change. The note to the
person who clicked goes to Slack after the answer, never before it.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.api.deps import ContainerDep
from radar.api.schemas.errors import TOO_LARGE, UNEXPECTED, Responses, merged, refusal
from radar.bootstrap import Container
from radar.domain.errors import NotFound
from radar.integrations import slack_commands, slack_role_view, slack_views
from radar.integrations import slack_requests as slack
from radar.integrations.parsing import json_object

router = APIRouter(prefix="/integrations/slack", tags=["slack"])
ON_IT = "Radar is on it: the answer follows."
_LATE: set[asyncio.Future[str]] = set()  # slow commands still working (kept from the collector)
log = logging.getLogger("radar.slack")
# Refusals, in Radar's error shape; a person's mistake is an answer (200) in words instead.
SLACK_ERRORS: Responses = {
    401: refusal("`unauthenticated`: no valid Slack signature within five minutes."),
    404: refusal("`not_found`: Slack is not configured on this server."),
    413: TOO_LARGE,
    422: refusal("`invalid_input`: the body is not what Slack sends."),
    500: UNEXPECTED,
}
PIN_ERRORS = merged(
    SLACK_ERRORS,
    {503: refusal("`unavailable`: Slack did not give the message to pin; Slack sends it again.")},
)


async def _verified(request: Request, c: Container) -> bytes:
    """The raw body, once Slack's signature over it checks out."""
    secret = c.settings.slack_signing_secret.get_secret_value()
    if not secret.strip():
        raise NotFound("Slack is not configured on this server")
    body = await request.body()
    slack.Verifier(secret, c.clock).check(
        body,
        request.headers.get("X-Slack-Request-Timestamp"),
        request.headers.get("X-Slack-Signature"),
    )
    return body


@router.post("/interactivity", response_class=Response, responses=PIN_ERRORS)
async def interactivity(request: Request, c: ContainerDep, later: BackgroundTasks) -> Response:
    """A button pressed on one of Radar's cards: Acknowledge or Resolve, as the person who
    pressed it (they alone are told what happened; others see the card change), or Post
    update, which opens the update modal. A modal submitted (``/radar declare``'s, the
    update's, or the role's): done (``clear``), or its errors, by block. The *Add to incident
    timeline* message shortcut."""
    body = await _verified(request, c)
    payload = slack.payload(body)
    pin = slack.shortcut(payload)
    if pin is not None:  # "Add to incident timeline" on a message: told through response_url
        _tell(c, later, pin.response_url, await run_in_threadpool(c.slack_pins.pin, pin))
        return Response(status_code=200)
    role = slack_role_view.role_submission(payload)
    if role is not None:  # the role modal, submitted
        return _verdict(await run_in_threadpool(c.slack.submit_role, role))
    update = slack_views.update_submission(payload)
    if update is not None:  # the update modal, submitted
        return _verdict(await run_in_threadpool(c.slack.submit_update, update))
    declared = slack_views.submission(payload)
    if declared is not None:  # the declare modal, submitted: Slack waits for the verdict
        return _verdict(await run_in_threadpool(c.slack.submit, declared))
    for click in slack.clicks_in(payload):
        _tell(c, later, click.response_url, await run_in_threadpool(c.slack.click, click))
    return Response(status_code=200)


def _verdict(errors: dict[str, str]) -> JSONResponse:
    """What Slack does with a submitted modal: show the errors by block, or close it."""
    if errors:
        return JSONResponse({"response_action": "errors", "errors": errors})
    return JSONResponse({"response_action": "clear"})


def _tell(c: Container, later: BackgroundTasks, response_url: str, said: str) -> None:
    """After Slack has its answer: ``said`` to the person alone, through ``response_url`` (to
    Slack, or the host of the configured Web API; never anywhere else a payload names)."""
    if said and slack.response_url_allowed(response_url, c.settings.slack_api_url):
        later.add_task(c.slack.answer, response_url, said)


@router.post("/events", response_class=Response, responses=PIN_ERRORS)
async def events(request: Request, c: ContainerDep) -> Response:
    """The Events API: the URL check when the app is set up, messages (a person's reply in the
    thread of an incident's card, or a message in its own channel, acknowledges the incident)
    and :pushpin: reactions (the message goes on the incident's timeline)."""
    body = await _verified(request, c)
    data = json_object(body)
    echo = slack.challenge(data)
    if echo is not None:
        return JSONResponse({"challenge": echo})
    pin = slack.reaction(data)
    if pin is not None:  # Unavailable (503) when Slack did not give the text: Slack retries
        outcome = await run_in_threadpool(c.slack_pins.pin, pin)
        log.info("Slack event %s: %s", pin.event_id, outcome)
    message = slack.event(data)
    if message is not None:
        outcome = await run_in_threadpool(c.slack.message, message)
        level = logging.DEBUG if outcome.startswith("ignored") else logging.INFO
        log.log(level, "Slack event %s: %s", message.event_id or "(no id)", outcome)
    return Response(status_code=200)


@router.post("/commands", responses=SLACK_ERRORS)
async def commands(request: Request, c: ContainerDep) -> Response:
    """The ``/radar`` slash command, as the person who typed it. The answer is for them alone
    (ephemeral), in the reply to Slack's request: the work is one short transaction. When it
    takes longer than ``RADAR_SLACK_ANSWER_WITHIN_SECONDS``, Slack hears "on it" and the answer
    follows through the command's ``response_url``. A refusal is an answer too (200), in
    words."""
    body = await _verified(request, c)
    invocation = slack_commands.invocation(body)
    work = functools.partial(
        c.slack.command, invocation, public_url=c.settings.effective_public_url
    )
    task = asyncio.ensure_future(run_in_threadpool(work))
    try:
        said = await asyncio.wait_for(asyncio.shield(task), c.settings.slack_answer_within_seconds)
    except TimeoutError:  # Slack gives up after 3 s: the answer follows through response_url
        _answer_later(c, task, invocation.response_url)
        return JSONResponse({"response_type": "ephemeral", "text": ON_IT})
    if not said:  # ``/radar declare`` opened its modal: nothing more to say
        return Response(status_code=200)
    return JSONResponse({"response_type": "ephemeral", "text": said})


def _answer_later(c: Container, task: asyncio.Future[str], response_url: str) -> None:
    """When the slow command is done, its answer goes to the person through ``response_url``
    (to Slack only, as for buttons). The work goes on whatever Slack did meanwhile."""
    allowed = slack.response_url_allowed(response_url, c.settings.slack_api_url)
    _LATE.add(task)

    def done(finished: asyncio.Future[str]) -> None:
        _LATE.discard(finished)
        if finished.cancelled():
            return
        error = finished.exception()
        if error is not None:
            log.error("a slow /radar command failed: %s", type(error).__name__)
            return
        said = finished.result()
        if said and allowed:
            asyncio.get_running_loop().run_in_executor(None, c.slack.answer, response_url, said)

    task.add_done_callback(done)
