"""Pydantic models that mirror the policy YAML exactly. Unknown keys are errors.

Field descriptions are the reference documentation: ``radar policy schema`` exports them for
editors, and ``docs/policy.md`` is checked to mention every key.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from radar.domain import duration as durations
from radar.domain.errors import InvalidInput
from radar.domain.response import Channel, Counting, HoursMode, WhenWorkedOn
from radar.domain.roles import Role

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
WindowText = Annotated[
    str,
    StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)(\+1)?$"),
]


def _duration(value: str) -> str:
    try:
        durations.parse(value)
    except InvalidInput:
        raise ValueError("a duration such as 90s, 10m, 2h, 1d, 1w or 1h30m") from None
    return value


DURATION_PATTERN = r"^\s*(\d{1,6}[smhdwSMHDW])+\s*$"
# The validator gives people a readable message; the JSON Schema gives editors the pattern.
Duration = Annotated[
    str,
    AfterValidator(_duration),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN, "examples": ["10m", "4h"]}),
]


def _positive(value: str) -> str:
    if durations.parse(value).total_seconds() <= 0:
        raise ValueError("a duration longer than zero")
    return value


PositiveDuration = Annotated[Duration, AfterValidator(_positive)]


def _timezone(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", value):
        raise ValueError("an IANA time zone such as Europe/Madrid")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("an IANA time zone such as Europe/Madrid") from None
    return value


TimeZone = Annotated[str, AfterValidator(_timezone)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class IncidentSection(Strict):
    definition: Text = Field(description="What counts as an incident, in the team's words.")
    test: Text = Field(
        "Does this need an emergency response?",
        description="The one question that separates an incident from a ticket.",
    )


class HolidaySpec(Strict):
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 country code, e.g. `ES`.")
    subdivision: str | None = Field(
        None, max_length=10, description="Region within the country, e.g. `MD` for Madrid."
    )


class CalendarSpec(Strict):
    timezone: TimeZone = Field(description="IANA time zone, e.g. `Europe/Madrid`.")
    hours: dict[Weekday, list[WindowText]] = Field(
        default_factory=dict,
        description="Working windows per weekday (`mon`..`sun`), e.g. `[09:00-13:00, 14:00-18:00]`."
        " `22:00-06:00+1` ends the next day. A day left out is not worked.",
    )
    holidays: HolidaySpec | None = Field(
        None, description="Public holidays to close on, from the `holidays` package."
    )
    closed: list[date] = Field(
        default_factory=list, max_length=1000, description="Extra closed dates, `YYYY-MM-DD`."
    )


class PersonSpec(Strict):
    id: Id
    name: ShortText
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    phone: str | None = Field(
        None, pattern=r"^\+[1-9]\d{6,14}$", description="E.164, e.g. `+34600111222`."
    )
    slack: str | None = Field(
        None, pattern=r"^[UW][A-Z0-9]{2,20}$", description="Slack user id, e.g. `U024BE7LH`."
    )
    timezone: TimeZone | None = None


class TeamSpec(Strict):
    id: Id
    name: ShortText
    members: list[Id] = Field(default_factory=list, description="Person ids.")
    engineering_manager: Id | None = Field(None, description="A person id.")
    product_owner: Id | None = Field(None, description="A person id.")
    team_lead: Id | None = Field(None, description="A person id.")
    slack_channel: str | None = Field(None, pattern=r"^#[a-z0-9][a-z0-9._-]{0,79}$")
    calendar: Id | None = Field(None, description="A calendar id; default `defaults.calendar`.")


class MaintenanceSpec(Strict):
    start: AwareDatetime = Field(description="When it starts, with its UTC offset.")
    end: AwareDatetime = Field(description="When it ends, with its UTC offset.")
    reason: ShortText

    @model_validator(mode="after")
    def _ordered(self) -> MaintenanceSpec:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class ServiceSpec(Strict):
    id: Id
    name: ShortText
    description: str = Field("", max_length=10_000)
    owner: Id | None = Field(None, description="The id of the team that owns the service.")
    status_page_component: ShortText | None = Field(
        None, description="Component shown on the public status page."
    )
    maintenance: list[MaintenanceSpec] = Field(
        default_factory=list,
        max_length=100,
        description="Planned work: alerts for the service are recorded and page nobody.",
    )


class NotifySpec(Strict):
    target: str = Field(
        min_length=1,
        max_length=300,
        description="`person:ID`, `engineering_manager`, `product_owner`, `team_lead`, "
        "`communications_lead`, `commander`, `deputy`, `slack:#channel`, `email:ADDRESS`, "
        "`webhook:https://URL` or `apprise:NAME`.",
    )
    via: list[Channel] = Field(
        default_factory=list,
        max_length=5,
        description="Channels in order: the first is tried, the rest are fallbacks. "
        "Default: slack for people and roles; the target's own channel otherwise.",
    )


class StepSpec(Strict):
    after: Duration = Field("0s", description="Delay from the start of the level.")
    notify: list[NotifySpec] = Field(min_length=1, max_length=50)
    unless_acknowledged: bool = Field(
        True,
        description="Spare the step's people when someone has acknowledged by then; its posts "
        "to channels still go out in the first round, for the record.",
    )


class ResponseSpec(Strict):
    hours: HoursMode = Field(
        HoursMode.ALWAYS,
        description="`always`; `defer` holds out-of-hours notifications until the next working "
        "start; `working_hours_only` never notifies out of hours and counts delays in working "
        "time.",
    )
    steps: list[StepSpec] = Field(default_factory=list, max_length=50)
    repeat: int = Field(
        0, ge=0, le=20, description="Run the steps again this many times while unacknowledged."
    )


class UpdatesSpec(Strict):
    every: PositiveDuration = Field(description="Expected time between status updates.")


class UpgradeSpec(Strict):
    after: PositiveDuration = Field(
        description="Unresolved for this long, the incident is upgraded."
    )
    counting: Counting = Field(Counting.WALL_CLOCK, description="`wall_clock` or `working_time`.")
    to: Id = Field(description="The severity id it becomes.")
    when_worked_on: WhenWorkedOn = Field(
        WhenWorkedOn.PROPOSE,
        description="When the incident is acknowledged and its people posted an update within "
        "the level's cadence: `propose` asks the commander (else the engineering manager) to "
        "accept or decline the upgrade, and nobody answering means no upgrade; `upgrade` "
        "upgrades it anyway.",
    )
    near_closing: Duration = Field(
        "1h",
        description="With `counting: working_time`, an upgrade that falls at closing time or "
        "this long before it takes effect at the next working start; `0s` lets it take effect "
        "at once.",
    )


class PostmortemSpec(Strict):
    required: bool = True
    due_within: PositiveDuration = Field("5d", description="Due this long after resolution.")


class SeveritySpec(Strict):
    id: Id = Field(description="Stable id used by the API and CLI, such as `sev2`.")
    name: ShortText = Field(description="Name people read, such as `Sev2 - Major`.")
    definition: Text
    examples: list[Text] = Field(default_factory=list, max_length=100)
    typical_response: Text
    response: ResponseSpec = Field(default_factory=lambda: ResponseSpec())
    updates: UpdatesSpec | None = None
    upgrade: UpgradeSpec | None = None
    required_roles: list[Role] = Field(
        default_factory=list, description="Incident roles that must be assigned."
    )
    postmortem: PostmortemSpec | None = None
    urgent: bool | None = Field(
        None,
        description="Never held behind a less severe level's notification to the same person: "
        "a call for this level goes out at once, and pages waiting for that person ride along. "
        "Default: true for the first (most severe) level only.",
    )
    fresh_acknowledgement: bool = Field(
        False,
        description="An incident upgraded to this level needs a new acknowledgement: its steps "
        "page people even if someone acknowledged the level below. Default: the acknowledgement "
        "is kept, and the timeline says so.",
    )


class AnswerSpec(Strict):
    label: ShortText
    examples: list[Text] = Field(default_factory=list, max_length=50)
    next: Id | None = Field(None, description="The id of the next question.")
    severity: Id | None = Field(None, description="The severity this answer leads to.")
    not_an_incident: bool = Field(False, description="This answer means: file a ticket.")


class QuestionSpec(Strict):
    id: Id
    text: Text
    help: str = Field("", max_length=10_000)
    answers: list[AnswerSpec] = Field(min_length=2, max_length=20)


class GuideSpec(Strict):
    start: Id = Field(description="The id of the first question.")
    questions: list[QuestionSpec] = Field(min_length=1, max_length=100)


class DefaultsSpec(Strict):
    calendar: Id | None = Field(None, description="Calendar for teams that name none.")


class AlertRuleSpec(Strict):
    match: dict[str, Annotated[str, StringConstraints(max_length=1024)]] = Field(
        default_factory=dict,
        max_length=20,
        description="Every key must equal: `severity` (as the sender said it), `service`, "
        "`source`, `group`, or `labels.NAME`. Empty: every alert.",
    )
    severity: Id | None = Field(None, description="Page at this level instead.")
    service: Id | None = Field(None, description="The alert belongs to this service instead.")
    record_only: bool = Field(False, description="Store the alert; page nobody.")

    @model_validator(mode="after")
    def _does_something(self) -> AlertRuleSpec:
        if self.severity is None and self.service is None and not self.record_only:
            raise ValueError("a rule needs severity, service or record_only: true")
        if self.record_only and self.severity is not None:
            raise ValueError("a rule cannot both page at a severity and be record_only")
        for key in self.match:
            if key not in ALERT_MATCH_KEYS and not key.startswith("labels."):
                raise ValueError(
                    f"match key {key!r}: use severity, service, source, group or labels.NAME"
                )
        return self


ALERT_MATCH_KEYS = ("severity", "service", "source", "group")


Path = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,9}$")]


class ResolvedWhenSpec(Strict):
    path: Path
    equals: Annotated[str, StringConstraints(max_length=200)]


class WebhookMappingSpec(Strict):
    id: Id
    dedup_key: Path = Field(description="Where the alert's identity is, e.g. `monitor.id`.")
    summary: Path = Field(description="Where its title is.")
    source: Path | None = None
    severity: Path | None = Field(
        None, description="Where its severity is (critical, error, warning, info, or a level)."
    )
    group: Path | None = None
    resolved_when: ResolvedWhenSpec | None = Field(
        None, description="The body resolves the alert when this field equals this value."
    )


class AlertsSpec(Strict):
    webhooks: list[WebhookMappingSpec] = Field(
        default_factory=list,
        max_length=100,
        description="Field mappings for generic JSON webhooks (`--kind generic --mapping ID`).",
    )
    rules: list[AlertRuleSpec] = Field(
        default_factory=list,
        max_length=200,
        description="Checked in order; the first rule that matches an alert decides.",
    )
    group_window: PositiveDuration = Field(
        "4h", description="A new alert joins its group's open incident if one was seen within this."
    )


class IncidentChannelSpec(Strict):
    levels: list[Id] = Field(
        min_length=1,
        max_length=20,
        description="The levels whose incidents get a Slack channel of their own, e.g. "
        "`[sev1, sev2]`. An incident keeps its channel when its level changes.",
    )
    prefix: str = Field(
        "inc",
        pattern=r"^[a-z0-9][a-z0-9_-]{0,19}$",
        description="How channel names start: `inc` gives `#inc-42-checkout-down`.",
    )
    archive_when_closed: bool = Field(
        True,
        description="Archive the incident's channel when the incident is closed or declined.",
    )


class SlackSpec(Strict):
    thread_replies_acknowledge: bool = Field(
        True,
        description="A person's reply in the thread of Radar's Slack message about an incident "
        "(or in the incident's own channel) acknowledges it (bots and edits do not count).",
    )
    incident_channel: IncidentChannelSpec | None = Field(
        None,
        description="A Slack channel per incident: created when an incident of these levels is "
        "declared (or reaches one), the people it concerns invited, its topic kept current, "
        "status updates posted there.",
    )


class PolicyFile(Strict):
    """The whole file. Severities are listed from the most to the least severe."""

    version: int = Field(1, ge=1, le=1, description="Format version of this file.")
    incident: IncidentSection
    defaults: DefaultsSpec = Field(default_factory=lambda: DefaultsSpec())
    calendars: dict[Id, CalendarSpec] = Field(default_factory=dict, max_length=100)
    people: list[PersonSpec] = Field(default_factory=list, max_length=10_000)
    teams: list[TeamSpec] = Field(default_factory=list, max_length=1_000)
    services: list[ServiceSpec] = Field(default_factory=list, max_length=10_000)
    severities: list[SeveritySpec] = Field(min_length=1, max_length=20)
    guide: GuideSpec | None = None
    alerts: AlertsSpec = Field(default_factory=lambda: AlertsSpec())
    slack: SlackSpec = Field(default_factory=lambda: SlackSpec())
