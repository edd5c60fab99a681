"""A team server as several processes on one database, keeping footage in one folder they share
or in one object store (each process then with a folder of its own, as on machines of their
own): two `vfb serve` that make no media themselves, and two `vfb worker` that share the media
jobs through the database. Imports reach either server; a worker killed in the middle of a job
leaves it to the other, which finishes it; a reel asked of one server is made by whichever worker
is free."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support import (
    Caller,
    Family,
    RunningServer,
    RunningWorker,
    bearer,
    settings_for,
    start_upload,
)
from tests.support.api import mark, share_consent
from tests.support.media import Samples, lavfi_clip
from tests.support.object_store import Bucket
from vfb.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The test's own app (which sets the family up) makes no media either: only the workers do."""
    return settings_for(tmp_path, database_url, serve_media_jobs=False)


@pytest.fixture(params=["one folder", "object store"])
def team(
    tmp_path: Path, database_url: str, request: pytest.FixtureRequest
) -> Iterator[dict[str, Any]]:
    keeping: dict[str, str] = {}
    if request.param == "object store":
        bucket: Bucket = request.getfixturevalue("bucket")
        keeping = {name: str(value) for name, value in bucket.settings().items()}

    def folder(name: str) -> Path:
        if not keeping:
            return tmp_path  # one data folder, footage in it
        own = tmp_path / name
        own.mkdir()
        return own

    with ExitStack() as stack:
        servers = [
            stack.enter_context(
                RunningServer(folder(name), database_url, serve_media_jobs="false", **keeping)
            )
            for name in ("server-one", "server-two")
        ]
        workers = [
            stack.enter_context(
                RunningWorker(folder(name), database_url, name, media_jobs="1", **keeping)
            )
            for name in ("worker-one", "worker-two")
        ]
        auth = bearer(servers[0].base, "worker_a1")
        clients = [
            stack.enter_context(httpx.Client(base_url=s.base, headers=auth, timeout=60))
            for s in servers
        ]
        yield {"servers": servers, "workers": workers, "clients": clients, "store": keeping}


def until(what: str, found: Callable[[], Any], seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := found():
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}")


def test_two_servers_and_two_workers_share_the_work_and_a_killed_workers_job_is_finished(
    team: dict[str, Any],
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    tmp_path: Path,
    database_url: str,
) -> None:
    one, two = team["clients"]
    long_film = lavfi_clip(
        tmp_path / "long.avi", seconds=90, extra=("-c:v", "mjpeg", "-q:v", "5", "-c:a", "pcm_s16le")
    )

    def send(client: httpx.Client, path: Path, kind: str) -> str:
        with path.open("rb") as file:
            answer = client.post(
                f"/api/sessions/{family.session}/clips", files={"file": (path.name, file, kind)}
            )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    long_clip = send(one, long_film, "video/x-msvideo")
    short_clip = send(two, samples.get("indexed.mp4"), "video/mp4")

    database = create_engine(database_url)
    try:

        def claim_of(clip_id: str) -> str | None:
            claimed_by, status = _claim(database, clip_id)
            return claimed_by if status == "processing" else None

        by_pid = {worker.pid: worker for worker in team["workers"]}
        claimant = until("a worker to take the long film", lambda: claim_of(long_clip))
        pid = int(claimant.rsplit("-", 2)[1])
        assert pid in by_pid, claimant
        by_pid[pid].kill()  # in the middle of making it playable
        killed_at = time.monotonic()
        survivor = next(w for p, w in by_pid.items() if p != pid)
        taken = until(
            "the other worker to take it up",
            lambda: str(survivor.pid) in str(_claim(database, long_clip)[0]),
        )
        # taken up because its process is dead here, not after a minute of silence (STALE_CLAIM)
        assert taken and time.monotonic() - killed_at < 45

        def ready(client: httpx.Client, clip_id: str) -> dict[str, Any] | None:
            clip: dict[str, Any] = client.get(f"/api/clips/{clip_id}").json()
            assert clip["status"] != "failed", clip
            return clip if clip["status"] == "ready" else None

        finished = until("the other worker to finish it", lambda: ready(two, long_clip), 180)
        assert abs(finished["duration_ms"] - 90_000) <= 100 and finished["video_codec"] == "h264"
        assert until("the short clip", lambda: ready(one, short_clip))["duration_ms"] > 0
        assert str(survivor.pid) in str(_claim(database, long_clip)[0])
        played = one.get(f"/api/clips/{long_clip}/media", headers={"range": "bytes=0-99"})
        assert played.status_code == 206 and len(played.content) == 100

        # a reel asked of one server is made by the worker still running
        worker = as_("worker_a1")
        share_consent(worker, family)
        moment = mark(
            worker, short_clip, start_ms=1000, end_ms=2000, category="strengths",
            share_with_carer=True,
        )  # fmt: skip
        asked = two.post(
            f"/api/programmes/{family.programme}/reels", json={"moment_ids": [moment["id"]]}
        )
        assert asked.status_code == 202, asked.text
        reel_id = asked.json()["id"]

        def reel_ready() -> dict[str, Any] | None:
            reel: dict[str, Any] = one.get(f"/api/reels/{reel_id}").json()
            assert reel["status"] != "failed", reel
            return reel if reel["status"] == "ready" else None

        assert until("the reel", reel_ready)["size_bytes"] > 0
        if team["store"]:  # each live process let go of what it kept: none of it is on its disk
            for process in [*team["servers"], survivor]:
                left = [p for p in (process.data_dir / "media").rglob("*") if p.is_file()]
                assert left == [], left
    finally:
        database.dispose()


def _claim(database: Any, clip_id: str) -> tuple[str | None, str]:
    """Who holds the clip's claim, and its status, read from the database the processes share."""
    with database.connect() as connection:
        claimed_by, status = connection.execute(
            text("SELECT claimed_by, status FROM clip WHERE id = :id"), {"id": clip_id}
        ).one()
    return claimed_by, status


def test_a_worker_starting_leaves_another_servers_upload_alone(
    tmp_path: Path, database_url: str, family: Family, samples: Samples
) -> None:
    """A process starting sweeps away the `.part` files a crash left; one a live server on this
    machine is still writing (an import half sent) is not one of them."""
    film = samples.get("indexed.mp4").read_bytes()
    with RunningServer(tmp_path, database_url, serve_media_jobs="false") as server:
        auth = bearer(server.base, "worker_a1")
        media = server.data_dir / "media"
        connection, rest = start_upload(server.base, auth, family.session, film, len(film) // 2)
        with connection:
            until("the upload's .part file", lambda: list(media.rglob(".*.part")))
            with RunningWorker(tmp_path, database_url, "worker-late"):
                assert list(media.rglob(".*.part")), "the worker swept a live upload away"
                connection.sendall(rest)
                answer = b""
                while chunk := connection.recv(65536):
                    answer += chunk
        assert answer.startswith(b"HTTP/1.1 201"), answer[:300]
