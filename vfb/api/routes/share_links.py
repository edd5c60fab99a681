"""Carer share links: the worker's API (make, list, revoke), and the carer's side (open the link,
watch the video), which knows nothing of accounts: the link's cookie is all it has."""

from __future__ import annotations

from datetime import datetime
from html import escape
from string import Template
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from sqlmodel import Session

from vfb.api.deps import (
    CurrentUser,
    DbDep,
    IdPath,
    JobsDep,
    KeyDep,
    NowDep,
    SettingsDep,
    StoreDep,
    client_address,
)
from vfb.api.footage import footage_response
from vfb.api.pages import web_dir
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES
from vfb.errors import Gone
from vfb.models import ShareLinkCreate, ShareLinkPublic
from vfb.models.share_link import SharedViewing
from vfb.services.protection import share_links
from vfb.settings import Settings

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["share links"], responses=ERROR_RESPONSES
)
carer_router = APIRouter(route_class=ReleasingRoute, include_in_schema=False)

TokenPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _link_base(request: Request, settings: Settings) -> str:
    """Where carers reach vfb: VFB_PUBLIC_URL, else the address this request came to."""
    public_url: str | None = settings.public_url
    return public_url or str(request.base_url)


@router.post(
    "/programmes/{programme_id}/share-links", response_model=ShareLinkPublic, status_code=201
)
def create_share_link(
    programme_id: IdPath,
    data: ShareLinkCreate,
    request: Request,
    response: Response,
    db: DbDep,
    now: NowDep,
    key: KeyDep,
    store: StoreDep,
    jobs: JobsDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> ShareLinkPublic:
    """Share a reel (`reel_id`), or chosen shared moments (`moment_ids`, made into a reel), with
    one carer of the programme, for `expires_in_hours` (default 72). Needs the carer's
    `share_with_carer` consent. The answer's `url` (and `qr_svg`, the same as a QR code) is the
    only time the link is shown; `loopback` says when no phone could open it."""
    link, carer, reel, token = share_links.create_link(
        db=db,
        store=store,
        programme_id=programme_id,
        data=data,
        by=user,
        now=now,
        key=key,
    )
    jobs.wake()  # a reel of chosen moments is made now
    response.headers.update(NO_STORE)  # the answer holds the link: no cache may keep it
    url = share_links.link_url(_link_base(request, settings), token)
    return share_links.made(link, carer, reel, now, url)


@router.get("/programmes/{programme_id}/share-links", response_model=list[ShareLinkPublic])
def list_share_links(
    programme_id: IdPath, db: DbDep, now: NowDep, user: CurrentUser
) -> list[ShareLinkPublic]:
    found = share_links.list_links(db=db, programme_id=programme_id, by=user)
    return [share_links.public(link, name, now, reel) for link, name, reel in found]


@router.post("/share-links/{share_link_id}/revoke", response_model=ShareLinkPublic)
def revoke_share_link(
    share_link_id: IdPath, db: DbDep, now: NowDep, user: CurrentUser
) -> ShareLinkPublic:
    """Switch a link off at once: from now on it answers 410."""
    link, name, reel = share_links.revoke_link(db=db, link_id=share_link_id, by=user, now=now)
    return share_links.public(link, name, now, reel)


# -- the carer's side --------------------------------------------------------------------------


def _gone_page(error: Gone) -> HTMLResponse:
    line = error.contact_line if isinstance(error, share_links.LinkGone) else ""
    contact = f'<p class="shared-contact">{escape(line)}</p>\n' if line else ""
    body = f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>This link is not available · vfb</title>
<link rel="stylesheet" href="/static/css/vfb.css">
<link rel="stylesheet" href="/static/css/shared.css">
</head><body class="shared"><main class="shared-main">
<h1>This video is not available</h1><p id="status" class="shared-words">{escape(error.detail)}</p>
{contact}</main></body></html>"""
    return HTMLResponse(body, status_code=410, headers=NO_STORE)


def _set_viewer_cookie(
    settings: Settings, response: Response, link_id: str, value: str, seconds: int
) -> None:
    response.set_cookie(
        share_links.viewer_cookie(link_id),
        value,
        max_age=max(seconds, 1),
        httponly=True,
        samesite="strict",
        secure=settings.resolved_cookie_secure,
        path="/",  # sent to /s/{token} too, so reopening the link in this browser works
    )


def _to_video(link_id: str) -> RedirectResponse:
    return RedirectResponse(f"/shared/{link_id}", status_code=303, headers=NO_STORE)


@carer_router.api_route("/s/{token}", methods=["GET", "HEAD"])
def share_link_page(
    token: TokenPath, request: Request, db: DbDep, now: NowDep, key: KeyDep
) -> Response:
    """The link as sent: a page with one button (so a phone's link preview opens nothing)."""
    try:
        viewing, opened_here = share_links.check_token(
            db=db, token=token, key=key, now=now, cookies=request.cookies
        )
    except Gone as error:
        return _gone_page(error)
    if opened_here:  # this browser opened it before: straight to the video
        return _to_video(viewing.link.id)
    return HTMLResponse(_open_page(viewing), headers=NO_STORE)


def _open_page(viewing: share_links.Viewing) -> str:
    """share-open.html with who the video is from, in escaped plain words."""
    sender = viewing.sender
    contact = sender.contact_line
    page = Template((web_dir() / "share-open.html").read_text(encoding="utf-8"))
    return page.substitute(
        heading=escape(sender.heading),
        from_line=escape(sender.from_line(viewing.carer_name)),
        contact=f'<p class="shared-contact">{escape(contact)}</p>' if contact else "",
    )


@carer_router.post("/s/{token}")
def open_share_link(
    token: TokenPath, request: Request, db: DbDep, now: NowDep, key: KeyDep, settings: SettingsDep
) -> Response:
    """Exchange the link's token for this browser's cookie, and go to the video."""
    try:
        viewing, value = share_links.open_link(
            db=db,
            token=token,
            key=key,
            now=now,
            origin=client_address(request),
            cookies=request.cookies,
        )
    except Gone as error:
        return _gone_page(error)
    response = _to_video(viewing.link.id)
    if value is not None:
        seconds = int((viewing.link.expires_at - now).total_seconds())
        _set_viewer_cookie(settings, response, viewing.link.id, value, seconds)
    return response


def _viewing(
    request: Request, db: Session, now: datetime, key: str, link_id: str
) -> share_links.Viewing:
    return share_links.viewing_for(
        db=db, link_id=link_id, cookies=request.cookies, key=key, now=now
    )


@carer_router.api_route("/shared/{share_link_id}", methods=["GET", "HEAD"])
def shared_page(
    share_link_id: IdPath, request: Request, db: DbDep, now: NowDep, key: KeyDep
) -> Response:
    """The video's page, for the browser that opened the link (anyone else: why not, in words)."""
    try:
        _viewing(request, db, now, key, share_link_id)
    except Gone as error:
        return _gone_page(error)
    return FileResponse(web_dir() / "shared.html", headers=NO_STORE)


@carer_router.get("/shared/{share_link_id}/viewing", response_model=SharedViewing)
def shared_viewing(
    share_link_id: IdPath, request: Request, db: DbDep, now: NowDep, key: KeyDep
) -> SharedViewing:
    """What the carer's page shows: their name and today's date (the watermark), and the video."""
    viewing = _viewing(request, db, now, key, share_link_id)
    reel = viewing.reel
    return SharedViewing(
        carer_name=viewing.carer_name,
        from_line=viewing.sender.from_line(viewing.carer_name),
        contact_line=viewing.sender.contact_line,
        today=now.date().isoformat(),
        expires_at=viewing.link.expires_at.isoformat(),
        status=reel.status,
        progress=reel.progress,
        length_ms=reel.length_ms,
        media_url=f"/shared/{viewing.link.id}/media",
    )


@carer_router.api_route("/shared/{share_link_id}/media", methods=["GET", "HEAD"])
def shared_media(
    share_link_id: IdPath, request: Request, db: DbDep, now: NowDep, key: KeyDep, store: StoreDep
) -> Response:
    """The video, to watch only: inline, never cached, no download offered. A view is counted
    (and audited) once per viewing, not per range request."""
    viewing = _viewing(request, db, now, key, share_link_id)
    return footage_response(
        request,
        store,
        share_links.watch(store=store, viewing=viewing),
        media_type="video/mp4",
        headers=NO_STORE,
        start_viewing=lambda: share_links.start_view(
            db=db, viewing=viewing, now=now, origin=client_address(request)
        ),
    )
