"""The web pages: static HTML shells whose ES modules call the API with the session cookie."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

import vfb
from vfb.api.deps import SESSION_COOKIE, DbDep, KeyDep, NowDep, PolicyDep
from vfb.errors import NotSignedIn
from vfb.services.auth import signed_in_user

router = APIRouter(include_in_schema=False)


@cache
def web_dir() -> Path:
    """`web/` beside the package in a checkout, or its copy inside an installed wheel."""
    package = Path(vfb.__file__).parent
    checkout = package.parent / "web"
    return checkout if checkout.is_dir() else package / "_web"


def _page(name: str) -> FileResponse:
    return FileResponse(web_dir() / name, headers={"Cache-Control": "no-store"})


def _signed_in_page(
    name: str, request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep
) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    try:
        signed_in_user(db=db, token=token, key=key, policy=policy, now=now)
    except NotSignedIn:
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/signin?next={target}", status_code=303)
    return _page(name)


@router.api_route("/", methods=["GET", "HEAD"])
def home() -> RedirectResponse:
    return RedirectResponse("/caseload", status_code=303)


@router.api_route("/signin", methods=["GET", "HEAD"])
def signin_page() -> FileResponse:
    return _page("signin.html")


@router.api_route("/caseload", methods=["GET", "HEAD"])
def caseload_page(
    request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep
) -> Response:
    return _signed_in_page("caseload.html", request, db, now, policy, key)


@router.api_route("/admin", methods=["GET", "HEAD"])
def admin_page(
    request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep
) -> Response:
    return _signed_in_page("admin.html", request, db, now, policy, key)


@router.api_route("/children/{child_id}", methods=["GET", "HEAD"])
def child_page(
    child_id: str, request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep
) -> Response:
    return _signed_in_page("child.html", request, db, now, policy, key)


@router.api_route("/sessions/{session_id}", methods=["GET", "HEAD"])
def session_page(
    session_id: str, request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep
) -> Response:
    return _signed_in_page("session.html", request, db, now, policy, key)


@router.api_route("/sessions/{session_id}/record", methods=["GET", "HEAD"])
def record_page(
    session_id: str, request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep
) -> Response:
    return _signed_in_page("record.html", request, db, now, policy, key)


@router.api_route("/clips/{clip_id}", methods=["GET", "HEAD"])
def clip_page(
    clip_id: str, request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep
) -> Response:
    return _signed_in_page("clip.html", request, db, now, policy, key)
