"""What `vfb serve` runs: the app, on the settings' host and port, under uvicorn."""

from __future__ import annotations

import uvicorn
from sqlalchemy import Engine

from vfb.api.app import create_app
from vfb.settings import Settings


def web_server(settings: Settings, engine: Engine) -> uvicorn.Server:
    """The server `vfb serve` starts (`.run()` serves until Ctrl-C or `should_exit`), on a
    migrated database."""
    app = create_app(settings, engine=engine)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info")
    return uvicorn.Server(config)
