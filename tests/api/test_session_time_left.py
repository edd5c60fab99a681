"""How long a sign-in has left, told to the pages so they can warn before the idle limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support import SECRET, Caller, FakeClock
from tests.support.api import token_for
from vfb.api.app import create_app
from vfb.settings import Settings

MINUTE_MS = 60_000


def test_the_session_route_tells_the_idle_limit_and_the_time_left(
    client: TestClient, clock: FakeClock
) -> None:
    caller = Caller(client, token_for(client, "worker_a1"))
    clock.advance(seconds=20)  # under a minute: not written back, so 20 s are gone
    answer = caller.get("/api/auth/session")
    assert answer.status_code == 200
    body = answer.json()
    assert body["user"]["username"] == "worker_a1"
    assert body["idle_ms"] == 30 * MINUTE_MS
    assert body["ends_in_ms"] == 30 * MINUTE_MS - 20_000
    assert answer.headers["X-Session-Ends-In"] == str(30 * MINUTE_MS - 20_000)
    clock.advance(minutes=29)  # asking again is activity: the full limit again
    assert caller.get("/api/auth/session").json()["ends_in_ms"] == 30 * MINUTE_MS


def test_every_signed_in_answer_says_how_long_is_left(client: TestClient, clock: FakeClock) -> None:
    caller = Caller(client, token_for(client, "worker_a1"))
    clock.advance(seconds=30)
    assert caller.get("/api/users/me").headers["X-Session-Ends-In"] == str(30 * MINUTE_MS - 30_000)
    assert "X-Session-Ends-In" not in client.get("/api/users/me").headers  # not signed in


def test_the_time_left_is_capped_by_the_maximum_age(client: TestClient, clock: FakeClock) -> None:
    caller = Caller(client, token_for(client, "worker_a1"))
    for _ in range(24):  # busy all day: the idle limit never bites, the 12-hour age does
        clock.advance(minutes=29)
        left = caller.get("/api/auth/session").json()["ends_in_ms"]
        assert left <= 30 * MINUTE_MS
    assert 0 < left < 30 * MINUTE_MS


@pytest.fixture
def short_client(tmp_path: Path, database_url: str, clock: FakeClock) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=SECRET,
        session_idle_minutes=1,
    )
    application = create_app(settings, clock=clock)
    with TestClient(application, base_url="http://127.0.0.1") as test_client:
        yield test_client
    application.state.engine.dispose()


def test_stay_signed_in_refreshes_even_a_one_minute_limit(
    short_client: TestClient, clock: FakeClock
) -> None:
    """The warning comes 6 s before a 1-minute limit ends: asking then must keep the sign-in
    (a fixed 60 s between writes of last_seen_at would never refresh it)."""
    caller = Caller(short_client, token_for(short_client, "worker_a1"))
    clock.advance(seconds=54)
    assert caller.get("/api/auth/session").json()["ends_in_ms"] == MINUTE_MS
    clock.advance(seconds=54)
    assert caller.get("/api/users/me").status_code == 200  # 108 s after signing in
