"""Hardening: the security headers on every page and every answer (refusals too), request size
limits, and uploads kept under names the server makes, outside the web root."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import PASSWORD, Caller, Family, app_routes
from tests.support.media import Samples
from vfb.api.pages import web_dir

FILLERS = {"token": "A" * 22, "index": "0", "kind": "poster", "extension": "csv"}


def every_get_path(app: FastAPI) -> list[str]:
    """Every GET route of the app, pages and API alike, from its own route table."""
    paths = []
    for route in app_routes(app):
        if route.method == "GET":
            path = route.path
            for name in route.params:
                path = path.replace("{" + name + "}", FILLERS.get(name, "f" * 32))
            paths.append(path)
    return sorted(set(paths))


def assert_hardened(response_headers: dict[str, str], what: str) -> None:
    csp = response_headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0], what
    assert "frame-ancestors 'none'" in csp, what
    assert response_headers.get("x-content-type-options") == "nosniff", what
    assert response_headers.get("referrer-policy") == "no-referrer", what


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        yield client


def test_every_page_and_every_answer_carries_the_security_headers(
    app: FastAPI, browser: TestClient
) -> None:
    paths = every_get_path(app)
    assert {"/caseload", "/audit", "/shared/" + "f" * 32, "/s/" + "A" * 22} <= set(paths)
    for signed_in in (False, True):
        if signed_in:
            browser.post("/api/auth/session", data={"username": "manager_a", "password": PASSWORD})
        for path in paths:
            response = browser.get(path)
            assert_hardened(dict(response.headers), f"{path} ({response.status_code})")
    for path in ("/static/js/api.js", "/static/css/vfb.css", "/no/such/page", "/api/nothing"):
        assert_hardened(dict(browser.get(path).headers), path)


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(
    browser: TestClient, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    big = b'{"reference": "' + b"x" * (2 << 20) + b'"}'
    refused = worker.post(
        "/api/children", content=big, headers={"Content-Type": "application/json"}
    )
    assert refused.status_code == 413
    assert (
        refused.json()["error"] == "too_large" and "VFB_MAX_REQUEST_KB" in refused.json()["detail"]
    )
    assert_hardened(dict(refused.headers), "413")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"reference": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    streamed = worker.post(
        "/api/children", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert worker.ok("GET", "/api/children")["count"] == 0


def test_uploads_are_kept_under_names_the_server_makes_outside_the_web_root(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples, tmp_path: Path
) -> None:
    worker = as_("worker_a1")
    evil = tmp_path / "evil.mp4"
    evil.write_bytes(samples.get("indexed.mp4").read_bytes())
    with evil.open("rb") as f:
        files = {"file": ("../../../web/evil.html", f, "text/html")}
        made = worker.ok("POST", f"/api/sessions/{family.session}/clips", 201, files=files)
    root: Path = app.state.store.root
    stored = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    assert stored and all(p.parts[:3] == (family.programme, "clips", made["id"]) for p in stored), (
        stored
    )
    assert all("evil" not in str(p) for p in stored)
    assert not any(Path(web_dir()).rglob("evil*"))
    assert not root.resolve().is_relative_to(Path(web_dir()).resolve())
    assert made["original_name"] == "evil.html"  # what the sender called it, kept as a fact only
