"""What alert intake answers when it refuses, in the shapes its senders expect."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class PagerDutyErrorOut(BaseModel):
    """``/v2/enqueue`` refuses as PagerDuty's Events API v2 does."""

    status: str = Field(description="`invalid event` or `throttle event`.")
    message: str = Field(description="`Event object is invalid`, `Invalid routing key` ...")
    errors: list[str] = Field(description="Every problem found, as `field: problem`.")


class ThrottledOut(BaseModel):
    """A webhook over its integration key's events a minute."""

    status: Literal["throttled"]
    message: str
