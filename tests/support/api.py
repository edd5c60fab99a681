"""API test support: clips imported and waited for, moments marked, reels made, share links
opened, the audit trail read, tokens got; and the `database_url`, `clip` and `reel` fixtures
(`database_url` registered for every tier by tests/conftest.py, the browser's own aside; `clip`
and `reel` for tests/api by its conftest)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import (
    PASSWORD,
    PREPARED_IDS,
    SECRET,
    Caller,
    Databases,
    FakeClock,
    Family,
    Maker,
    database_for,
    make_family,
)
from tests.support.media import Samples, frame_indices
from vfb.api import create_app
from vfb.settings import Settings


def import_file(caller: Caller, session: str, path: Path, expected: int = 201) -> Any:
    with path.open("rb") as f:
        response = caller.post(
            f"/api/sessions/{session}/clips", files={"file": (path.name, f, "video/mp4")}
        )
    assert response.status_code == expected, response.text
    return response.json()


def imported(caller: Caller, session: str, path: Path) -> Any:
    """A clip of `path`, imported and ready."""
    return wait_ready(caller, import_file(caller, session, path)["id"])


def wait_ready(caller: Caller, clip_id: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        clip = caller.ok("GET", f"/api/clips/{clip_id}")
        if clip["status"] != "processing":
            return clip
        time.sleep(0.1)
    raise AssertionError(f"clip {clip_id} still processing")


def media_files(app: FastAPI) -> list[Path]:
    root: Path = app.state.store.root
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def frame_indices_of(data: bytes, app: FastAPI) -> list[int]:
    path = app.state.store.root.parent / "check.mp4"
    path.write_bytes(data)
    try:
        return frame_indices(path)
    finally:
        path.unlink()


def mark(caller: Caller, clip_id: str, expected: int = 201, **body: Any) -> Any:
    response = caller.post(f"/api/clips/{clip_id}/moments", json=body)
    assert response.status_code == expected, response.text
    return response.json()


def wait_for_reel(caller: Caller, reel_id: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reel = caller.ok("GET", f"/api/reels/{reel_id}")
        if reel["status"] != "building":
            return reel
        time.sleep(0.1)
    raise AssertionError(f"reel {reel_id} still building")


def family_with(databases: Databases, samples: Samples, *, clip: bool, reel: bool) -> Maker:
    """What `make_family` makes; with `clip`, the 8-second clip imported into its session and
    ready; with `clip` and `reel`, also what the `reel` fixture makes (share consent, a shared
    moment, the reel built)."""

    def make(url: str, data_dir: Path) -> tuple[Family, dict[str, str]]:
        settings = Settings(data_dir=data_dir, database_url=url, secret_key=SECRET)
        app = create_app(settings, clock=FakeClock())
        ids: dict[str, str] = {}
        try:
            with TestClient(app, base_url="http://127.0.0.1") as client:
                worker = Caller(client, databases.cast.tokens["worker_a1"])
                family = make_family(worker)
                if clip:
                    made = imported(worker, family.session, samples.get("indexed.mp4"))
                    ids["clip"] = str(made["id"])
                    if reel:
                        ids["reel"] = str(make_reel(worker, family, made)["id"])
        finally:
            app.state.engine.dispose()
        return family, ids

    return make


@pytest.fixture
def database_url(
    databases: Databases, samples: Samples, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh database, or for a test that asks for `reel`, `clip` or `family`, a copy of one
    with those in it, made once per process (making them was most of such a test's setup)."""
    makers = {
        "reel": family_with(databases, samples, clip=True, reel=True),
        "clip": family_with(databases, samples, clip=True, reel=False),
        "family": family_with(databases, samples, clip=False, reel=False),
    }
    url = database_for(databases, tmp_path, request, "family", makers)
    yield url
    databases.drop(url)


@pytest.fixture
def clip(
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    request: pytest.FixtureRequest,
) -> Any:
    """The 8-second frame-indexed clip in the family's session, imported and ready for review."""
    prepared = request.node.stash.get(PREPARED_IDS, {}).get("clip")
    if prepared is not None:
        return as_("worker_a1").ok("GET", f"/api/clips/{prepared}")
    return imported(as_("worker_a1"), family.session, samples.get("indexed.mp4"))


def share_consent(worker: Caller, family: Family) -> None:
    body = {"programme_id": family.programme, "carer_id": family.carer}
    body |= {"scope": "share_with_carer", "given_on": "2026-01-10"}
    worker.ok("POST", "/api/consents", 201, json=body)


def make_reel(worker: Caller, family: Family, clip: Any) -> Any:
    """The carer's share consent, a shared moment of `clip`, and a reel of it, built."""
    share_consent(worker, family)
    moment = mark(
        worker, clip["id"], start_ms=1000, end_ms=2000, category="strengths", share_with_carer=True
    )
    made = worker.ok(
        "POST",
        f"/api/programmes/{family.programme}/reels",
        202,
        json={"moment_ids": [moment["id"]]},
    )
    assert wait_for_reel(worker, made["id"])["status"] == "ready"
    return made


@pytest.fixture
def reel(
    family: Family, clip: Any, as_: Callable[[str], Caller], request: pytest.FixtureRequest
) -> Any:
    """A reel of one shared moment of the clip, built, with the carer's share consent."""
    prepared = request.node.stash.get(PREPARED_IDS, {}).get("reel")
    if prepared is not None:
        return as_("worker_a1").ok("GET", f"/api/reels/{prepared}")
    return make_reel(as_("worker_a1"), family, clip)


def share(worker: Caller, family: Family, reel: Any, **extra: Any) -> Any:
    body = {"carer_id": family.carer, "reel_id": reel["id"]} | extra
    return worker.ok("POST", f"/api/programmes/{family.programme}/share-links", 201, json=body)


def token_of(link: Any) -> str:
    return str(link["url"].rsplit("/s/", 1)[1])


def open_link(browser: TestClient, link: Any) -> Any:
    """What the carer does: open the link, press Watch."""
    path = f"/s/{token_of(link)}"
    page = browser.get(path)
    assert page.status_code == 200, page.text
    assert '<form method="post">' in page.text
    return browser.post(path)


def put(caller: Caller, recording: str, index: int, data: bytes, expected: int = 200) -> dict:
    response = caller.request(
        "PUT",
        f"/api/recordings/{recording}/chunks/{index}",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == expected, response.text
    return response.json()


def trail(caller: Caller, **filters: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = caller.ok("GET", "/api/audit", params=filters | {"limit": "500"})[
        "data"
    ]
    return rows


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    return str(body["access_token"])
