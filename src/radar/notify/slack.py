"""Slack: a Block Kit message to a channel (``#radar``) or, for a person, a direct message to
their Slack user id, through slack_sdk's ``WebClient`` and the bot token."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookClient

from radar.domain.notification import Attempt, Delivered, Kind, Notification
from radar.domain.response import Channel
from radar.domain.upkeep import INCIDENT_CHANNEL
from radar.notify.base import DeliveryError, incident_link

log = logging.getLogger(__name__)

# Slack errors that no retry will fix (https://api.slack.com/methods/chat.postMessage).
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "users_not_found",
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


FIND_PAGES = 20  # at most 20,000 channels looked through for one whose name is taken

# The buttons Radar's Slack app answers (``integrations/slack_requests.py`` reads them back);
# their ``value`` is the incident's reference.
ACKNOWLEDGE = "radar_ack"
RESOLVE = "radar_resolve"
UPDATE = "radar_update"
ACCEPT_UPGRADE = "radar_upgrade_accept"
DECLINE_UPGRADE = "radar_upgrade_decline"


def client(token: str, api_url: str, timeout: int = 10) -> WebClient:
    """A client that does not retry by itself: the engine retries, with backoff, from the
    outbox, and records each attempt."""
    return WebClient(token=token, base_url=api_url, timeout=timeout, retry_handlers=[])


def blocks(
    n: Notification, public_url: str = "", *, interactive: bool = False
) -> list[dict[str, Any]]:
    """The card: the subject, the incident's facts as fields, the message, and buttons to
    acknowledge, resolve and open it.

    ``interactive`` (Radar's Slack app receives clicks: a signing secret is set): a card in a
    channel gets an Acknowledge action (``radar_ack``) that acknowledges as whoever clicks it,
    while the incident waits for one. Otherwise, and always in a direct message, Acknowledge is
    the signed link, which acknowledges as the person the page went to and needs no account.
    """
    out: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{n.subject}*"}},
    ]
    if n.facts:
        fields = [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in n.facts[:10]]
        out.append({"type": "section", "fields": fields})
    out.append({"type": "section", "text": {"type": "mrkdwn", "text": n.body[:2900]}})
    if interactive:
        out.extend(_proposals(n))
    buttons: list[dict[str, Any]] = []
    facts = dict(n.facts)
    reference = facts.get("Reference")
    is_open = not facts.get("Status", "").startswith(("resolved", "closed", "declined"))
    # A card in a channel (not a direct message): whoever is there may act on it.
    in_channel = n.target.startswith("slack:") or n.target == INCIDENT_CHANNEL
    if interactive and reference and in_channel:
        if is_open and facts.get("Acknowledged", "not yet") == "not yet":
            buttons.append(
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Acknowledge"},
                    "style": "primary",
                    "action_id": ACKNOWLEDGE,
                    "value": reference,
                }
            )
    elif n.ack_url:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "style": "primary",
                "url": n.ack_url,
                "action_id": "radar_ack_link",
            }
        )
    if reference and is_open:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Resolve"},
                "action_id": RESOLVE,
                "value": reference,
            }
        )
    if interactive and reference and is_open and in_channel:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Post update"},
                "action_id": UPDATE,
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


def _proposals(n: Notification) -> list[dict[str, Any]]:
    """Accept upgrade and Decline, for each upgrade Radar proposes in the message (a bundle may
    carry several, each in its own block: an ``action_id`` is unique within its block). The
    buttons act as whoever presses them; their ``value`` is the incident's reference."""
    proposed = [dict(m.facts).get("Reference") for m in n.members if m.kind is Kind.PROPOSAL]
    # A message about several incidents names the one each pair of buttons answers for.
    several = len({dict(m.facts).get("Reference") for m in n.members}) > 1
    out: list[dict[str, Any]] = []
    for reference in dict.fromkeys(r for r in proposed if r):  # once each, in order
        named = f" of {reference}" if several else ""
        out.append(
            {
                "type": "actions",
                "block_id": f"radar_proposal:{reference}",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": f"Accept upgrade{named}"},
                        "style": "primary",
                        "action_id": ACCEPT_UPGRADE,
                        "value": reference,
                    },
                    {
                        "type": "button",
                        "text": {
                            "type": "plain_text",
                            "text": f"Decline upgrade{named}" if named else "Decline",
                        },
                        "action_id": DECLINE_UPGRADE,
                        "value": reference,
                    },
                ],
            }
        )
    return out


class SlackSender:
    def __init__(self, web: WebClient, public_url: str = "", *, interactive: bool = False) -> None:
        self._web = web
        self._public_url = public_url
        self._interactive = interactive

    def send(self, notification: Notification, address: str) -> str | None:
        """Post; the message's id is ``CHANNEL_ID:ts``, what ``chat.update`` needs later."""
        n = notification
        answer = self._call(
            self._web.chat_postMessage,
            channel=address,
            text=f"{n.subject}\n{n.body}",
            blocks=blocks(n, self._public_url, interactive=self._interactive),
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
            blocks=blocks(n, self._public_url, interactive=self._interactive),
        )
        return provider_id

    def keep_channel(self, notification: Notification, channel_id: str | None) -> Delivered:
        """Open the incident's own channel (``conversations.create``, private for a restricted
        incident) and post its card there, or find it when it exists already (a resend after
        a crash: its name is taken); invite its people; set its topic. Each step can be
        repeated without harm, so a retry redoes them all."""
        n = notification
        created = channel_id is None
        if channel_id is None:
            channel_id, created = self._open(n.address, private=n.contacts.get("private") == "yes")
        invite = [u for u in n.contacts.get(Channel.SLACK.value, "").split(",") if u]
        for email in [e for e in n.contacts.get(Channel.EMAIL.value, "").split(",") if e]:
            found = self._user_by_email(email)
            if found and found not in invite:
                invite.append(found)
        if invite:
            try:
                self._call(
                    self._web.conversations_invite,
                    channel=channel_id,
                    users=",".join(invite),
                    force=True,  # invite the others when one cannot be (left Slack, say)
                )
            except DeliveryError as exc:
                if exc.retryable:
                    raise
                log.info("Slack channel %s: not everyone was invited: %s", n.label, exc.message)
        self._call(self._web.conversations_setTopic, channel=channel_id, topic=n.body)
        if created:
            self._call(
                self._web.chat_postMessage,
                channel=channel_id,
                text=n.subject,
                blocks=blocks(n, self._public_url, interactive=self._interactive),
            )
        archive = n.contacts.get("archive") == "yes"
        if archive:
            try:
                self._call(self._web.conversations_archive, channel=channel_id)
            except DeliveryError as exc:
                if exc.message != "Slack: already_archived":
                    raise
        outcome = "archived" if archive else "created" if created else "updated"
        attempt = Attempt(Channel.SLACK.value, outcome, n.label)
        return Delivered(Channel.SLACK.value, channel_id, (attempt,))

    def _user_by_email(self, email: str) -> str | None:
        """The Slack id of the person with this email (``users.lookupByEmail``); None when
        Slack knows nobody by it or may not say. A failure that may pass is raised: retried."""
        try:
            found = self._call(self._web.users_lookupByEmail, email=email).get("user")
        except DeliveryError as exc:
            if exc.retryable:
                raise
            log.info("no Slack user for an invitation by email: %s", exc.message)
            return None
        user_id = found.get("id") if isinstance(found, dict) else None
        return user_id if isinstance(user_id, str) and user_id else None

    def _open(self, name: str, *, private: bool) -> tuple[str, bool]:
        """The new channel's id, and True; or the id of the channel by that name Radar opened
        before, and False."""
        try:
            made = self._call(self._web.conversations_create, name=name, is_private=private)
        except DeliveryError as exc:
            if exc.message != "Slack: name_taken":
                raise
            found = self._find(name)
            if found is None:
                raise DeliveryError(
                    f"Slack: a channel #{name} exists and Radar is not in it", retryable=False
                ) from None
            return found, False
        channel = made.get("channel")
        channel_id = channel.get("id") if isinstance(channel, dict) else None
        if not isinstance(channel_id, str) or not channel_id:
            raise DeliveryError("Slack: conversations.create named no channel", retryable=True)
        return channel_id, True

    def _find(self, name: str) -> str | None:
        """The id of the channel called ``name`` among those Radar's bot can see."""
        cursor = ""
        for _ in range(FIND_PAGES):
            page = self._call(
                self._web.conversations_list,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=1000,
                cursor=cursor or None,
            )
            for channel in page.get("channels") or []:
                if isinstance(channel, dict) and channel.get("name") == name:
                    return str(channel.get("id"))
            meta = page.get("response_metadata")
            cursor = meta.get("next_cursor", "") if isinstance(meta, dict) else ""
            if not cursor:
                return None
        return None

    @staticmethod
    def _call(method: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse:
        try:
            return method(**kwargs)
        except SlackApiError as exc:
            raise _refused(exc) from None
        except OSError as exc:  # connection refused, DNS, timeouts
            raise DeliveryError(f"cannot reach Slack: {type(exc).__name__}") from None


def answer(response_url: str, text: str, timeout: int = 5) -> None:
    """Say ``text`` to the person who clicked a button, and only to them, through the
    interaction's ``response_url``: once, without retries. ``OSError`` when it did not go."""
    hook = WebhookClient(response_url, timeout=timeout, retry_handlers=[])
    sent = hook.send(text=text, response_type="ephemeral", replace_original=False)
    if sent.status_code >= 300:
        raise OSError(f"Slack answered {sent.status_code} to the response URL")


def view_opener(
    token: str, api_url: str, timeout: int = 2
) -> Callable[[str, dict[str, Any]], None]:
    """``open_view(trigger_id, view)``: open a modal through ``views.open``, once, within the
    trigger's three seconds (a short timeout, no retries). ``DeliveryError`` when Slack did not
    open it (refused, down, slow) or no bot token is set."""

    def open_view(trigger_id: str, view: dict[str, Any]) -> None:
        if not token.strip():
            raise DeliveryError("Slack: no bot token", retryable=False)
        web = client(token, api_url, timeout=timeout)
        SlackSender._call(web.views_open, trigger_id=trigger_id, view=view)

    return open_view


def email_lookup(token: str, api_url: str, timeout: int = 2) -> Callable[[str], str | None]:
    """``email_of(user_id)``: the address on a Slack user's profile (``users.info``, with the
    ``users:read.email`` scope), None for bots, deleted users and profiles without one. Once,
    with a short timeout: it runs while Slack waits for Radar's answer. ``DeliveryError`` when
    Slack does not answer."""

    def email_of(user_id: str) -> str | None:
        if not token.strip():
            return None
        web = client(token, api_url, timeout=timeout)
        found = SlackSender._call(web.users_info, user=user_id).get("user")
        if not isinstance(found, dict) or found.get("is_bot") or found.get("deleted"):
            return None
        profile = found.get("profile")
        email = profile.get("email") if isinstance(profile, dict) else None
        return email.strip() if isinstance(email, str) and "@" in email else None

    return email_of


def message_fetcher(
    token: str, api_url: str, timeout: int = 2
) -> Callable[[str, str], tuple[str, str] | None]:
    """``fetch(channel, ts)``: who wrote the message ``ts`` in ``channel``, and its text; None
    when it is not there (deleted). Looked for in the channel, then among thread replies.
    ``DeliveryError`` when Slack does not answer in time."""

    def fetch(channel: str, ts: str) -> tuple[str, str] | None:
        if not token.strip():
            raise DeliveryError("Slack: no bot token", retryable=False)
        web = client(token, api_url, timeout=timeout)
        span = {"channel": channel, "latest": ts, "oldest": ts, "inclusive": True}
        for method, extra in (
            (web.conversations_history, {}),
            (web.conversations_replies, {"ts": ts}),
        ):
            found = SlackSender._call(method, limit=5, **span, **extra).get("messages") or []
            for message in found:
                if isinstance(message, dict) and message.get("ts") == ts:
                    author = message.get("user") or message.get("username") or message.get("bot_id")
                    text = message.get("text")
                    return str(author or ""), text if isinstance(text, str) else ""
        return None

    return fetch


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
