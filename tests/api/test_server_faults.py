"""A real `vfb serve` killed (SIGKILL), abandoned in the middle of an upload or out of disk: the
worker's other footage is untouched, nothing half-received becomes a clip (nor leaves a folder),
the next start tidies up, and a full disk is said to be one, in plain words."""

from __future__ import annotations

import hashlib
import resource
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, text

from tests.support import (
    Caller,
    RunningServer,
    bearer,
    child_body,
    session_body,
    start_upload,
)
from tests.support.media import Samples


@pytest.fixture
def running(tmp_path: Path, database_url: str) -> Iterator[RunningServer]:
    with RunningServer(tmp_path, database_url) as server:
        yield server


def signed_in(base: str) -> dict[str, str]:
    return bearer(base, "worker_a1")


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
    connection, _rest = start_upload(base, auth, session, b"\0" * size, size // 2)
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


def folders(data_dir: Path) -> list[Path]:
    media = data_dir / "media"
    return [p for p in media.rglob("*") if p.is_dir()] if media.exists() else []


def test_an_upload_cut_mid_body_leaves_no_folder_behind(running: RunningServer) -> None:
    auth = signed_in(running.base)
    session = filmed_session(running.base, auth)
    connection = half_an_upload(running.base, auth, session, 2 << 20)
    wait_for(lambda: bool(partial_files(running.data_dir)))
    connection.close()
    wait_for(lambda: not folders(running.data_dir))
    # and a server killed mid-upload leaves none once it is back
    connection = half_an_upload(running.base, auth, session, 4 << 20)
    wait_for(lambda: any(p.stat().st_size > 0 for p in partial_files(running.data_dir)))
    running.kill()
    connection.close()
    running.start()
    wait_for(lambda: not folders(running.data_dir))


@contextmanager
def files_limited_to(size: int) -> Iterator[None]:
    """Processes started inside may write no file beyond `size` bytes: a full disk, for them
    (Python ignores SIGXFSZ, so a write past it fails with EFBIG, as one on a full disk does)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_an_upload_to_a_full_disk_says_so_without_naming_the_servers_folders(
    tmp_path: Path, database_url: str, samples: Samples
) -> None:
    server = RunningServer(tmp_path, database_url)
    with files_limited_to(8 << 20):
        server.start()
    try:
        auth = signed_in(server.base)
        session = filmed_session(server.base, auth)
        answer = httpx.post(
            f"{server.base}/api/sessions/{session}/clips",
            files={"file": ("visit.mp4", b"\0" * (12 << 20), "video/mp4")},
            headers=auth,
            timeout=60,
        )
        assert answer.status_code == 507, answer.text
        assert answer.json()["error"] == "disk_full"
        assert "The disk is full" in answer.json()["detail"]
        assert "/" not in answer.json()["detail"] and "media" not in answer.json()["detail"]
        assert not folders(server.data_dir)
        assert "Traceback" not in server.log_path.read_text()
    finally:
        server.stop()


def fill_the_database_disk(app: FastAPI) -> None:
    """From now on the database can grow no further, as at 0 bytes free: SQLite answers
    SQLITE_FULL ('database or disk is full'), PostgreSQL SQLSTATE 53100 (disk_full)."""
    engine = app.state.engine
    if engine.dialect.name == "sqlite":
        engine.dispose()

        @event.listens_for(engine, "connect")
        def no_more_pages(connection: Any, _: object) -> None:
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages}")

    else:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE FUNCTION disk_is_full() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
                    "'could not extend file: No space left on device' USING ERRCODE = 'disk_full';"
                    " END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER disk_is_full BEFORE INSERT ON child "
                    "FOR EACH ROW EXECUTE FUNCTION disk_is_full()"
                )
            )


def test_database_writes_on_a_full_disk_say_the_disk_is_full(
    app: FastAPI, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    fill_the_database_disk(app)
    answers = []
    for n in range(60):  # until a page is needed that the disk no longer has
        answers.append(worker.post("/api/children", json=child_body(reference=f"C-{n}")))
        if answers[-1].status_code != 201:
            break
    full = answers[-1]
    assert full.status_code == 507, full.text
    assert full.json()["error"] == "disk_full"
    assert "The disk is full" in full.json()["detail"], full.json()
    assert "database or disk" not in full.json()["detail"] and "53100" not in full.json()["detail"]
