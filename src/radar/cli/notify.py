"""`radar notify test TARGET`: send a test message and say what happened."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from radar.cli.context import EXIT_REFUSED, EXIT_USAGE, container, fail, out
from radar.domain.response import Channel

app = typer.Typer(help="Notification channels.", no_args_is_help=True)


@app.command("test")
def send_test(
    target: Annotated[
        str,
        typer.Argument(
            help="slack:#channel, email:ADDRESS, webhook:URL, apprise:NAME, person:ID, team role."
        ),
    ],
    service: Annotated[
        str | None, typer.Option(help="Whose team a team role means (default: the first service).")
    ] = None,
    via: Annotated[
        str | None, typer.Option(help="Channels to try in order, e.g. phone,sms,email.")
    ] = None,
) -> None:
    """Send a test message to TARGET through the configured channels; exit 1 if it did not go."""
    channels: tuple[Channel, ...] = ()
    if via:
        try:
            channels = tuple(Channel(v.strip()) for v in via.split(","))
        except ValueError:
            known = ", ".join(c.value for c in Channel)
            raise fail(f"--via: channels are {known}", EXIT_USAGE) from None
    # This command reports the outcome itself; the channels' own warning would say it twice.
    logging.getLogger("radar.notify").setLevel(logging.ERROR)
    with container() as c:
        result = c.notifications.test(target, service=service, via=channels)
    if result.sent_through:
        known = f" ({result.provider_id})" if result.provider_id else ""
        text = f"sent to {result.recipient} through {result.sent_through}{known}"
        out.print(text, markup=False)
        return
    raise fail(f"{result.recipient}: {result.problem}", EXIT_REFUSED)
