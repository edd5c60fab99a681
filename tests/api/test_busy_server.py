"""A server under load: a request that has checked access gives its database connection back while
a long body arrives (an import, a recording's chunk), and one that finds every connection in use
is answered 503 with when to try again, in plain words, never 500."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import text

from tests.support import Databases, ServedInProcess
from tests.support.browser import make_child


@pytest.fixture
def database_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    url = databases.fresh(tmp_path)
    yield url
    databases.drop(url)


def test_a_server_with_every_connection_in_use_answers_503_and_when_to_try_again(
    tmp_path: Path, database_url: str
) -> None:
    with ServedInProcess(
        tmp_path, database_url, database_connections=2, database_wait_seconds=0.3
    ) as served:
        child = make_child(served.base)
        me = f"{served.base}/api/users/me"
        headers = {"Authorization": child["auth"]}
        held = [served.engine.connect() for _ in range(2)]
        try:
            for connection in held:
                connection.execute(text("SELECT 1"))
            busy = httpx.get(me, headers=headers, timeout=10)
        finally:
            for connection in held:
                connection.close()
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "2"
        assert busy.json()["error"] == "busy"
        assert "nothing was changed" in busy.json()["detail"]
        assert httpx.get(me, headers=headers, timeout=10).status_code == 200


def test_a_chunk_still_arriving_holds_no_database_connection(
    tmp_path: Path, database_url: str
) -> None:
    """With one connection for the whole server, a chunk whose body takes two seconds to arrive
    does not keep another request waiting (it held the connection through its body before)."""
    with ServedInProcess(
        tmp_path, database_url, database_connections=1, database_wait_seconds=1
    ) as served:
        child = make_child(served.base)
        headers = {"Authorization": child["auth"]}
        started = httpx.post(
            f"{served.base}/api/sessions/{child['session']}/recordings",
            headers=headers,
            json={"mime_type": "video/webm"},
            timeout=10,
        )
        assert started.status_code == 201, started.text
        recording = started.json()["id"]
        arriving = threading.Event()

        def slowly() -> Iterator[bytes]:
            yield b"\x1a\x45\xdf\xa3" + bytes(64 * 1024)
            arriving.set()
            time.sleep(2)
            yield bytes(64 * 1024)

        answers: list[httpx.Response] = []
        put = f"{served.base}/api/recordings/{recording}/chunks/0"
        sender = threading.Thread(
            target=lambda: answers.append(
                httpx.put(put, headers=headers, content=slowly(), timeout=30)
            )
        )
        sender.start()
        assert arriving.wait(10)
        time.sleep(0.2)  # the chunk's request is in, its body half here
        began = time.monotonic()
        other = httpx.get(f"{served.base}/api/users/me", headers=headers, timeout=10)
        waited = time.monotonic() - began
        sender.join(30)
        assert other.status_code == 200, other.text
        assert waited < 1
        assert answers and answers[0].status_code == 200, answers[0].text


def test_a_hundred_requests_at_once_are_all_answered(tmp_path: Path, database_url: str) -> None:
    """A finished route's connection is given back before its answer queues for a thread: 100
    recordings started in the same instant all start (they once held every connection while
    they queued, and 23 of them were answered 503)."""
    with ServedInProcess(tmp_path, database_url) as served:
        child = make_child(served.base)
        path = f"/api/sessions/{child['session']}/recordings"

        async def burst() -> list[int]:
            limits = httpx.Limits(max_connections=120)
            headers = {"Authorization": child["auth"]}
            async with httpx.AsyncClient(
                base_url=served.base, headers=headers, limits=limits, timeout=60
            ) as client:
                body = {"mime_type": "video/webm"}
                answers = await asyncio.gather(*(client.post(path, json=body) for _ in range(100)))
            return [answer.status_code for answer in answers]

        assert asyncio.run(burst()) == [201] * 100
