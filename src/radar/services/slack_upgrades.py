"""*Accept upgrade* and *Decline* in Slack: the answer to the upgrade Radar proposes, given as
the person who pressed it, through ``IncidentService.answer_upgrade`` as in Radar. A second
press (or one after someone else answered) changes nothing and says who settled it how.
"""

from __future__ import annotations

from radar.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, RadarError
from radar.domain.incident import Via
from radar.integrations.slack_requests import ACCEPT_UPGRADE, Click
from radar.services.incidents import IncidentDetail, IncidentService
from radar.services.slack_people import SlackPeople


def answer(people: SlackPeople, incidents: IncidentService, click: Click) -> str:
    """Accept or decline, as ``click`` says; what to tell the person who pressed it."""
    _, principal = people.acting_as(click.user)
    if isinstance(principal, str):
        return principal  # why they cannot act
    accept = click.action == ACCEPT_UPGRADE
    try:
        asked = incidents.get(principal, click.reference).incident.proposed_severity
        done = incidents.answer_upgrade(principal, click.reference, accept=accept, via=Via.SLACK)
    except NotFound:
        return f"There is no incident {click.reference} in Radar."
    except Forbidden as exc:
        return f"Radar did not let you do that: {exc.message}."
    except InvalidTransition as exc:
        return f"{click.reference} is {exc.current_status}: there is no upgrade to answer."
    except InvalidInput as exc:
        if exc.field != "accept":
            return f"{click.reference}: {exc.message}"
        return settled(incidents.get(principal, click.reference))
    except RadarError as exc:
        return f"{click.reference}: {exc.message}"
    if accept:
        return f"{done.reference} is now {done.severity}: you accepted Radar's proposal."
    return (
        f"{done.reference} stays {done.severity}: you declined the upgrade to "
        f"{asked or 'the proposed level'}."
    )


def settled(detail: IncidentDetail) -> str:
    """What to say when a proposed upgrade was settled before the press: who settled it how."""
    i = detail.incident
    for e in reversed(detail.timeline):
        if e.kind == "upgrade_proposed":
            break
        if e.kind == "upgrade_declined":
            return f"{i.reference} stays {i.severity}: {e.actor} already declined the upgrade."
        if e.kind == "severity_changed":
            if (e.message or "").startswith("accepted the upgrade"):
                return f"{i.reference} is {e.new}: {e.actor} already accepted the upgrade."
            if e.via == Via.ENGINE.value:
                return f"{i.reference} is {e.new}: Radar upgraded it since it asked."
            return f"{i.reference} is {e.new}: {e.actor} changed the severity since Radar asked."
    return f"{i.reference} has no upgrade waiting for an answer."
