"""Benchmark: the CPU one page request costs, in-process, to compare two trees in the same run
(issue 18: "server time for the dashboard and the room at 10,000 incidents stays within 20 % of
today's figures").

``bench/web.py`` measures a real ``radar serve`` over loopback and wants a quiet machine; this
measures the same pages (``GET /``, ``GET /incidents/INC-n`` of open incidents drawn with a fixed
seed, ``GET /?severity=sev2``) in one process through Starlette's test client, as CPU time
(``time.process_time``), so that two trees can be run alternately against one database and
compared as a ratio even while the machine is busy::

    # a database bench/web.py prepared (10,000 incidents, 300 open), copied and migrated
    RADAR_DATABASE_URL=sqlite:////tmp/rb/radar.db .venv/bin/radar db upgrade
    for round in 1 2 3 4 5; do
      PYTHONPATH=/path/to/old/src python bench/web_cpu.py old-$round sqlite:////tmp/rb/radar.db
      PYTHONPATH=src .venv/bin/python bench/web_cpu.py new-$round sqlite:////tmp/rb/radar.db
    done

Each run prints one JSON line: milliseconds of CPU per request for each page (the test client's
own share included, the same for both trees). It signs in as bench/web.py's ``bench-web``.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
import warnings

from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from radar.bootstrap import build
from radar.server import create_app
from radar.settings import Settings

USERNAME = "bench-web"
PASSWORD = "bench web password, not a secret"  # bench/web.py's responder
WARMUP = 20


def main() -> None:
    label, url = sys.argv[1], sys.argv[2]
    requests = int(os.environ.get("N", "150"))
    warnings.simplefilter("ignore")
    os.environ["RADAR_DATABASE_URL"] = url
    client = TestClient(create_app(build(Settings())), base_url="http://127.0.0.1")
    form = client.get("/signin").text
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found, "no sign-in form"
    signed = client.post(
        "/signin",
        data={"csrf": found.group(1), "username": USERNAME, "password": PASSWORD, "then": "/"},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[:300]
    with create_engine(url).connect() as conn:
        open_ids = [
            i
            for (i,) in conn.execute(
                text(
                    "SELECT id FROM incidents WHERE status NOT IN"
                    " ('resolved', 'closed', 'declined') ORDER BY id"
                )
            )
        ]
    pick = random.Random(42)
    picks = [pick.choice(open_ids) for _ in range(requests + WARMUP)]
    pages = {
        "dashboard": lambda n: "/",
        "incident": lambda n: f"/incidents/INC-{picks[n]}",
        "dashboard sev2": lambda n: "/?severity=sev2",
    }
    out: dict[str, object] = {"label": label, "requests": requests}
    for name, path in pages.items():
        for n in range(WARMUP):
            assert client.get(path(n)).status_code == 200, path(n)
        started = time.process_time()
        for n in range(requests):
            answer = client.get(path(n))
            assert answer.status_code == 200, (path(n), answer.status_code)
        out[name] = round((time.process_time() - started) / requests * 1000, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
