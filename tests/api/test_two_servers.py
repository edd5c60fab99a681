"""A team server runs several `vfb serve` processes on one database and one footage folder: what
one process decides about a recording or a viewing, every other one respects (nothing that must
be shared lives in one process's memory)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.support import Family, RunningServer, bearer
from tests.support.media import Samples


@pytest.fixture
def clients() -> Iterator[ExitStack]:
    """Where the test's clients are kept, to be closed after it."""
    with ExitStack() as stack:
        yield stack


def signed_in(
    servers: list[RunningServer], username: str, clients: ExitStack
) -> list[httpx.Client]:
    """A client of each server, with a token the first one gave (any of them honours it)."""
    auth = bearer(servers[0].base, username)
    return [
        clients.enter_context(httpx.Client(base_url=s.base, headers=auth, timeout=60))
        for s in servers
    ]


@pytest.fixture
def two_servers(tmp_path: Path, database_url: str) -> Iterator[list[RunningServer]]:
    """Two server processes on the test's database and data folder."""
    with RunningServer(tmp_path, database_url) as one, RunningServer(tmp_path, database_url) as two:
        yield [one, two]


def test_a_recording_whose_chunks_race_between_two_servers_keeps_every_byte_once(
    two_servers: list[RunningServer], family: Family, samples: Samples, clients: ExitStack
) -> None:
    servers = signed_in(two_servers, "worker_a1", clients)
    source = samples.get("browser.webm").read_bytes()
    size = -(-len(source) // 24)
    pieces = [source[i : i + size] for i in range(0, len(source), size)]
    started = servers[0].post(
        f"/api/sessions/{family.session}/recordings", json={"mime_type": "video/webm"}
    )
    assert started.status_code == 201, started.text
    recording = started.json()["id"]

    def send(server: int, index: int) -> httpx.Response:
        return servers[server].put(
            f"/api/recordings/{recording}/chunks/{index}",
            content=pieces[index],
            headers={"content-type": "application/octet-stream"},
        )

    # Each chunk is sent to both servers at once, three times (a phone that resends when an answer
    # is slow), and the next is sent as soon as one answer says this one is kept: late copies of a
    # chunk arrive while the next is being stored, at the other process.
    late: list[Future[httpx.Response]] = []
    with ThreadPoolExecutor(6) as pool:
        for index in range(len(pieces)):
            copies = [pool.submit(send, (index + n) % 2, index) for n in range(3)]
            first = next(c.result() for c in copies if c.result().status_code == 200)
            assert first.json()["chunks"] == index + 1
            late += copies
        answers = [c.result() for c in late]
    assert {a.status_code for a in answers} == {200}, [a.text for a in answers if a.is_error]
    finished = servers[1].post(f"/api/recordings/{recording}/finish")
    assert finished.status_code == 201, finished.text
    clip = finished.json()
    kept = (
        two_servers[0].data_dir / "media" / family.programme / "clips" / clip["id"] / "source.webm"
    )
    assert kept.read_bytes() == source  # every byte once, in order
    again = servers[0].post(f"/api/recordings/{recording}/finish")  # the other process agrees
    assert again.status_code == 201 and again.json()["id"] == clip["id"]


def test_a_viewing_asked_of_two_servers_at_once_is_recorded_once(
    two_servers: list[RunningServer], samples: Samples, family: Family, clients: ExitStack
) -> None:
    servers = signed_in(two_servers, "worker_a1", clients)
    with samples.get("indexed.mp4").open("rb") as file:
        imported = servers[0].post(
            f"/api/sessions/{family.session}/clips",
            files={"file": ("visit.mp4", file, "video/mp4")},
        )
    assert imported.status_code == 201, imported.text
    clip = imported.json()["id"]
    for _ in range(600):
        if servers[1].get(f"/api/clips/{clip}").json()["status"] == "ready":
            break
        time.sleep(0.1)

    def watch(n: int) -> int:
        asked = servers[n % 2].get(f"/api/clips/{clip}/media", headers={"range": f"bytes={n}-"})
        return asked.status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(watch, range(8))) == {206}
    manager = signed_in(two_servers, "manager_a", clients)[1]
    rows = manager.get("/api/audit", params={"action": "clip.stream", "limit": "500"}).json()
    views = [r for r in rows["data"] if r["target_id"] == clip]
    assert len(views) == 1, views
