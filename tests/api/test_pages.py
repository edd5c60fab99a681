"""The web pages over HTTP: sign-in redirects, security headers, offline assets, the contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import PASSWORD
from vfb.api.pages import web_dir


@pytest.mark.parametrize("page", ["/caseload", "/children/abc", "/admin"])
def test_signed_in_pages_send_strangers_to_sign_in(client: TestClient, page: str) -> None:
    response = client.get(page, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={page}"


def test_pages_open_once_signed_in(client: TestClient) -> None:
    client.post("/api/auth/session", data={"username": "worker_a1", "password": PASSWORD})
    for page in ("/caseload", "/children/anything", "/admin"):
        response = client.get(page)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-store"
    assert client.get("/", follow_redirects=False).headers["location"] == "/caseload"


@pytest.mark.parametrize(
    "path", ["/signin", "/caseload", "/api/users/me", "/static/js/api.js", "/api/openapi.json"]
)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_answer_head(client: TestClient) -> None:
    assert client.head("/signin").status_code == 200
    assert client.head("/caseload", follow_redirects=False).status_code == 303


def test_the_front_end_needs_no_network_and_no_inline_script() -> None:
    checked: set[str] = set()
    for path in Path(web_dir()).rglob("*"):
        if path.suffix not in (".html", ".js", ".css"):
            continue
        checked.add(path.suffix)
        text = path.read_text()
        network_address = r"""(src|href|from|url\()\s*=?\s*["']?(https?:)?//[\w\[]"""
        assert not re.search(network_address, text), path
        if path.suffix == ".html":
            assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {path}"
            assert " style=" not in text, f"inline style in {path}"
    assert checked == {".html", ".js", ".css"}, f"no pages, scripts or styles in {web_dir()}"


def test_static_modules_are_served_as_javascript(client: TestClient) -> None:
    response = client.get("/static/js/child.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]


def test_the_openapi_schema_holds_the_contract(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    contract = {
        "/api/auth/token": {"post"},
        "/api/teams": {"post"},
        "/api/users": {"post"},
        "/api/children": {"post"},
        "/api/children/{child_id}": {"get", "patch"},
        "/api/assessments": {"post"},
        "/api/programmes": {"post"},
        "/api/programmes/{programme_id}": {"patch"},
        "/api/carers": {"post"},
        "/api/consents": {"post"},
        "/api/consents/{consent_id}": {"patch"},
        "/api/programmes/{programme_id}/sessions": {"post", "get"},
    }
    for path, methods in contract.items():
        assert methods <= set(paths[path]), path


def test_unknown_api_paths_are_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_an_unexpected_error_is_json_in_plain_words(app: FastAPI) -> None:
    @app.get("/api/test-crash")
    def crash() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        response = client.get("/api/test-crash")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "a bug" not in response.text  # internals stay in the log
    assert response.headers["x-content-type-options"] == "nosniff"


def test_no_inline_style_or_script_is_allowed(client: TestClient) -> None:
    """The pages style and script themselves from files only: the policy names no inline hash,
    so an injected <style> or <script> does nothing."""
    policy = client.get("/signin").headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "sha256-" not in policy and "unsafe-inline" not in policy
