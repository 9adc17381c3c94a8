"""Slack: a Block Kit message to a channel (``#radar``) or, for a person, a direct message to
their Slack user id, through slack_sdk's ``WebClient`` and the bot token."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from radar.domain.notification import Notification
from radar.notify.base import DeliveryError

# Slack errors that no retry will fix (https://api.slack.com/methods/chat.postMessage).
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
    }
)


def client(token: str, api_url: str, timeout: int = 10) -> WebClient:
    """A client that does not retry by itself: the engine retries, with backoff, from the
    outbox, and records each attempt."""
    return WebClient(token=token, base_url=api_url, timeout=timeout, retry_handlers=[])


def blocks(n: Notification) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{n.subject}*\n{n.body}"}},
    ]
    if n.ack_url:
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Acknowledge"},
            "style": "primary",
            "url": n.ack_url,
            "action_id": "radar_ack_link",
        }
        out.append({"type": "actions", "elements": [button]})
    out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Radar · `{n.key}`"}]})
    return out


class SlackSender:
    def __init__(self, web: WebClient) -> None:
        self._web = web

    def send(self, notification: Notification, address: str) -> None:
        n = notification
        try:
            self._web.chat_postMessage(
                channel=address, text=f"{n.subject}\n{n.body}", blocks=blocks(n)
            )
        except SlackApiError as exc:
            raise _refused(exc) from None
        except OSError as exc:  # connection refused, DNS, timeouts
            raise DeliveryError(f"cannot reach Slack: {type(exc).__name__}") from None


def _refused(exc: SlackApiError) -> DeliveryError:
    response = exc.response
    error = str(response.get("error", "unknown_error"))
    status = response.status_code
    if status == 429 or error == "ratelimited":
        wait = response.headers.get("Retry-After", "") or response.headers.get("retry-after", "")
        after = float(wait) if str(wait).isdigit() else None
        return DeliveryError("Slack rate limit", retryable=True, retry_after=after)
    retryable = error not in PERMANENT and (
        status >= 500
        or error in {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
    )
    return DeliveryError(f"Slack: {error}", retryable=retryable)
