"""Radar's Slack app manifest (``radar slack manifest``): paste it into "Create New App → From an
app manifest" at https://api.slack.com/apps, and Slack sets up the bot, its scopes, and the
URLs it calls on Radar."""

from __future__ import annotations

from typing import Any

INTERACTIVITY_PATH = "/integrations/slack/interactivity"
EVENTS_PATH = "/integrations/slack/events"
COMMANDS_PATH = "/integrations/slack/commands"  # the `/radar` command

BOT_SCOPES = (
    "chat:write",  # post and update incident cards
    "chat:write.public",  # ... in public channels the bot was not invited to
    "channels:history",  # replies in the threads of its cards (public channels)
    "groups:history",  # ... and in private channels it was invited to
    "users:read",  # who a Slack user is
    "users:read.email",  # ... and their email, to match people by address
    "commands",  # the `/radar` slash command
    "reactions:read",  # :pushpin: on a message in an incident's channel
    "channels:manage",  # open an incident's channel, invite its people, set its topic
    "groups:write",  # ... a private one, for a restricted incident
    "channels:read",  # find an incident's channel again by its name
    "groups:read",  # ... a private one
)
BOT_EVENTS = ("message.channels", "message.groups", "reaction_added")
TIMELINE_SHORTCUT = "radar_timeline"  # the message shortcut (integrations/slack_requests.py)


def manifest(public_url: str, name: str = "Radar") -> dict[str, Any]:
    """The manifest for a Radar reached at ``public_url`` (Slack needs it public, over HTTPS)."""
    base = public_url.rstrip("/")
    return {
        "display_information": {
            "name": name,
            "description": "Incident management: declare, respond, communicate, learn.",
            "background_color": "#1d2433",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [
                {
                    "command": "/radar",
                    "url": base + COMMANDS_PATH,
                    "description": "Declare and respond to incidents",
                    "usage_hint": (
                        "declare | ack | update TEXT | resolve | severity LEVEL REASON"
                        " | role commander @person | status | component SERVICE STATE | help"
                    ),
                    "should_escape": True,  # mentions arrive as <@U123|name>: matched by Slack id
                }
            ],
            "shortcuts": [
                {
                    "name": "Add to incident timeline",
                    "type": "message",
                    "callback_id": TIMELINE_SHORTCUT,
                    "description": "Keep this message on the incident's timeline in Radar",
                }
            ],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": {
                "request_url": base + EVENTS_PATH,
                "bot_events": list(BOT_EVENTS),
            },
            "interactivity": {"is_enabled": True, "request_url": base + INTERACTIVITY_PATH},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }
