"""/integrations/twilio/...: what Twilio tells Radar about calls and texts. Public, because
Twilio cannot sign in, but every request must carry Twilio's signature (``X-Twilio-Signature``,
HMAC-SHA1 with the account's auth token over the URL Twilio called and the form's fields); one
that does not verify is refused with 403 and changes nothing. Answers are TwiML.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from radar.api.deps import ContainerDep
from radar.api.schemas.errors import TOO_LARGE, UNEXPECTED, Responses, merged, refusal
from radar.bootstrap import Container
from radar.domain.errors import Forbidden, NotFound
from radar.notify.twilio import TOKEN_SEPARATOR
from radar.services.phone import Report

router = APIRouter(prefix="/integrations/twilio", tags=["twilio"])
Tokens = Annotated[str, Path(max_length=4000, description="Signed notification tokens.")]
MAX_FORM = 64 * 1024
# Refusals are JSON in Radar's error shape (Twilio logs them); the answers themselves are TwiML.
TWILIO_ERRORS: Responses = {
    400: refusal("`http_error`: the body is not a form that can be read."),
    403: refusal("`forbidden`: no valid Twilio signature, or a body larger than Twilio sends."),
    404: refusal("`not_found`: Twilio is not configured on this server."),
    413: TOO_LARGE,
    500: UNEXPECTED,
}
TOKENS_ERRORS = merged(
    TWILIO_ERRORS,
    {
        404: refusal("`not_found`: Twilio is not configured here, or a token is not valid."),
        422: refusal("`invalid_input`: the tokens in the path are too long."),
    },
)


def _twiml(body: VoiceResponse | MessagingResponse) -> Response:
    return Response(str(body), media_type="application/xml")


async def _verified(request: Request, c: Container) -> dict[str, str]:
    """The form Twilio posted, once its signature checks out against the public URL."""
    secret = c.settings.twilio_auth_token.get_secret_value()
    if not secret:
        raise NotFound("Twilio is not configured on this server")
    if int(request.headers.get("content-length") or 0) > MAX_FORM:
        raise Forbidden("the request is larger than Twilio sends")
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    url = c.settings.effective_public_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(secret).validate(url, params, signature):
        raise Forbidden("the request does not carry a valid Twilio signature")
    return params


@router.post("/voice/{tokens}", response_class=Response, responses=TOKENS_ERRORS)
async def keypress(tokens: Tokens, request: Request, c: ContainerDep) -> Response:
    """The key pressed during a call: 1 acknowledges the incidents the call was about."""
    form = await _verified(request, c)
    said = await run_in_threadpool(
        c.phone.pressed, tokens.split(TOKEN_SEPARATOR), form.get("Digits", "")
    )
    answer = VoiceResponse()
    answer.say(said)
    return _twiml(answer)


@router.post("/status/{tokens}", status_code=204, responses=TOKENS_ERRORS)
async def status(tokens: Tokens, request: Request, c: ContainerDep) -> Response:
    """How a call or a text went: answered, busy, no answer, delivered, undelivered ..."""
    form = await _verified(request, c)
    call = "CallStatus" in form
    report = Report(
        sid=form.get("CallSid" if call else "MessageSid", ""),
        status=form.get("CallStatus" if call else "MessageStatus", "").lower(),
        call=call,
    )
    if report.status:
        await run_in_threadpool(c.phone.report, tokens.split(TOKEN_SEPARATOR), report)
    return Response(status_code=204)


@router.post("/sms", response_class=Response, responses=TWILIO_ERRORS)
async def text_reply(request: Request, c: ContainerDep) -> Response:
    """A text to Radar's number; ``ACK INC-42`` acknowledges. The answer is texted back."""
    form = await _verified(request, c)
    said = await run_in_threadpool(c.phone.text_reply, form.get("From", ""), form.get("Body", ""))
    answer = MessagingResponse()
    answer.message(said)
    return _twiml(answer)
