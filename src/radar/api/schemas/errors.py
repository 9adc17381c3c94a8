"""The one error shape (``api/errors.py``), as the OpenAPI document describes it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldProblemOut(BaseModel):
    field: str | None = Field(description="The input at fault, or null.")
    message: str


class ErrorDetailOut(BaseModel):
    # Some codes add members: `invalid_transition` adds `current_status` and `allowed_actions`.
    model_config = ConfigDict(extra="allow")

    code: str = Field(description="A stable name to branch on, such as `invalid_input`.")
    message: str = Field(description="One sentence for people.")
    field: str | None = Field(description="The input at fault, or null.")
    problems: list[FieldProblemOut] = Field(
        min_length=1, description="Every mistake found; at least one."
    )
    current_status: str | None = Field(None, description="`invalid_transition` only.")
    allowed_actions: list[str] | None = Field(None, description="`invalid_transition` only.")


class ErrorOut(BaseModel):
    error: ErrorDetailOut


Responses = dict[int | str, dict[str, Any]]


def refusal(description: str) -> dict[str, Any]:
    """An answer in the one error shape, as a route's ``responses=`` declares it."""
    return {"model": ErrorOut, "description": description}


def refusal_beside_pages(description: str) -> dict[str, Any]:
    """The same, on a route whose own answers are pages: FastAPI would file the model under the
    route's media type (text/html), so the JSON is named here (ErrorOut is among the document's
    schemas: every /api/v1 operation refers to it)."""
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def page(description: str) -> dict[str, Any]:
    """An HTML page, for people."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def merged(*parts: Responses) -> Responses:
    """The declarations together, later ones winning, in the order of their status codes."""
    out: Responses = {}
    for part in parts:
        out.update(part)
    return dict(sorted(out.items(), key=lambda item: str(item[0])))


UNEXPECTED = refusal("`internal_error`: a bug, logged; never a traceback.")
TOO_LARGE = refusal("`body_too_large`: the body is over 1 MiB.")

# What every /api/v1 operation may answer besides its success, all in the one shape.
ERROR_RESPONSES: Responses = {
    400: refusal("`malformed_json`: the body is not JSON."),
    401: refusal("`unauthenticated`: no token, or one that is unknown, expired or revoked."),
    403: refusal("`forbidden`: the account may not do this."),
    404: refusal("`not_found`: no such incident, or no such path."),
    409: refusal("`invalid_transition` or `conflict`: not now."),
    413: TOO_LARGE,
    415: refusal("`unsupported_media_type`: a body not sent as JSON."),
    422: refusal("`invalid_input` (or `invalid_policy`): the input is not valid."),
    500: UNEXPECTED,
}
