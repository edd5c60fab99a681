"""Builds the FastAPI application from settings: database, clock, routes, errors, static files."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

import vfb
from vfb.api import errors, pages
from vfb.api.headers import SecurityHeaders
from vfb.api.limits import RequestSizeLimit
from vfb.api.logs import hide_share_tokens
from vfb.api.routes import (
    audit,
    auth,
    children,
    clips,
    field_laptops,
    moments,
    outcomes,
    programmes,
    reels,
    reports,
    share_links,
    teams_users,
    uploads,
    vocabulary,
)
from vfb.clock import Clock, local_now, system_clock
from vfb.db import make_engine
from vfb.security import passwords
from vfb.services.accounts.sign_in import SignInPolicy
from vfb.services.infra.footage_store import store_for
from vfb.services.infra.media_worker import media_jobs
from vfb.services.protection import audit_trail
from vfb.services.protection.audit_anchors import DailyAnchor, anchor_path
from vfb.services.protection.audit_keys import KeySource
from vfb.services.protection.retention import DailyPurge, retention_policy
from vfb.settings import Settings, ensure_data_dir, secret_key

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, clock: Clock = system_clock, engine: Engine | None = None
) -> FastAPI:
    """The app. Tests pass their own `clock`; the database must already be migrated."""
    settings = settings or Settings()
    ensure_data_dir(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if (problem := app.state.store.unreachable()) is not None:
            logger.error(problem)
        if settings.serve_media_jobs:  # else `vfb worker` processes make clips and reels
            app.state.jobs.start()  # carries on with any clip a restart interrupted
        app.state.purge.start()  # retention, once a day
        app.state.anchor.start()  # the audit chain's head outside the database, now and daily
        try:
            yield
        finally:
            app.state.anchor.stop()
            app.state.purge.stop()
            app.state.jobs.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="vfb",
        version=vfb.__version__,
        description="Video feedback programmes: the record, footage, fidelity and reporting.",
        docs_url=None,  # Swagger UI loads from a CDN: no network and our CSP forbid it
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(
        settings.resolved_database_url,
        connections=settings.database_connections,
        wait_seconds=settings.database_wait_seconds,
    )
    app.state.clock = clock
    audit_trail.use_keys(app.state.engine, KeySource(settings))
    app.state.key = secret_key(settings)
    app.state.policy = SignInPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
        passwords=passwords(settings.password_hash_cost),
        max_failures_per_address=settings.login_max_failures_per_address,
    )
    app.state.store = store_for(settings)
    app.state.jobs = media_jobs(
        app.state.engine, app.state.store, lambda: local_now(clock, settings.zone), settings
    )
    app.state.purge = DailyPurge(
        app.state.engine,
        app.state.store,
        lambda: local_now(clock, settings.zone),
        retention_policy(settings),
    )
    app.state.anchor = DailyAnchor(
        app.state.engine, anchor_path(settings), lambda: local_now(clock, settings.zone)
    )
    errors.install(app)
    hide_share_tokens()  # a share link's token is never written to a log
    for router in (
        auth.router,
        teams_users.router,
        children.router,
        programmes.router,
        moments.router,  # before clips: /clips/{id}/moments is not one of its review files
        clips.router,
        reels.router,
        reports.router,
        outcomes.router,
        audit.router,
        share_links.router,
        share_links.carer_router,
        vocabulary.router,
        uploads.router,
        field_laptops.router,
    ):
        app.include_router(router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.web_dir()), name="static")
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_kb * 1024)
    app.add_middleware(uploads.TusHeaders)
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, a refused one too
    return app
