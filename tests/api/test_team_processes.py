"""A team server as several processes on one database and one footage folder: two `vfb serve`
that make no media themselves, and two `vfb worker` that share the media jobs through the
database. Imports reach either server; a worker killed in the middle of a job leaves it to the
other, which finishes it; a reel asked of one server is made by whichever worker is free."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support import PASSWORD, SECRET, Caller, Family, RunningServer, RunningWorker
from tests.support.api import mark, share_consent
from tests.support.media import Samples, lavfi_clip
from vfb.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The test's own app (which sets the family up) makes no media either: only the workers do."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=SECRET,
        serve_media_jobs=False,
    )


@pytest.fixture
def team(tmp_path: Path, database_url: str) -> Iterator[dict[str, Any]]:
    with ExitStack() as stack:
        servers = [
            stack.enter_context(RunningServer(tmp_path, database_url, serve_media_jobs="false"))
            for _ in range(2)
        ]
        workers = [
            stack.enter_context(RunningWorker(tmp_path, database_url, name, media_jobs="1"))
            for name in ("worker-one", "worker-two")
        ]
        answer = httpx.post(
            f"{servers[0].base}/api/auth/token",
            data={"username": "worker_a1", "password": PASSWORD},
        )
        assert answer.status_code == 200, answer.text
        auth = {"authorization": f"Bearer {answer.json()['access_token']}"}
        clients = [
            stack.enter_context(httpx.Client(base_url=s.base, headers=auth, timeout=60))
            for s in servers
        ]
        yield {"servers": servers, "workers": workers, "clients": clients}


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
            with database.connect() as connection:
                row = connection.execute(
                    text("SELECT claimed_by, status FROM clip WHERE id = :id"), {"id": clip_id}
                ).one()
            return row[0] if row[1] == "processing" else None

        by_pid = {worker.pid: worker for worker in team["workers"]}
        claimant = until("a worker to take the long film", lambda: claim_of(long_clip))
        pid = int(claimant.rsplit("-", 2)[1])
        assert pid in by_pid, claimant
        by_pid[pid].kill()  # in the middle of making it playable
        killed_at = time.monotonic()
        survivor = next(w for p, w in by_pid.items() if p != pid)
        taken = until(
            "the other worker to take it up",
            lambda: str(survivor.pid) in _claimed_by(database, long_clip),
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
        assert str(survivor.pid) in (claim_of(long_clip) or _claimed_by(database, long_clip))
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
    finally:
        database.dispose()


def _claimed_by(database: Any, clip_id: str) -> str:
    with database.connect() as connection:
        found = connection.execute(
            text("SELECT claimed_by FROM clip WHERE id = :id"), {"id": clip_id}
        ).scalar()
    return str(found)


def test_a_worker_starting_leaves_another_servers_upload_alone(
    tmp_path: Path, database_url: str, family: Family, samples: Samples
) -> None:
    """A process starting sweeps away the `.part` files a crash left; one a live server on this
    machine is still writing (an import half sent) is not one of them."""
    film = samples.get("indexed.mp4").read_bytes()
    boundary = "vfb-half-sent"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="visit.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    with RunningServer(tmp_path, database_url, serve_media_jobs="false") as server:
        token = httpx.post(
            f"{server.base}/api/auth/token", data={"username": "worker_a1", "password": PASSWORD}
        ).json()["access_token"]
        request = (
            f"POST /api/sessions/{family.session}/clips HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nConnection: close\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(head) + len(film) + len(tail)}\r\n\r\n"
        ).encode()
        media = server.data_dir / "media"
        with socket.create_connection(("127.0.0.1", server.port)) as connection:
            connection.sendall(request + head + film[: len(film) // 2])
            until("the upload's .part file", lambda: list(media.rglob(".*.part")))
            with RunningWorker(tmp_path, database_url, "worker-late"):
                assert list(media.rglob(".*.part")), "the worker swept a live upload away"
                connection.sendall(film[len(film) // 2 :] + tail)
                answer = b""
                while chunk := connection.recv(65536):
                    answer += chunk
        assert answer.startswith(b"HTTP/1.1 201"), answer[:300]
