"""The web pages: static HTML shells whose ES modules call the API with the session cookie."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

import vfb
from vfb.api.deps import SIGN_IN_COOKIE, DbDep, KeyDep, NowDep, PolicyDep
from vfb.api.releasing_route import ReleasingRoute
from vfb.errors import NotSignedIn
from vfb.services.accounts.sign_in import signed_in_user

router = APIRouter(route_class=ReleasingRoute, include_in_schema=False)


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
    token = request.cookies.get(SIGN_IN_COOKIE, "")
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


def _register_signed_in_page(path: str, file: str) -> None:
    def page(request: Request, db: DbDep, now: NowDep, policy: PolicyDep, key: KeyDep) -> Response:
        return _signed_in_page(file, request, db, now, policy, key)

    page.__name__ = file.replace(".html", "_page")
    router.add_api_route(path, page, methods=["GET", "HEAD"])


# Each page is a static shell; its module reads the ids from the address and asks the API.
for _path, _file in {
    "/caseload": "caseload.html",
    "/admin": "admin.html",
    "/children/{child_id}": "child.html",
    "/sessions/{session_id}": "session.html",
    "/sessions/{session_id}/record": "record.html",
    "/clips/{clip_id}": "clip.html",
    "/clips/{clip_id}/review": "review.html",
    "/clips/{clip_id}/joint-review": "joint-review.html",
    "/reels/{reel_id}/handout": "handout.html",
    "/dashboard": "dashboard.html",
    "/audit": "audit.html",
}.items():
    _register_signed_in_page(_path, _file)
