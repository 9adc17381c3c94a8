"""Composition root: ``build(settings)`` wires every part once. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

from radar.clock import Clock, SystemClock
from radar.domain.response import Channel, Target
from radar.notify import slack, twilio
from radar.notify.apprise import AppriseSender
from radar.notify.base import Notifier
from radar.notify.email import EmailSender, SmtpConfig
from radar.notify.record import RecordNotifier
from radar.notify.router import Router, Sender
from radar.notify.slack import SlackSender
from radar.notify.twilio import SmsSender, VoiceSender
from radar.notify.webhook import WebhookSender
from radar.services.accounts import AccountService
from radar.services.ack_links import AckLinkService
from radar.services.audit import AuditService
from radar.services.board import BoardService
from radar.services.database import DatabaseService
from radar.services.engine import EngineService
from radar.services.health import HealthService
from radar.services.incidents import IncidentService
from radar.services.ingest import IngestService
from radar.services.notifications import NotificationService
from radar.services.phone import PhoneService
from radar.services.policies import PolicyService
from radar.services.sessions import SessionService
from radar.services.slack import SlackService
from radar.services.slack_directory import SlackDirectory
from radar.services.slack_pins import SlackPins
from radar.services.status import StatusService
from radar.services.triage import TriageService
from radar.services.wakeup import Waker
from radar.settings import Settings, apprise_names
from radar.store.db import Database, connect
from radar.store.uow import UnitOfWorkProvider


@dataclass
class Container:
    settings: Settings
    clock: Clock
    db: Database
    database: DatabaseService
    policies: PolicyService
    incidents: IncidentService
    accounts: AccountService
    health: HealthService
    triage: TriageService
    engine: EngineService
    notifications: NotificationService
    ack_links: AckLinkService
    phone: PhoneService
    slack: SlackService
    slack_pins: SlackPins
    sessions: SessionService
    board: BoardService
    ingest: IngestService
    audit: AuditService
    status: StatusService
    waker: Waker
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in self.closers:
            close()
        self.db.dispose()


def build(settings: Settings, *, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    db = connect(
        settings.database_url,
        pool_size=settings.db_pool_size,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    uow = UnitOfWorkProvider(db)
    policies = PolicyService(uow, clock)
    waker = Waker()
    closers: list[Callable[[], None]] = []
    notifier = _notifier(settings, closers)
    links = AckLinkService(uow, clock, policies, settings.effective_public_url)
    remembered = timedelta(seconds=settings.token_cache_seconds)
    incidents = IncidentService(uow, clock, policies, waker.wake)
    ingest = IngestService(uow, clock, policies, waker.wake, key_ttl=remembered)
    closers.append(ingest.close)  # before the database closes: it stores what is queued
    audit = AuditService(uow, clock)
    uow.before_commit = audit.stamp  # a request's audit line joins the change it made
    slack_token = settings.slack_bot_token.get_secret_value()
    directory = SlackDirectory(slack.email_lookup(slack_token, settings.slack_api_url), clock)
    return Container(
        settings=settings,
        clock=clock,
        db=db,
        database=DatabaseService(db),
        policies=policies,
        incidents=incidents,
        accounts=AccountService(
            uow, clock, remembered, viewers_may_report=settings.viewers_may_report
        ),
        health=HealthService(db, uow),
        triage=TriageService(policies),
        engine=EngineService(
            uow,
            clock,
            policies,
            notifier,
            lease=timedelta(seconds=settings.notify_lease_seconds),
            links=links,
            fallback=Target.parse(settings.fallback_target) if settings.fallback_target else None,
            windows={
                Channel(k): timedelta(seconds=v) for k, v in settings.notify_send_windows.items()
            },
            heartbeats=ingest,
        ),
        notifications=NotificationService(policies, notifier, clock),
        ack_links=links,
        phone=PhoneService(uow, clock, policies, links, waker.wake),
        slack=SlackService(
            uow,
            clock,
            policies,
            waker.wake,
            send_answer=slack.answer,
            incidents=incidents,
            open_view=slack.view_opener(slack_token, settings.slack_api_url),
            viewers_may_report=settings.viewers_may_report,
            directory=directory,
        ),
        slack_pins=SlackPins(
            uow,
            clock,
            policies,
            directory,
            slack.message_fetcher(slack_token, settings.slack_api_url),
        ),
        sessions=SessionService(uow, clock, viewers_may_report=settings.viewers_may_report),
        board=BoardService(uow, clock, policies),
        ingest=ingest,
        audit=audit,
        status=StatusService(uow, clock, policies),
        waker=waker,
        closers=closers,
    )


def configured_channels(settings: Settings) -> frozenset[Channel]:
    """The channels this server's settings enable (the record file stands in for them all)."""
    if settings.notify_record_file:
        return frozenset(Channel)
    enabled = {
        Channel.SLACK: bool(settings.slack_bot_token.get_secret_value()),
        Channel.EMAIL: bool(settings.smtp_host),
        Channel.WEBHOOK: bool(settings.webhook_secret.get_secret_value()),
        Channel.PHONE: _twilio_configured(settings),
        Channel.SMS: _twilio_configured(settings),
        Channel.APPRISE: bool(apprise_names(settings.apprise_urls)),
    }
    return frozenset(c for c, on in enabled.items() if on)


def _notifier(settings: Settings, closers: list[Callable[[], None]]) -> Notifier:
    """The record file when set (drills, tests, benchmarks); else every configured channel.
    A channel without settings is not configured: its notifications are recorded as not sent."""
    if settings.notify_record_file:
        return RecordNotifier(Path(settings.notify_record_file))
    senders: dict[Channel, Sender] = {}
    # Secrets stay wrapped (SecretStr) everywhere else, so settings never print them.
    token = settings.slack_bot_token.get_secret_value()
    if token:
        web = slack.client(token, settings.slack_api_url)
        # With a signing secret Radar's Slack app hears clicks: cards get action buttons.
        interactive = bool(settings.slack_signing_secret.get_secret_value())
        senders[Channel.SLACK] = SlackSender(
            web, settings.effective_public_url, interactive=interactive
        )
    if settings.smtp_host:
        smtp = SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls,
        )
        senders[Channel.EMAIL] = EmailSender(smtp, settings.effective_public_url)
    secret = settings.webhook_secret.get_secret_value()
    if secret:
        http = httpx.Client(follow_redirects=False)
        closers.append(http.close)
        senders[Channel.WEBHOOK] = WebhookSender(http, secret)
    if _twilio_configured(settings):
        made = twilio.client(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_api_url,
        )
        public = settings.effective_public_url
        senders[Channel.PHONE] = VoiceSender(made, settings.twilio_from_number, public)
        senders[Channel.SMS] = SmsSender(made, settings.twilio_from_number, public)
    named = apprise_names(settings.apprise_urls)
    if named:
        senders[Channel.APPRISE] = AppriseSender(named)
    return Router(senders)


def _twilio_configured(settings: Settings) -> bool:
    return bool(
        settings.twilio_account_sid
        and settings.twilio_auth_token.get_secret_value()
        and settings.twilio_from_number
    )
