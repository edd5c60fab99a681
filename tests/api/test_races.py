"""Edits and sign-ins that arrive at the same moment: the version check and the sign-in limit
are decided by the database in the write itself, so a burst of parallel requests cannot slip
past either (on SQLite with WAL and on PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.support import PASSWORD, Caller, Family, RunningServer
from tests.support.api import imported
from tests.support.media import Samples


@pytest.fixture
def ready_clip(family: Family, as_: Callable[[str], Caller], samples: Samples) -> Any:
    return imported(as_("worker_a1"), family.session, samples.get("indexed.mp4"))


def all_at_once(count: int, call: Callable[[int], Any]) -> list[Any]:
    """`call(0)` … `call(count - 1)` on their own threads, released together."""
    start = threading.Barrier(count)

    def run(n: int) -> Any:
        start.wait()
        return call(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_twenty_parallel_saves_of_one_version_have_exactly_one_winner(
    ready_clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    moment = worker.ok(
        "POST",
        f"/api/clips/{ready_clip['id']}/moments",
        201,
        json={"start_ms": 1000, "category": "strengths"},
    )
    path = f"/api/moments/{moment['id']}"
    answers = all_at_once(
        20, lambda n: worker.patch(path, json={"version": 1, "note": f"edit {n}"})
    )
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {200: 1, 409: 19}, statuses
    winner = next(a.json() for a in answers if a.status_code == 200)
    stored = worker.ok("GET", f"/api/clips/{ready_clip['id']}/moments")[0]
    assert stored["note"] == winner["note"] and stored["version"] == winner["version"] == 2


def burst(base: str, attempts: list[tuple[str, str]]) -> list[httpx.Response]:
    """Every (username, password) posted to a running server at once, each on its own
    connection."""

    def one(n: int) -> httpx.Response:
        username, password = attempts[n]
        return httpx.post(
            f"{base}/api/auth/token",
            data={"username": username, "password": password},
            timeout=120,
        )

    return all_at_once(len(attempts), one)


def test_a_burst_of_wrong_passwords_checks_at_most_the_limit(
    tmp_path: Path, database_url: str
) -> None:
    attempts = [("worker_a1", f"wrong {n}") for n in range(60)]
    attempts[30] = ("worker_a1", PASSWORD)  # the right password, in the middle of the burst
    with RunningServer(tmp_path, database_url) as server:
        answers = burst(server.base, attempts)
        statuses = Counter(a.status_code for a in answers)
        assert set(statuses) <= {200, 401, 429}, statuses
        checked = statuses[200] + statuses[401]
        # five failures lock the username; the right password, checked before the fifth, clears
        # the count, so up to four wrong ones before it and five after it are checked
        assert statuses[401] <= (9 if statuses[200] else 5), statuses
        assert statuses[429] == 60 - checked
        refused = next(a for a in answers if a.status_code == 429).json()["detail"]
        assert "Too many failed sign-ins for this username" in refused
        if statuses[200] == 0:  # the burst locked the username: the right password waits too
            late = httpx.post(
                f"{server.base}/api/auth/token",
                data={"username": "worker_a1", "password": PASSWORD},
            )
            assert late.status_code == 429


def test_spraying_many_usernames_from_one_address_is_throttled(
    tmp_path: Path, database_url: str
) -> None:
    attempts = [(f"guess{n}", "Summer2026!") for n in range(43)]
    with RunningServer(tmp_path, database_url) as server:
        answers = burst(server.base, attempts)
        statuses = Counter(a.status_code for a in answers)
        assert statuses == {401: 20, 429: 23}, statuses
        refused = next(a for a in answers if a.status_code == 429).json()["detail"]
        assert "from this network address" in refused and "Try again in 15 minutes" in refused
        late = httpx.post(
            f"{server.base}/api/auth/token", data={"username": "worker_a2", "password": PASSWORD}
        )
        assert late.status_code == 429
