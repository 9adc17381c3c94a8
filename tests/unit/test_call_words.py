"""What a call says and what a text reads, for pages, drills, restricted incidents and bundles."""

from __future__ import annotations

from dataclasses import replace

from radar.domain.notification import DeliveryState, Notification, bundle
from radar.domain.response import Channel
from radar.notify.twilio import call_twiml, sms_text, spoken
from tests.conftest import START


def page(incident: int, subject: str, token: str | None = "signed") -> Notification:  # noqa: S107
    return Notification(
        id=incident,
        incident_id=incident,
        key=f"{incident}:1:step:sev2:1:0:engineering_manager",
        target="engineering_manager",
        address="laura",
        label="Laura Gómez (engineering manager, Payments)",
        channels=(Channel.PHONE,),
        subject=subject,
        body="Step 2 of Sev2 - Major: nobody has responded after 10 minutes",
        state=DeliveryState.PENDING,
        created_at=START,
        next_attempt_at=START,
        ack_token=token,
    )


def test_a_call_reads_the_page_and_offers_the_key() -> None:
    twiml = call_twiml(page(42, "INC-42 · Sev2 - Major · Checkout down"), "https://r/v/t")
    assert "This is Radar. INC-42. Sev2 - Major. Checkout down. Step 2" in twiml
    assert 'action="https://r/v/t"' in twiml
    assert twiml.count("Press 1 to acknowledge.") == 1


def test_a_drill_says_so_and_a_restricted_title_is_never_read() -> None:
    drill = spoken(page(1, "[DRILL] INC-1 · Sev1 - Critical · Fire drill"))
    assert drill.startswith("This is Radar. This is a drill. INC-1.")
    secret = spoken(page(2, "INC-2 · Sev1 - Critical · restricted incident, details in Radar"))
    assert "restricted incident, details in Radar" in secret


def test_a_bundle_is_read_as_several_pages_and_one_key_acknowledges_all() -> None:
    both = bundle((page(1, "INC-1 · Sev2 - Major · A"), page(2, "INC-2 · Sev2 - Major · B")))
    twiml = call_twiml(both, "https://r/v/t1~t2")
    assert "This is Radar, with 2 pages. INC-1." in twiml
    assert "Press 1 to acknowledge all." in twiml


def test_a_text_invites_a_reply_only_for_pages() -> None:
    text = sms_text(page(7, "INC-7 · Sev2 - Major · Checkout down"))
    assert text.endswith("Reply ACK INC-7 to acknowledge.")
    reminder = sms_text(replace(page(7, "INC-7 · Sev2 - Major · Checkout down"), ack_token=None))
    assert "Reply ACK" not in reminder


def test_without_a_keypress_url_the_call_only_speaks() -> None:
    twiml = call_twiml(page(3, "INC-3 · Sev2 - Major · X", token=None), None)
    assert "<Gather" not in twiml
