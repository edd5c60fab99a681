"""Builds the FastAPI application from settings: database, clock, routes, errors, static files."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

import vfb
from vfb.api import errors, pages
from vfb.api.headers import SecurityHeaders
from vfb.api.routes import auth, children, programmes, teams_users
from vfb.clock import Clock, system_clock
from vfb.db import make_engine
from vfb.services.auth import SignInPolicy
from vfb.settings import Settings, ensure_data_dir, secret_key


def create_app(
    settings: Settings | None = None, *, clock: Clock = system_clock, engine: Engine | None = None
) -> FastAPI:
    """The app. Tests pass their own `clock`; the database must already be migrated."""
    settings = settings or Settings()
    ensure_data_dir(settings)
    app = FastAPI(
        title="vfb",
        version=vfb.__version__,
        description="Video feedback programmes: the programme record, fidelity and reporting.",
        docs_url=None,  # Swagger UI loads from a CDN: no network and our CSP forbid it
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.resolved_database_url)
    app.state.clock = clock
    app.state.key = secret_key(settings)
    app.state.policy = SignInPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )
    errors.install(app)
    for router in (auth.router, teams_users.router, children.router, programmes.router):
        app.include_router(router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.web_dir()), name="static")
    app.add_middleware(SecurityHeaders)
    return app
