"""Prometheus Alertmanager's webhook (payload version 4), and Grafana's (version 1), which
reuses its shape. Each alert in the group becomes one event keyed by its fingerprint: the whole
group arrives again on every interval, so applying it twice must change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from radar.domain.alerts import Action, Event
from radar.domain.errors import Forbidden, InvalidInput, Problem
from radar.integrations.parsing import json_object, timestamp

REPLAY_WINDOW = 300  # seconds a signed Grafana request stays acceptable


def parse(body: bytes) -> list[Event]:
    data = json_object(body)
    problems: list[Problem] = []
    alerts = data.get("alerts")
    if not isinstance(alerts, list):
        raise InvalidInput("alerts must be a list", field="alerts")
    group = str(data.get("groupKey") or "")[:1024]
    common = _strings(data.get("commonLabels"))
    external = str(data.get("externalURL") or "")
    events = []
    for n, alert in enumerate(alerts):
        if not isinstance(alert, dict):
            problems.append(Problem(f"alerts.{n}", "must be an object"))
            continue
        labels = {**common, **_strings(alert.get("labels"))}
        notes = _strings(alert.get("annotations"))
        fingerprint = alert.get("fingerprint")
        if not isinstance(fingerprint, str) or not fingerprint:
            # Older senders leave it out: the labels identify the alert.
            fingerprint = hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()
        status = alert.get("status")
        if status not in ("firing", "resolved"):
            problems.append(Problem(f"alerts.{n}.status", f"{status!r} is not firing or resolved"))
            continue
        links = [
            {"href": url, "text": name}
            for name, url in (
                ("Source", alert.get("generatorURL")),
                ("Dashboard", alert.get("dashboardURL")),
                ("Panel", alert.get("panelURL")),
                ("Silence", alert.get("silenceURL")),
                ("Alertmanager", external),
                ("Runbook", notes.get("runbook_url")),
            )
            if isinstance(url, str) and url
        ]
        events.append(
            Event(
                action=Action.TRIGGER if status == "firing" else Action.RESOLVE,
                dedup_key=fingerprint[:255],
                summary=(notes.get("summary") or labels.get("alertname") or fingerprint)[:1024],
                source=(labels.get("instance") or labels.get("job") or "")[:1024],
                severity=labels.get("severity") or labels.get("incident_severity") or "error",
                occurred_at=timestamp(alert.get("startsAt"), f"alerts.{n}.startsAt", problems),
                group=group,
                details={"annotations": notes, "values": alert.get("values") or {}},
                links=links,
                labels=labels,
            )
        )
    if problems:
        raise InvalidInput("; ".join(f"{p.field} {p.message}" for p in problems), problems=problems)
    return events


def verify_grafana(secret: str, body: bytes, signature: str, stamp: str | None, now: float) -> None:
    """Grafana's optional HMAC: hex SHA-256 over the body, or over ``"<unix>:<body>"`` when a
    timestamp header is sent, which must then be within five minutes of now."""
    message = body
    if stamp:
        # ASCII digits, and few: int() refuses other "digits" (²) and numbers over 4,300 digits.
        number = stamp.isascii() and stamp.isdigit() and len(stamp) <= 12
        if not number or abs(now - int(stamp)) > REPLAY_WINDOW:
            raise Forbidden("the request's timestamp is missing, malformed or too old")
        message = stamp.encode() + b":" + body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
        raise Forbidden("the request does not carry a valid Grafana signature")


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k)[:255]: str(v)[:2000] for k, v in value.items() if not str(k).startswith("__")}
