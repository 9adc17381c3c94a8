"""`radar policy check`'s findings: every mistake the issue lists, each at its file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from radar.domain.errors import PolicyError
from radar.policyfile import load

EXAMPLE = (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text()


def line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[nth - 1]


def errors(text: str) -> list[str]:
    with pytest.raises(PolicyError) as refused:
        load.load(text, "p.yaml")
    return [f"{p.field}: {p.message}" for p in refused.value.problems]


def warnings(text: str) -> list[str]:
    return [f"{w.field}: {w.message}" for w in load.inspect(text, "p.yaml").warnings]


def test_the_example_is_clean() -> None:
    assert warnings(EXAMPLE) == []


def test_unknown_key_with_did_you_mean() -> None:
    text = EXAMPLE.replace("    typical_response: Call", "    typical_respones: Call")
    line = line_of(text, "typical_respones")
    assert (
        f"p.yaml:{line}:5: unknown key 'severities.0.typical_respones'; did you mean "
        "'typical_response'?" in errors(text)
    )


def test_bad_duration() -> None:
    text = EXAMPLE.replace("every: 30m", "every: half an hour")
    line = line_of(text, "half an hour")
    assert any(
        e.startswith(f"p.yaml:{line}:14: severities.1.updates.every") and "10m" in e
        for e in errors(text)
    )


def test_step_naming_a_person_that_does_not_exist() -> None:
    text = EXAMPLE.replace(
        "            - target: team_lead\n              via: [phone, sms]",
        "            - target: person:saam\n              via: [phone, sms]",
    )
    line = line_of(text, "person:saam")
    assert f"p.yaml:{line}:23: unknown person 'saam'; did you mean 'sam'?" in errors(text)


def test_team_naming_a_person_that_does_not_exist() -> None:
    text = EXAMPLE.replace("engineering_manager: laura", "engineering_manager: lara")
    line = line_of(text, "engineering_manager: lara")
    assert f"p.yaml:{line}:26: unknown person 'lara'; did you mean 'laura'?" in errors(text)


def test_upgrade_cycle() -> None:
    text = EXAMPLE.replace(
        "    typical_response: Call the responsible engineering manager right away.",
        "    typical_response: Call the responsible engineering manager right away.\n"
        "    upgrade:\n      after: 1h\n      to: sev2",
    )
    found = errors(text)
    assert any("upgrade cycle: sev1 -> sev2 -> sev1" in e for e in found)


def test_upgrade_to_a_milder_level() -> None:
    text = EXAMPLE.replace("      to: sev1", "      to: sev4")
    found = errors(text)
    assert sum("sev2 upgrades to sev4, which is not more severe" in e for e in found) == 1
    assert sum("upgrade cycle" in e for e in found) == 1


def test_window_that_ends_before_it_starts() -> None:
    text = EXAMPLE.replace('fri: ["09:00-15:00"]', 'fri: ["15:00-09:00"]')
    line = line_of(text, "15:00-09:00")
    assert (
        f"p.yaml:{line}:13: window '15:00-09:00' ends before it starts; write "
        "15:00-09:00+1 for one that ends the next day" in errors(text)
    )


def test_service_without_an_owner() -> None:
    text = EXAMPLE.replace(
        "    owner: discovery\n    status_page_component: Emails",
        "    status_page_component: Emails",
    )
    line = line_of(text, "- id: notifications")
    assert (
        f"p.yaml:{line}:5: service 'notifications' has no owner; name the team that owns it "
        "(owner: TEAM)" in errors(text)
    )


def test_unknown_owner_team_and_calendar() -> None:
    text = EXAMPLE.replace("owner: discovery", "owner: discovery-team").replace(
        "calendar: madrid-office", "calendar: madrid"
    )
    found = errors(text)
    assert any("unknown team 'discovery-team'; did you mean 'discovery'?" in e for e in found)
    assert any("unknown calendar 'madrid'; did you mean 'madrid-office'?" in e for e in found)


def test_bad_timezone_and_holiday_region() -> None:
    text = EXAMPLE.replace(
        "timezone: Europe/Madrid\n    hours", "timezone: Europe/Madird\n    hours"
    )
    # A schema mistake stops the check before cross-references, so try the region on its own.
    assert any("IANA time zone" in e and "Europe/Madird" in e for e in errors(text))
    text = EXAMPLE.replace("subdivision: MD", "subdivision: XX")
    assert any("holidays: Entity `ES` does not have subdivision XX" in e for e in errors(text))


def test_channel_targets_only_use_their_own_channel() -> None:
    text = EXAMPLE.replace(
        '            - target: "slack:#radar"\n        - after: 10m',
        '            - target: "slack:#radar"\n              via: [phone]\n        - after: 10m',
    )
    assert any("slack:#radar can only be reached by slack" in e for e in errors(text))


def test_guide_mistakes() -> None:
    text = EXAMPLE.replace("          next: part", "          next: parts").replace(
        "          severity: sev3", "          severity: sev9"
    )
    found = errors(text)
    assert any("unknown question 'parts'; did you mean 'part'?" in e for e in found)
    assert any("unknown severity 'sev9'" in e for e in found)


def test_guide_loops_are_refused() -> None:
    text = EXAMPLE.replace("          next: part", "          next: harm")
    assert any("guide loops: harm -> many -> harm" in e for e in errors(text))


def test_all_mistakes_are_reported_at_once() -> None:
    text = EXAMPLE.replace("every: 30m", "every: soon").replace(
        "engineering_manager: laura", "engineering_manager: nobody"
    )
    # Schema mistakes stop before cross-references; each stage reports all it finds.
    assert len(errors(text)) == 1
    text = EXAMPLE.replace("engineering_manager: laura", "engineering_manager: nobody").replace(
        "owner: discovery", "owner: nobody"
    )
    assert len(errors(text)) == 3


def test_target_without_a_contact_for_its_channel_is_a_warning() -> None:
    text = EXAMPLE.replace('    phone: "+34600000002"\n', "")
    found = warnings(text)
    assert found
    assert all("sam has no phone" in w for w in found)
    assert load.load(text, "p.yaml")  # warnings do not refuse the file


def test_team_role_nobody_holds_is_a_warning() -> None:
    text = EXAMPLE.replace("    product_owner: lucia\n", "")
    assert any("team 'discovery' has no product_owner" in w for w in warnings(text))


def test_a_level_that_can_never_notify_is_a_warning() -> None:
    text = EXAMPLE.replace("    hours:\n", "    hours: {}\n", 1)
    for day in ("mon", "tue", "wed", "thu"):
        text = text.replace(f'      {day}: ["09:00-18:00"]\n', "")
    text = text.replace('      fri: ["09:00-15:00"]\n', "")
    found = warnings(text)
    assert any(
        "sev3 is defer but calendar 'madrid-office' has no working hours" in w for w in found
    )
    assert any("sev4 is working_hours_only" in w for w in found)


def test_only_24_00_may_end_a_day() -> None:
    text = EXAMPLE.replace('mon: ["09:00-18:00"]', 'mon: ["09:00-24:30"]')
    assert any("calendars.madrid-office.hours.mon.0" in e for e in errors(text))
    ok = EXAMPLE.replace('mon: ["09:00-18:00"]', 'mon: ["09:00-24:00"]')
    assert load.load(ok, "p.yaml").calendars["madrid-office"].weekly[0][0].next_day


def test_unknown_key_inside_a_calendar_gets_a_suggestion() -> None:
    text = EXAMPLE.replace("    holidays:\n      country", "    hollidays:\n      country")
    assert any(
        "'calendars.madrid-office.hollidays'; did you mean 'holidays'?" in e for e in errors(text)
    )


def test_webhook_is_a_target_of_its_own_not_a_channel_for_people() -> None:
    text = EXAMPLE.replace("via: [phone, sms, email]", "via: [phone, webhook]", 1)
    assert any(
        "engineering_manager has no webhook; name a webhook:https://URL target" in e
        for e in errors(text)
    )
    hook = EXAMPLE.replace(
        '            - target: "slack:#radar"\n        - after: 10m',
        '            - target: "slack:#radar"\n'
        '            - target: "webhook:https://hooks.example.com/radar"\n'
        "        - after: 10m",
    )
    sev2 = load.load(hook, "p.yaml").severity("sev2")
    assert [str(n.target) for n in sev2.response.steps[0].notify] == [
        "slack:#radar",
        "webhook:https://hooks.example.com/radar",
    ]
    assert [c.value for c in sev2.response.steps[0].notify[1].via] == ["webhook"]
    insecure = hook.replace("webhook:https://", "webhook:http://")
    assert any("unknown target 'webhook:http://" in e for e in errors(insecure))


@pytest.mark.parametrize("key", ["every: 30m", "after: 4h", "due_within: 5d"])
def test_zero_durations_are_refused_where_they_make_no_sense(key: str) -> None:
    name, _ = key.split(": ")
    assert any("longer than zero" in e for e in errors(EXAMPLE.replace(key, f"{name}: 0s")))
