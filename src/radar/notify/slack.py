"""Slack: a Block Kit message to a channel (``#radar``) or, for a person, a direct message to
their Slack user id, through slack_sdk's ``WebClient`` and the bot token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from radar.domain.notification import Notification
from radar.notify.base import DeliveryError, incident_link

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
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
    }
)


def client(token: str, api_url: str, timeout: int = 10) -> WebClient:
    """A client that does not retry by itself: the engine retries, with backoff, from the
    outbox, and records each attempt."""
    return WebClient(token=token, base_url=api_url, timeout=timeout, retry_handlers=[])


def blocks(n: Notification, public_url: str = "") -> list[dict[str, Any]]:
    """The card: the subject, the incident's facts as fields, the message, and buttons to
    acknowledge (a signed link until Radar's Slack app handles clicks), resolve and open it."""
    out: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{n.subject}*"}},
    ]
    if n.facts:
        fields = [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in n.facts[:10]]
        out.append({"type": "section", "fields": fields})
    out.append({"type": "section", "text": {"type": "mrkdwn", "text": n.body[:2900]}})
    buttons: list[dict[str, Any]] = []
    if n.ack_url:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "style": "primary",
                "url": n.ack_url,
                "action_id": "radar_ack_link",
            }
        )
    facts = dict(n.facts)
    reference = facts.get("Reference")
    if reference and not facts.get("Status", "").startswith(("resolved", "closed", "declined")):
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Resolve"},
                "action_id": "radar_resolve",
                "value": reference,
            }
        )
    if reference and public_url:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Open in Radar"},
                "url": incident_link(public_url, reference),
                "action_id": "radar_open",
            }
        )
    if buttons:
        out.append({"type": "actions", "elements": buttons})
    out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Radar · `{n.key}`"}]})
    return out


class SlackSender:
    def __init__(self, web: WebClient, public_url: str = "") -> None:
        self._web = web
        self._public_url = public_url

    def send(self, notification: Notification, address: str) -> str | None:
        """Post; the message's id is ``CHANNEL_ID:ts``, what ``chat.update`` needs later."""
        n = notification
        answer = self._call(
            self._web.chat_postMessage,
            channel=address,
            text=f"{n.subject}\n{n.body}",
            blocks=blocks(n, self._public_url),
        )
        channel, ts = answer.get("channel"), answer.get("ts")
        return f"{channel}:{ts}" if channel and ts else None

    def update(self, notification: Notification, provider_id: str) -> str | None:
        """Bring the incident's earlier message in a channel up to date, in place."""
        n = notification
        channel, _, ts = provider_id.partition(":")
        self._call(
            self._web.chat_update,
            channel=channel,
            ts=ts,
            text=f"{n.subject}\n{n.body}",
            blocks=blocks(n, self._public_url),
        )
        return provider_id

    @staticmethod
    def _call(method: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse:
        try:
            return method(**kwargs)
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
