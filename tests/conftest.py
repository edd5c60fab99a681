"""Fixtures: a fresh database per test (SQLite by default, PostgreSQL when VFB_TEST_DATABASE_URL is
set), a movable clock, the app, and callers signed in as each member of the standard cast."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import (
    PREPARED,
    Caller,
    Cast,
    Databases,
    FakeClock,
    Family,
    make_family,
    settings_for,
)
from tests.support.api import database_url  # noqa: F401 (fixture)
from tests.support.media import Samples
from vfb.api import create_app
from vfb.settings import Settings

for _name in [n for n in os.environ if n.startswith("VFB_") and n != "VFB_TEST_DATABASE_URL"]:
    del os.environ[_name]  # a developer's own settings must not leak into the tests
# Passwords hashed cheaply, in every Settings and every `vfb` process the tests start: the sign-in
# rules are the same at any cost (a stolen test database is worth nothing).
os.environ["VFB_PASSWORD_HASH_COST"] = "test"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    found = Databases(tmp_path_factory.mktemp("template"))
    yield found
    found.close()


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    """Generated media files, each made the first time a test asks for it; one folder for the
    whole run, shared by pytest-xdist's workers (each has its own temporary folder under it)."""
    run = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run = run.parent
    folder = run / "samples"
    folder.mkdir(exist_ok=True)
    return Samples(folder)


@pytest.fixture
def cast(databases: Databases) -> Cast:
    return databases.cast


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return settings_for(tmp_path, database_url)


@pytest.fixture
def app(settings: Settings, clock: FakeClock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def as_(client: TestClient, cast: Cast) -> Callable[[str], Caller]:
    """`as_("worker_a1")`: a caller signed in as that member of the cast."""
    return lambda username: Caller(client, cast.tokens[username])


@pytest.fixture
def family(as_: Callable[[str], Caller], request: pytest.FixtureRequest) -> Family:
    """One child of worker_a1 with a carer, an assessment, a programme, filming consent and a
    held session (already in the database when the test's `database_url` was prepared)."""
    prepared = request.node.stash.get(PREPARED, None)
    if isinstance(prepared, Family):
        return replace(prepared)
    return make_family(as_("worker_a1"))
