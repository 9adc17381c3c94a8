"""The whole HTTP application: the JSON API and the web UI, on one container."""

from __future__ import annotations

from fastapi import FastAPI

from radar.api.app import create_app as create_api
from radar.bootstrap import Container
from radar.web.app import mount


def create_app(container: Container) -> FastAPI:
    app = create_api(container)
    mount(app)
    return app
