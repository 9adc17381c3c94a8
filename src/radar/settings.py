"""Every setting Radar reads, in one list. Read once by the CLI (or a test) and passed to bootstrap.

Each field's description is the documentation: ``docs/configuration.md`` is checked against it.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from radar.domain.access import UserRole
from radar.domain.response import Channel, Target

DEFAULT_DATABASE_URL = "sqlite:///./radar.db"


def normalise_database_url(url: str) -> str:
    """Accept the short ``postgresql://`` / ``postgres://`` forms and use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def apprise_names(value: SecretStr) -> dict[str, list[str]]:
    """``RADAR_APPRISE_URLS`` as name -> URLs; a clear error for anything else."""
    text = value.get_secret_value().strip()
    if not text:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError('must be a JSON object: {"NAME": "URL" or ["URL", ...]}')
    out: dict[str, list[str]] = {}
    for name, urls in data.items():
        listed = [urls] if isinstance(urls, str) else urls
        if (
            not isinstance(listed, list)
            or not listed
            or not all(isinstance(u, str) and "://" in u for u in listed)
        ):
            raise ValueError(f"{name}: give an Apprise URL (scheme://...) or a list of them")
        out[str(name)] = listed
    return out


def proxy_networks(value: object) -> list[str]:
    """``RADAR_TRUSTED_PROXIES``: addresses and networks, separated by commas, each checked
    and written the standard way (``10.0.0.5``, ``10.1.0.0/16``)."""
    listed = value.split(",") if isinstance(value, str) else value
    if not isinstance(listed, list | tuple):
        raise ValueError("give addresses or networks separated by commas")
    return [_proxy(str(item).strip()) for item in listed if str(item).strip()]


def _proxy(item: str) -> str:
    try:
        if "/" in item:
            return str(ipaddress.ip_network(item, strict=False))
        return str(ipaddress.ip_address(item))
    except ValueError:
        raise ValueError(
            f"{item[:60]!r} is not an IP address or network (10.0.0.5, 10.1.0.0/16)"
        ) from None


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _issuer_url(value: str) -> str:
    """An OpenID issuer: ``https://...``; plain ``http://`` only on this machine (tests)."""
    url = value.strip()
    parts = urlsplit(url)
    if (
        not url
        or parts.scheme == "https"
        or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)
    ):
        return url
    raise ValueError(
        "must be an https:// URL (the provider's issuer, as in its discovery document)"
    )


class Settings(BaseSettings):
    """Server-side settings, from ``RADAR_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", extra="ignore", frozen=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the database: `sqlite:///./radar.db` (embedded) or "
        "`postgresql+psycopg://user@host/db` (also accepted: `postgresql://...`).",
    )
    host: str = Field("127.0.0.1", description="Address `radar serve` listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port `radar serve` listens on.")
    public_url: str = Field(
        "",
        description="URL people use to reach Radar, for links in messages. "
        "Defaults to `http://HOST:PORT`.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` Radar "
        "believes, as IP addresses or networks separated by commas (`10.0.0.5, 10.1.0.0/16`). "
        "Empty: none; a request comes from the address that connected.",
    )
    log_level: str = Field("info", description="Log level: debug, info, warning or error.")
    sqlite_synchronous: str = Field(
        "FULL",
        description="SQLite `synchronous` pragma. `FULL` survives power loss; `NORMAL` is "
        "faster and survives a crash of Radar but not of the machine.",
    )
    db_pool_size: int = Field(
        10, ge=1, le=200, description="Database connections kept open per process."
    )
    worker_threads: int = Field(
        6,
        ge=1,
        le=200,
        description="Threads that run request handlers in `radar serve`. Few is faster: "
        "handlers hold Python's GIL, and the database driver hands it over on every step, so "
        "more threads mostly add hand-offs.",
    )
    token_cache_seconds: float = Field(
        5.0,
        ge=0,
        le=300,
        description="How long a checked API token or integration key is remembered in memory. "
        "One revoked through another process stops working within this time; 0 checks every "
        "request.",
    )
    notify_record_file: str = Field(
        "",
        description="Append every notification to this file as a JSON line instead of sending "
        "it: for drills, tests and benchmarks. Empty: notifications go through the configured "
        "channels.",
    )
    notify_lease_seconds: float = Field(
        30.0,
        ge=1,
        le=600,
        description="How long a worker's claim on a notification lasts without renewal. A live "
        "worker renews its claims every third of this time, however long a send takes; if it "
        "dies, another worker takes its notifications over once this time has passed.",
    )
    notify_senders: int = Field(
        4,
        ge=1,
        le=64,
        description="Notifications each worker sends at the same time. A slow channel holds one "
        "sender, never the timers nor the other senders. A worker that dies mid-send may "
        "leave this many sends to be repeated once by the worker that takes them over.",
    )
    slack_bot_token: SecretStr = Field(
        SecretStr(""),
        description="Slack bot token (`xoxb-...`) for messages to channels and people. Empty: "
        "Slack is not configured, and Slack notifications are recorded as not sent.",
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        description="Base URL of Slack's Web API (a test server, or a proxy).",
    )
    slack_signing_secret: SecretStr = Field(
        SecretStr(""),
        description="Signing secret of Radar's Slack app: every request from Slack (buttons, "
        "events) must carry a valid `X-Slack-Signature` made with it, within five minutes. "
        "Empty: Slack's requests are not accepted (404).",
    )
    slack_answer_within_seconds: float = Field(
        2.0,
        gt=0,
        le=2.5,
        description='How long `/radar` may work before Radar answers Slack "on it" and sends '
        "the real answer through the command's `response_url` when the work is done (Slack "
        "gives up after three seconds).",
    )
    smtp_host: str = Field("", description="SMTP server for email. Empty: email is not configured.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    smtp_username: str = Field("", description="SMTP login; empty: no login.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password.")
    smtp_from: str = Field("radar@localhost", description="Sender address of Radar's email.")
    smtp_starttls: bool = Field(
        True, description="Upgrade the SMTP connection with STARTTLS before logging in."
    )
    webhook_secret: SecretStr = Field(
        SecretStr(""),
        description="Secret that signs outgoing webhooks (HMAC-SHA256). Empty: webhooks are "
        "not configured, and webhook notifications are recorded as not sent.",
    )
    twilio_account_sid: str = Field(
        "",
        description="Twilio account SID (`AC...`) for phone calls and SMS. Empty: phone and "
        "SMS are not configured, and those notifications fall back or are recorded as not sent.",
    )
    twilio_auth_token: SecretStr = Field(
        SecretStr(""),
        description="Twilio auth token: signs Radar's API calls to Twilio and verifies "
        "Twilio's calls to Radar (`X-Twilio-Signature`).",
    )
    twilio_from_number: str = Field(
        "",
        description="The Twilio number Radar calls and texts from, in E.164 (`+34911000000`). "
        "Point its messaging webhook at `RADAR_PUBLIC_URL/integrations/twilio/sms` so that "
        "replies such as `ACK INC-42` acknowledge.",
    )
    twilio_api_url: str = Field(
        "https://api.twilio.com",
        description="Base URL of Twilio's REST API (a test server, or a proxy).",
    )
    apprise_urls: SecretStr = Field(
        SecretStr(""),
        description="Named Apprise URLs for `apprise:NAME` targets, as JSON: "
        '`{"teams-sre": "msteams://...", "ops-phones": ["ntfy://...", "pover://..."]}`. '
        "Kept here, not in the policy, because the URLs carry tokens.",
    )
    grafana_secret: SecretStr = Field(
        SecretStr(""),
        description="Shared secret of Grafana's webhook HMAC signature. Set: every request to "
        "/integrations/grafana/{key} must be signed (X-Grafana-Alerting-Signature, and "
        "X-Grafana-Alerting-Timestamp within five minutes). Empty: the integration key alone.",
    )
    notify_send_windows: dict[str, float] = Field(
        default_factory=lambda: {"phone": 60.0, "sms": 60.0, "slack": 1.0, "apprise": 1.0},
        description="At most one message per recipient per channel within this many seconds, as "
        'JSON (`{"phone": 60, "sms": 60, "slack": 1, "apprise": 1}`); what piles up meanwhile '
        "is sent as one message when the window reopens, never dropped, most severe first; an "
        "urgent level (Sev1) is never held behind a less severe one. `{}` turns it off.",
    )
    fallback_target: str = Field(
        "",
        description="Where Radar says so when a notification finally fails (after its retries "
        "and fallbacks): `slack:#channel`, `email:ADDRESS` or `webhook:https://URL`. Empty: the "
        "failure is only on the incident's timeline and in the log.",
    )
    admin_username: str = Field(
        "admin", description="Name of the first admin account `radar user bootstrap-admin` creates."
    )
    viewers_may_report: bool = Field(
        True,
        description="Whether viewers may report (declare) incidents, from the web UI or with a "
        "token. Everything else they may only read.",
    )
    oidc_issuer: str = Field(
        "",
        description="Issuer URL of an OpenID Connect provider for single sign-on "
        "(`https://login.example.com/realms/ops`); Radar reads "
        "`ISSUER/.well-known/openid-configuration`. Empty: single sign-on is off.",
    )
    oidc_client_id: str = Field(
        "", description="Radar's client id at the OpenID provider. Required with an issuer."
    )
    oidc_client_secret: SecretStr = Field(
        SecretStr(""),
        description="Radar's client secret at the OpenID provider. Required with an issuer.",
    )
    oidc_scopes: str = Field(
        "openid profile email",
        description="Scopes Radar asks the OpenID provider for, separated by spaces; `openid` is "
        "always included. Some providers need `groups` here to put groups in the ID token.",
    )
    oidc_username_claim: str = Field(
        "preferred_username",
        description="ID-token claim that gives the Radar username. It must follow Radar's "
        "username rule, and be one people cannot change for themselves.",
    )
    oidc_role_claim: str = Field(
        "groups",
        description="ID-token claim (a string or a list of strings) whose values "
        "`RADAR_OIDC_ROLES` maps to roles.",
    )
    oidc_roles: dict[str, UserRole] = Field(
        default_factory=dict,
        description="Claim values to Radar roles, as JSON: "
        '`{"sre": "responder", "radar-admins": "admin"}`. Applied at every sign-in; the '
        "highest mapped role wins.",
    )
    oidc_default_role: str = Field(
        "viewer",
        description="Role of a person none of whose claim values is mapped. Empty: such a "
        "person is refused.",
    )

    @field_validator("database_url")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> list[str]:
        return proxy_networks(value)

    @field_validator("notify_send_windows")
    @classmethod
    def _windows(cls, value: dict[str, float]) -> dict[str, float]:
        known = {c.value for c in Channel}
        for channel, seconds in value.items():
            if channel not in known:
                raise ValueError(f"unknown channel {channel!r}; channels are {sorted(known)}")
            if not 0 <= seconds <= 3600:
                raise ValueError(f"{channel}: seconds must be between 0 and 3600")
        return value

    @field_validator("apprise_urls")
    @classmethod
    def _apprise(cls, value: SecretStr) -> SecretStr:
        apprise_names(value)  # refuses a malformed value at start, naming the problem
        return value

    @field_validator("fallback_target")
    @classmethod
    def _fallback(cls, value: str) -> str:
        if not value:
            return value
        kind = value.partition(":")[0]
        if kind not in ("slack", "email", "webhook"):
            raise ValueError("must be slack:#channel, email:ADDRESS or webhook:https://URL")
        Target.parse(value)  # the same forms and checks as in the policy
        return value

    @field_validator("oidc_issuer")
    @classmethod
    def _oidc_issuer(cls, value: str) -> str:
        return _issuer_url(value)

    @field_validator("oidc_client_id", "oidc_client_secret")
    @classmethod
    def _oidc_client(cls, value: str | SecretStr, info: ValidationInfo) -> str | SecretStr:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if info.data.get("oidc_issuer") and not text.strip():
            raise ValueError("required when RADAR_OIDC_ISSUER is set")
        return value

    @field_validator("oidc_default_role")
    @classmethod
    def _oidc_default_role(cls, value: str) -> str:
        role = value.strip().lower()
        if role and role not in {r.value for r in UserRole}:
            raise ValueError("must be admin, responder, viewer, or empty (refuse)")
        return role

    @field_validator("sqlite_synchronous")
    @classmethod
    def _synchronous(cls, value: str) -> str:
        mode = value.upper()
        if mode not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError("must be OFF, NORMAL, FULL or EXTRA")
        return mode

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.lower()
        if level not in {"debug", "info", "warning", "error"}:
            raise ValueError("must be debug, info, warning or error")
        return level

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        path = self.database_url.split("///", 1)[-1]
        return None if path in ("", ":memory:") else Path(path)


class ClientSettings(BaseSettings):
    """Settings of the CLI client commands (`radar incident ...`)."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", extra="ignore", frozen=True)

    url: str = Field(
        "http://127.0.0.1:8080", description="Base URL of the Radar server the CLI talks to."
    )
    token: str = Field("", description="API token the CLI sends as `Authorization: Bearer ...`.")
    # Read by the global `--tz` option (cli/main.py, cli/times.py), which checks the name.
    tz: str = Field(
        "", description="IANA time zone the CLI shows times in; empty: the machine's own zone."
    )
