"""Outgoing webhooks: a JSON event, signed with HMAC-SHA256 over the timestamp and the body.

Receivers verify ``X-Radar-Signature: v1=<hex>`` as ``HMAC_SHA256(secret, f"{timestamp}." +
body)`` with ``X-Radar-Timestamp`` (Unix seconds), and refuse old timestamps; ``Idempotency-Key``
is the notification's key, the same on a retry and on the one resend a worker's death may cause:
a receiver that keeps the keys it has seen drops that repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from radar.domain.notification import Notification
from radar.notify.base import DeliveryError

TIMEOUT = 10.0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


class WebhookSender:
    def __init__(self, client: httpx.Client, secret: str) -> None:
        self._client = client
        self._secret = secret

    def send(self, notification: Notification, address: str) -> str | None:
        n = notification
        event = {
            "type": "radar.notification",
            "key": n.key,
            "incident_id": n.incident_id,
            "target": n.target,
            "recipient": n.label,
            "subject": n.subject,
            "body": n.body,
            "queued_at": n.created_at.isoformat().replace("+00:00", "Z"),
        }
        body = json.dumps(event, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Radar",
            "X-Radar-Timestamp": stamp,
            "X-Radar-Signature": signature(self._secret, stamp, body),
            "Idempotency-Key": n.idempotency_key,
        }
        try:
            response = self._client.post(address, content=body, headers=headers, timeout=TIMEOUT)
        except httpx.TimeoutException:
            raise DeliveryError("timed out") from None
        except httpx.TransportError as exc:
            raise DeliveryError(f"cannot connect: {type(exc).__name__}") from None
        check(response)
        request_id: str | None = response.headers.get("X-Request-Id")
        return request_id


def check(response: httpx.Response) -> None:
    """2xx is delivered; 429 and 5xx may pass (retry); any other status will not."""
    status = response.status_code
    if 200 <= status < 300:
        return
    retryable = status == 429 or status >= 500
    raise DeliveryError(f"HTTP {status}", retryable=retryable, retry_after=_retry_after(response))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None
