"""What a browser downloads for a page (issue 18): every stylesheet and script a page links,
as sent to a browser that accepts gzip, stays under 100 kB all together, so the room opens
fast on a phone on a poor connection. The static files go out compressed; the count is of the
bytes on the wire (``num_bytes_downloaded``), not of the files on disk.
"""

from __future__ import annotations

import re

import httpx
import pytest

from radar.bootstrap import Container
from radar.services.incidents import Declaration
from tests.support.radar import ANA

BUDGET = 100_000  # bytes, compressed, CSS and JS together, per page
ASSETS = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*rel="stylesheet"[^>]*\bhref)="(/static/[^"]+)"')
PAGES = ["/", "/incidents", "/incidents/INC-1", "/report", "/process", "/services", "/status"]


@pytest.mark.parametrize("path", PAGES)
def test_the_css_and_js_of_a_page_weigh_under_100_kb_compressed(
    browser: httpx.Client, site: str, container: Container, path: str
) -> None:
    container.incidents.declare(ANA, Declaration("Checkout returns 500", "checkout", "sev1"))
    html = browser.get(path)
    assert html.status_code == 200
    assets = sorted(set(ASSETS.findall(html.text)))
    assert any(a.endswith(".css") for a in assets), assets  # the count would mean nothing
    assert any(a.endswith(".js") for a in assets), assets
    sent = 0
    for asset in assets:
        with httpx.stream("GET", site + asset, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.status_code == 200, asset
            body = response.read()
            if len(body) >= 1024:
                assert response.headers.get("content-encoding") == "gzip", asset
            sent += response.num_bytes_downloaded
    assert sent < BUDGET, f"{path}: {sent} bytes of CSS and JS, compressed: {assets}"
