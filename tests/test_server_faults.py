"""A real `vfb serve` killed (SIGKILL) or abandoned in the middle of an upload: the worker's
other footage is untouched, nothing half-received becomes a clip, and the next start tidies up."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.media import Samples
from tests.support import PASSWORD, RunningServer, child_body, session_body

BOUNDARY = "vfbtestboundary"


@pytest.fixture
def running(tmp_path: Path, database_url: str) -> Iterator[RunningServer]:
    with RunningServer(tmp_path, database_url) as server:
        yield server


def signed_in(base: str) -> dict[str, str]:
    answer = httpx.post(
        f"{base}/api/auth/token", data={"username": "worker_a1", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def filmed_session(base: str, auth: dict[str, str]) -> str:
    def post(path: str, body: dict[str, object]) -> str:
        answer = httpx.post(f"{base}{path}", json=body, headers=auth)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    child = post("/api/children", child_body())
    carer = post(
        "/api/carers", {"child_id": child, "display_name": "Sam", "relationship": "birth_parent"}
    )
    programme = post(
        "/api/programmes", {"child_id": child, "offered_on": "2026-01-05", "carer_ids": [carer]}
    )
    scope = {"programme_id": programme, "carer_id": carer, "given_on": "2026-01-05"}
    post("/api/consents", scope | {"scope": "filming"})
    return post(f"/api/programmes/{programme}/sessions", session_body())


def half_an_upload(base: str, auth: dict[str, str], session: str, size: int) -> socket.socket:
    """Open an upload of `size` bytes and send only its first half."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="visit.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    request = (
        f"POST /api/sessions/{session}/clips HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {auth['Authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(head) + size + len(tail)}\r\n\r\n"
    ).encode()
    port = int(base.rsplit(":", 1)[1])
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(request + head + b"\0" * (size // 2))
    return connection


def partial_files(data_dir: Path) -> list[Path]:
    return list((data_dir / "media").rglob(".*.part")) if (data_dir / "media").exists() else []


def wait_for(condition: object, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_server_killed_mid_upload_leaves_no_clip_and_tidies_up_on_restart(
    running: RunningServer, samples: Samples
) -> None:
    auth = signed_in(running.base)
    session = filmed_session(running.base, auth)
    safe = samples.get("indexed.mp4")
    with safe.open("rb") as f:
        kept = httpx.post(
            f"{running.base}/api/sessions/{session}/clips",
            files={"file": ("kept.mp4", f, "video/mp4")},
            headers=auth,
        ).json()
    connection = half_an_upload(running.base, auth, session, 4 << 20)
    wait_for(lambda: any(p.stat().st_size > 0 for p in partial_files(running.data_dir)))
    running.kill()
    connection.close()
    assert partial_files(running.data_dir)  # what the crash left behind
    running.start()
    wait_for(lambda: not partial_files(running.data_dir))
    auth = signed_in(running.base)
    clips = httpx.get(f"{running.base}/api/sessions/{session}/clips", headers=auth).json()
    assert [c["id"] for c in clips] == [kept["id"]]  # the footage already safe is untouched
    wait_for(
        lambda: (
            httpx.get(f"{running.base}/api/clips/{kept['id']}", headers=auth).json()["status"]
            == "ready"
        ),
        timeout=60,
    )
    ready = httpx.get(f"{running.base}/api/clips/{kept['id']}", headers=auth).json()
    media = httpx.get(f"{running.base}/api/clips/{kept['id']}/media", headers=auth)
    assert media.status_code == 200
    assert hashlib.sha256(media.content).hexdigest() == ready["sha256"]


def test_an_upload_abandoned_by_the_browser_is_removed_at_once(running: RunningServer) -> None:
    auth = signed_in(running.base)
    session = filmed_session(running.base, auth)
    connection = half_an_upload(running.base, auth, session, 2 << 20)
    wait_for(lambda: bool(partial_files(running.data_dir)))
    connection.close()  # the laptop's lid closed
    wait_for(lambda: not partial_files(running.data_dir))
    clips = httpx.get(f"{running.base}/api/sessions/{session}/clips", headers=auth).json()
    assert clips == []
    files = [p for p in (running.data_dir / "media").rglob("*") if p.is_file()]
    assert files == []
