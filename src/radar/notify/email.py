"""Email over SMTP (STARTTLS and login when configured), through aiosmtplib.

Each message has a text and an HTML part. All mail about one incident threads together: every
message refers to the same root ``Message-ID`` of the incident (``In-Reply-To`` and
``References``), which mail clients use to group a conversation.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from radar.domain.incident import reference_for
from radar.domain.notification import Notification
from radar.notify.base import DeliveryError, incident_link

TIMEOUT = 15.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = True


def thread_id(incident_id: int, domain: str) -> str:
    """The root Message-ID every message about this incident refers to."""
    return f"<incident-{incident_id}@{domain}>"


class EmailSender:
    def __init__(self, config: SmtpConfig, public_url: str) -> None:
        self._config = config
        self._public_url = public_url.rstrip("/")
        self._domain = config.sender.rpartition("@")[2] or "radar.local"

    def message(self, n: Notification, address: str) -> EmailMessage:
        link = incident_link(self._public_url, reference_for(n.incident_id))
        msg = EmailMessage()
        msg["From"] = self._config.sender
        msg["To"] = address
        msg["Subject"] = n.subject
        msg["Date"] = formatdate(localtime=False)
        # The same on every try of this notification: mail systems drop a repeat by it.
        digest = hashlib.sha256(n.idempotency_key.encode()).hexdigest()[:32]
        msg["Message-ID"] = f"<radar-{digest}@{self._domain}>"
        root = thread_id(n.incident_id, self._domain)
        msg["In-Reply-To"] = root
        msg["References"] = root
        msg["X-Radar-Key"] = n.idempotency_key
        ack = f"\nAcknowledge (one click, no login): {n.ack_url}\n" if n.ack_url else ""
        msg.set_content(f"{n.subject}\n\n{n.body}\n{ack}\n{link}\n")
        button = f'<p><a href="{html.escape(n.ack_url)}">Acknowledge</a></p>' if n.ack_url else ""
        msg.add_alternative(
            f"<p><strong>{html.escape(n.subject)}</strong></p><p>{html.escape(n.body)}</p>"
            f'{button}<p><a href="{html.escape(link)}">{html.escape(link)}</a></p>',
            subtype="html",
        )
        return msg

    def send(self, notification: Notification, address: str) -> str | None:
        msg = self.message(notification, address)
        c = self._config
        try:
            asyncio.run(
                aiosmtplib.send(
                    msg,
                    hostname=c.host,
                    port=c.port,
                    username=c.username or None,
                    password=c.password or None,
                    start_tls=c.starttls,
                    timeout=TIMEOUT,
                )
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"SMTP refused {address}: {exc}", retryable=False) from None
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login failed: {exc.code}", retryable=False) from None
        except aiosmtplib.SMTPResponseException as exc:
            # 4xx is temporary by SMTP's own rules; 5xx is not.
            raise DeliveryError(f"SMTP {exc.code}", retryable=exc.code < 500) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP: {type(exc).__name__}") from None
        return str(msg["Message-ID"])
