"""A small client for Radar's API, used by the CLI's incident commands."""

from __future__ import annotations

from typing import Any

import httpx

import radar


class ApiError(Exception):
    """The server refused a request; ``status`` decides the CLI's exit code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RadarClient:
    def __init__(self, url: str, token: str, *, transport: httpx.BaseTransport | None = None):
        self._http = httpx.Client(
            base_url=url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": f"radar-cli/{radar.__version__}",
                "X-Radar-Via": "cli",
            },
            timeout=30.0,
            transport=transport,
        )
        self.url = url

    def close(self) -> None:
        self._http.close()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"cannot reach Radar at {self.url}: {exc}") from None
        if response.is_success:
            return response.json()
        raise ApiError(response.status_code, _message(response))


def _message(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}: {response.text[:200]}"
    problems = error.get("problems") or []
    if len(problems) > 1:
        return "; ".join(
            f"{p['field']}: {p['message']}" if p.get("field") else p["message"] for p in problems
        )
    field = error.get("field")
    message = str(error.get("message", ""))
    if field and response.status_code == 422 and not message.startswith(field):
        return f"{field}: {message}"
    return message
