"""Send a response model as JSON once, with pydantic's serializer.

Routes still declare ``response_model`` (it documents the API in OpenAPI), but return this
``Response`` so FastAPI does not validate and serialise the same model a second time.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Response
from pydantic import BaseModel


def json_response(
    model: BaseModel, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        content=model.model_dump_json(),
        status_code=status_code,
        headers=dict(headers or {}),
        media_type="application/json",
    )
