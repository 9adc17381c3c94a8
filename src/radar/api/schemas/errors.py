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


def _described(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# What every /api/v1 operation may answer besides its success, all in the one shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _described("`malformed_json`: the body is not JSON."),
    401: _described("`unauthenticated`: no token, or one that is unknown, expired or revoked."),
    403: _described("`forbidden`: the account may not do this."),
    404: _described("`not_found`: no such incident, or no such path."),
    409: _described("`invalid_transition` or `conflict`: not now."),
    413: _described("`body_too_large`: the body is over 1 MiB."),
    415: _described("`unsupported_media_type`: a body not sent as JSON."),
    422: _described("`invalid_input` (or `invalid_policy`): the input is not valid."),
    500: _described("`internal_error`: a bug, logged; never a traceback."),
}
