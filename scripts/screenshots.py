"""Screenshots of Radar's web UI for docs/web.md: the incident room, the dashboard and the
public status page, light and dark, at 1366x768 and 390x844 (what a person sees first, not the
whole page). Run ``make screenshots``, or ``.venv/bin/python scripts/screenshots.py``.

How, in order:

1. A fresh SQLite database in a temporary folder, made ready with the `radar` CLI as ``make run``
   does: ``radar db upgrade``, ``radar policy apply examples/policy.yaml``,
   ``radar user bootstrap-admin``. Then accounts for the policy's people who act, each with an
   API token, through the service the `radar user` and `radar token` commands call.
2. Radar's whole app (the API and the web UI) served by uvicorn on a free loopback port, in this
   process, on a frozen clock: the scene happens on Thursday 2026-11-26 between 19:02 and 22:40,
   Madrid time, whenever the script runs, so every time, age and countdown on the pictures is the
   same on every run. Between the scene's moments the clock moves to each time the engine has
   something due and the engine runs (as ``radar serve``'s engine would): the escalation steps,
   reminders and holds are Radar's own. Notifications go to a file in the temporary folder
   (``RADAR_NOTIFY_RECORD_FILE``), never to Slack, email, phones or webhooks, and every other
   ``RADAR_*`` variable of the caller's environment is ignored.
3. The scene, through the JSON API with each person's token (no SQL): a Sev2 on sign-in resolved
   two hours ago with a public summary, a Sev3 held for the morning, a Sev2 acknowledged with a
   commander, a communications lead and updates (one public), and a Sev1 "Checkout down" nobody
   has acknowledged yet.
4. Debian's Chromium through Playwright, signed in as David Costa (the Sev2's commander); the
   status page as the public sees it, signed out. The browser's zone is Europe/Madrid and its
   clock is fixed at the scene's time.

The pictures are written to docs/images/ only once all of them were taken. Any failure ends
the script with a message on stderr and exit code 1; the server, the browser and the temporary
folder go either way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
POLICY = ROOT / "examples" / "policy.yaml"
CHROMIUM = Path("/usr/bin/chromium")
ZONE = ZoneInfo("Europe/Madrid")
LOCALE = "en-GB"  # the browser names Madrid's zone "CET"

# --- What is taken (tests/unit/test_screenshots_doc.py checks docs/web.md against this) ------

PAGES = ("room", "dashboard", "status")
Theme = Literal["light", "dark"]
DEVICES: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
}
THEMES: tuple[Theme, ...] = ("light", "dark")


@dataclass(frozen=True)
class Shot:
    page: str  # one of PAGES
    device: str  # a key of DEVICES
    theme: Theme  # the browser's prefers-color-scheme

    @property
    def name(self) -> str:
        return f"{self.page}-{self.device}-{self.theme}.png"


SHOTS = tuple(Shot(p, d, t) for p in PAGES for d in DEVICES for t in THEMES)

# --- The scene ------------------------------------------------------------------------------

DAY = (2026, 11, 26)  # a Thursday; Madrid's office closes at 18:00
NOW = "22:40"  # when the pictures are taken
# The policy's people who act in the scene (accounts named as in examples/policy.yaml).
PEOPLE = {
    "ana": "Ana Torres",
    "sam": "Sam Ortega",
    "maria": "María Ruiz",
    "david": "David Costa",
    "lucia": "Lucía Prieto",
}
VIEWER = "david"  # who is signed in on the room and the dashboard
ROOM_TITLE = "Search shows out-of-date prices"
CHECKS = {  # a text each page must show, or the picture is of the wrong thing
    "room": ROOM_TITLE,
    "dashboard": "Checkout down",
    "status": ROOM_TITLE,
}


@dataclass(frozen=True)
class Step:
    """One thing a person does through the API at a time of the scene (Madrid, HH:MM)."""

    at: str
    who: str
    method: str
    path: str  # under /api/v1; "{n}" is the reference of the incident declared last
    body: dict[str, Any] | None = None


SCENE = (
    # INC-1, resolved two hours ago and on the status page's past incidents.
    Step(
        "19:02",
        "ana",
        "POST",
        "/incidents",
        {
            "title": "Some customers cannot sign in",
            "service": "accounts",
            "severity": "sev2",
            "description": "About one sign-in in five fails with 'session expired' since 18:50.",
        },
    ),
    Step("19:04", "sam", "POST", "/incidents/{n}/acknowledge"),
    Step("19:06", "sam", "PUT", "/incidents/{n}/roles/communications_lead", {"assignee": "ana"}),
    Step(
        "19:15",
        "ana",
        "POST",
        "/incidents/{n}/updates",
        {
            "message": "Some customers cannot sign in. We are investigating.",
            "visibility": "public",
            "status": "investigating",
        },
    ),
    Step(
        "19:41",
        "sam",
        "POST",
        "/incidents/{n}/updates",
        {
            "message": "One session-store node answers with stale data; replacing it.",
            "status": "identified",
        },
    ),
    Step(
        "20:31",
        "sam",
        "POST",
        "/incidents/{n}/resolve",
        {
            "summary": "Sign-in works again for everyone. A faulty session server was replaced.",
            "visibility": "public",
        },
    ),
    # INC-2: a Sev3 out of hours; its response waits for Friday 09:00.
    Step(
        "21:55",
        "lucia",
        "POST",
        "/incidents",
        {
            "title": "Product images missing in the Garden category",
            "service": "catalog",
            "severity": "sev3",
            "description": "Garden product pages show a grey box instead of photos.",
        },
    ),
    # INC-3: the room in the pictures.
    Step(
        "22:02",
        "maria",
        "POST",
        "/incidents",
        {
            "title": ROOM_TITLE,
            "service": "catalog",
            "severity": "sev2",
            "description": "Search results show yesterday's prices; product pages are right.",
        },
    ),
    Step("22:05", "david", "POST", "/incidents/{n}/acknowledge"),
    Step("22:06", "david", "PUT", "/incidents/{n}/roles/commander", {"assignee": "david"}),
    Step(
        "22:06", "david", "PUT", "/incidents/{n}/roles/communications_lead", {"assignee": "lucia"}
    ),
    Step(
        "22:10",
        "david",
        "POST",
        "/incidents/{n}/updates",
        {
            "message": "The price index stopped updating at 21:48; looking at the indexer.",
            "status": "investigating",
        },
    ),
    Step(
        "22:18",
        "lucia",
        "POST",
        "/incidents/{n}/updates",
        {
            "message": "Some prices in search results are out of date. Prices in the basket "
            "and at checkout are correct. We are working on a fix.",
            "visibility": "public",
            "status": "identified",
        },
    ),
    Step(
        "22:31",
        "david",
        "POST",
        "/incidents/{n}/updates",
        {"message": "Re-indexing started after restarting the indexer; about 40% done."},
    ),
    # INC-4: six minutes old, nobody has acknowledged it; Radar is calling people.
    Step(
        "22:34",
        "sam",
        "POST",
        "/incidents",
        {
            "title": "Checkout down",
            "service": "checkout",
            "severity": "sev1",
            "description": "Every payment fails with a 500 since 22:31; orders are lost.",
        },
    ),
)
ROOM_INCIDENT = 3  # INC-3


class Failed(Exception):
    """Why the screenshots could not be taken, in words."""


def at(hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(*DAY, hour, minute, tzinfo=ZONE).astimezone(UTC)


# --- Radar, ready and serving ---------------------------------------------------------------


def clean_environment() -> dict[str, str]:
    """This process's environment without any RADAR_* variable: no channel, database or
    admin name of the caller's reaches the scene."""
    for name in [n for n in os.environ if n.startswith("RADAR_")]:
        del os.environ[name]
    return dict(os.environ, COLUMNS="500")


def radar_cli(env: dict[str, str], *args: str) -> str:
    """``radar ARGS`` (the CLI next to this Python), its stdout; a failure raises."""
    exe = Path(sys.executable).with_name("radar")
    command = [str(exe), *args]  # our own CLI and arguments, no shell
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip()
        raise Failed(f"`radar {' '.join(args)}` failed (exit {done.returncode}): {said}")
    return done.stdout


def prepare(env: dict[str, str]) -> None:
    """What ``make run`` does before serving: migrate, apply the example policy, bootstrap the
    first admin."""
    radar_cli(env, "db", "upgrade")
    radar_cli(env, "policy", "apply", str(POLICY))
    if "First admin created" not in radar_cli(env, "user", "bootstrap-admin"):
        raise Failed("`radar user bootstrap-admin` made no admin on a fresh database")


def accounts(container: Any) -> tuple[dict[str, str], str]:
    """The people's accounts, as `radar user create` and `radar token create` make them (the
    same service calls, without a process each): each actor's API token, and the viewer's
    password (`radar user reset-password --generate`)."""
    from radar.domain.access import UserRole

    tokens = {}
    for username, name in PEOPLE.items():
        container.accounts.create_user(username, role=UserRole.RESPONDER, display_name=name)
        tokens[username] = container.accounts.create_token(username, name="screenshots").secret
    return tokens, container.accounts.reset_password(VIEWER)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` on a free loopback port until the block ends; its base URL."""
    import uvicorn

    from radar.server import SHUTDOWN_GRACE_SECONDS

    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        proxy_headers=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="radar-screenshots", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise Failed("Radar's server did not start on a loopback port")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SHUTDOWN_GRACE_SECONDS + 5)


class Scene:
    """Plays SCENE on the frozen clock, running the engine on the way as its worker would."""

    def __init__(self, container: Any, clock: Any, url: str, tokens: dict[str, str]) -> None:
        import httpx

        self.c = container
        self.clock = clock
        self.api = httpx.Client(base_url=f"{url}/api/v1", timeout=30)
        self.tokens = tokens

    def play(self) -> None:
        try:
            reference = ""
            for step in SCENE:
                self.until(at(step.at))
                answer = self.api.request(
                    step.method,
                    step.path.format(n=reference),
                    json=step.body,
                    headers={"Authorization": f"Bearer {self.tokens[step.who]}"},
                )
                if answer.is_error:
                    raise Failed(
                        f"{step.method} {step.path} at {step.at} as {step.who}: "
                        f"{answer.status_code} {answer.text}"
                    )
                if step.method == "POST" and step.path == "/incidents":
                    reference = answer.json()["reference"]
                self.run_engine()
            self.until(at(NOW))
        finally:
            self.api.close()

    def until(self, then: datetime) -> None:
        """Move the clock to ``then``, stopping at each moment the engine has work due."""
        if then < self.clock.now():
            raise Failed(f"the scene goes back in time to {then}")
        for _ in range(1000):
            self.run_engine()
            due = self.c.engine.next_due()
            if due is None or due > then:
                break
            self.clock.advance(max(due - self.clock.now(), timedelta(0)))
        else:
            raise Failed("the engine still had work due after 1000 passes")
        self.clock.advance(then - self.clock.now())
        self.run_engine()

    def run_engine(self) -> None:
        for _ in range(1000):
            if not (self.c.engine.fire_due() or self.c.engine.deliver_due("screenshots")):
                return
        raise Failed("the engine did not settle after 1000 passes")


# --- The browser ----------------------------------------------------------------------------


class Watch:
    """Script errors and Content-Security-Policy violations on the pages: each fails the run."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def page(self, context: Any) -> Any:
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        return page


PATHS = {"room": f"/incidents/INC-{ROOM_INCIDENT}", "dashboard": "/", "status": "/status"}


def take(url: str, password: str, out: Path) -> None:
    """Every shot of SHOTS into ``out``, each in a browser context of its own."""
    from playwright.sync_api import Error, sync_playwright

    watch = Watch()
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        except Error as e:
            raise Failed(f"Chromium did not start: {e.message}") from e
        try:
            try:
                session = sign_in(browser, url, password, watch)
            except Error as e:
                raise Failed(f"signing in as {VIEWER}: {e.message}") from e
            for shot in SHOTS:
                try:
                    shoot(browser, url, session, shot, out / shot.name, watch)
                except Error as e:
                    raise Failed(f"{shot.name}: {e.message}") from e
        finally:
            browser.close()
    if watch.problems:
        raise Failed("the pages reported problems:\n" + "\n".join(watch.problems))


def shoot(browser: Any, url: str, session: Any, shot: Shot, png: Path, watch: Watch) -> None:
    context = browser.new_context(
        base_url=url,
        viewport=DEVICES[shot.device],
        color_scheme=shot.theme,
        timezone_id=str(ZONE),
        locale=LOCALE,
        # the public status page as the public sees it: signed out
        storage_state=None if shot.page == "status" else session,
    )
    try:
        context.clock.set_fixed_time(at(NOW))
        page = watch.page(context)
        path = PATHS[shot.page]
        answer = page.goto(path, wait_until="load")
        if answer is None or answer.status != 200 or "/signin" in page.url:
            said = f"{answer.status} at {page.url}" if answer else "nothing"
            raise Failed(f"{shot.name}: {path} answered {said}")
        if page.get_by_text(CHECKS[shot.page]).count() == 0:
            raise Failed(f"{shot.name}: {path} does not show {CHECKS[shot.page]!r}")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=str(png), animations="disabled", caret="hide")
    finally:
        context.close()


def sign_in(browser: Any, url: str, password: str, watch: Watch) -> Any:
    """Sign in once as VIEWER; the session's cookies for the other contexts."""
    context = browser.new_context(base_url=url)
    try:
        page = watch.page(context)
        page.goto("/signin")
        page.get_by_label("Username").fill(VIEWER)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda u: "/signin" not in u, timeout=10_000)
        return context.storage_state()
    finally:
        context.close()


# --- The whole run --------------------------------------------------------------------------


def run(out: Path) -> list[Path]:
    if not CHROMIUM.exists():
        raise Failed(f"{CHROMIUM} is missing: install Debian's chromium (apt install chromium)")
    env = clean_environment()
    with tempfile.TemporaryDirectory(prefix="radar-screenshots-") as folder:
        tmp = Path(folder)
        env["RADAR_DATABASE_URL"] = f"sqlite:///{tmp / 'radar.db'}"
        prepare(env)

        from radar.bootstrap import build
        from radar.clock import FrozenClock
        from radar.server import create_app
        from radar.settings import Settings

        record = tmp / "notifications.jsonl"  # every notification, instead of sending it
        settings = Settings(
            database_url=env["RADAR_DATABASE_URL"],
            notify_record_file=str(record),
            log_level="warning",
        )
        clock = FrozenClock(at(SCENE[0].at) - timedelta(minutes=1))
        container = build(settings, clock=clock)
        try:
            tokens, password = accounts(container)
            with serving(create_app(container)) as url:
                Scene(container, clock, url, tokens).play()
                if not record.is_file() or not record.read_text().strip():
                    raise Failed("the engine notified nobody: the scene is not what it should be")
                taken = tmp / "shots"
                taken.mkdir()
                take(url, password, taken)
        finally:
            container.close()
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for shot in SHOTS:
            target = out / shot.name
            shutil.copyfile(taken / shot.name, target)
            written.append(target)
        return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=IMAGES, help=f"where the PNGs go (default: {IMAGES})"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        written = run(args.out)
    except Failed as e:
        print(f"screenshots: failed: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # anything else is a failure too, said in one line and a trace
        print(f"screenshots: failed: {type(e).__name__}: {e}", file=sys.stderr)
        import traceback

        traceback.print_exc()
        return 1
    size = sum(p.stat().st_size for p in written)
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(
        f"{len(written)} screenshots, {size / 1024:.0f} KiB, in {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
