"""Carer share links: a worker gives one carer a reel (or chosen moments, made into one) through a
link that expires, can be revoked, and is good for one browser.

The link's token is 128 random bits, stored only as a keyed hash. On first open it is exchanged for
a cookie of that link's own (also random, also stored hashed), so the token leaves the address bar,
a forwarded link no longer works, and one browser can hold several links. Every open and every
viewing is in the audit trail, as the carer's; a link stops when its sharing would no longer be
allowed (consent withdrawn, the carer no longer in the programme, the case closed, the worker who
sent it disabled).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from vfb import qr
from vfb.actions import Action
from vfb.errors import ConsentMissing, Gone, InvalidInput, NotFound
from vfb.models import (
    Carer,
    Child,
    Programme,
    ProgrammeCarer,
    Reel,
    ReelCreate,
    ShareLink,
    ShareLinkCreate,
    ShareLinkPublic,
    Team,
    User,
)
from vfb.programme.rules import fmt
from vfb.services.footage.viewing import start_viewing
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection import audit_trail
from vfb.services.protection.access import (
    get_programme,
    require,
    require_case_writer,
    require_consent,
)
from vfb.services.review.reels import ready_reel_file, start_reel
from vfb.settings import is_loopback_url
from vfb.vocabulary import ReelStatus

TOKEN_BYTES = 16  # 128 bits
NO_LONGER_SHARED = "This video is no longer shared. Ask your worker if you have questions."


def viewer_cookie(link_id: str) -> str:
    """The name of the cookie that opens this link (one per link: a browser can hold several)."""
    return f"vfb_share_{link_id}"


def _keyed(kind: str, value: str, key: str) -> str:
    return hmac.new(key.encode(), f"share-{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def state_of(link: ShareLink, now: datetime) -> str:
    if link.revoked_at is not None:
        return "revoked"
    if now >= link.expires_at:
        return "expired"
    return "active"


def public(
    link: ShareLink, carer_name: str, now: datetime, reel: Reel | None = None
) -> ShareLinkPublic:
    """A link as its worker sees it (never its token: see `made`)."""
    about = {
        "carer_name": carer_name,
        "state": state_of(link, now),
        "reel_moments": len(reel.moment_ids) if reel else 0,
        "reel_length_ms": reel.length_ms if reel else 0,
    }
    return ShareLinkPublic.model_validate(link, update=about)


def link_url(base: str, token: str) -> str:
    return base.rstrip("/") + f"/s/{token}"


def made(
    link: ShareLink, carer: Carer, reel: Reel | None, now: datetime, url: str
) -> ShareLinkPublic:
    """The answer that made a link, the one time its address exists outside the carer's hands:
    the address, its QR code, and whether any phone can reach it."""
    shown = public(link, carer.display_name, now, reel)
    shown.url = url
    shown.qr_svg = qr.svg(url, title=f"QR code of the link for {carer.display_name}")
    shown.loopback = is_loopback_url(url)
    return shown


def _share_consent(db: Session, programme: Programme, now: datetime) -> None:
    """The carer's `share_with_carer` consent is in force (the actions table's `share.create`)."""
    require_consent(db=db, action=Action.share, programme=programme, by=None, today=now.date())


def create_link(
    *,
    db: Session,
    store: MediaStore,
    programme_id: str,
    data: ShareLinkCreate,
    by: User,
    now: datetime,
    key: str,
) -> tuple[ShareLink, Carer, Reel, str]:
    """A new link for one carer of the programme, its reel, and its token (shown once, never
    stored)."""
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    require(by, Action.share)
    _share_consent(db, programme, now)
    carer = db.get(Carer, data.carer_id)
    in_programme = db.get(ProgrammeCarer, (programme.id, data.carer_id))
    if carer is None or carer.child_id != programme.child_id or in_programme is None:
        raise InvalidInput(f"There is no carer with id {data.carer_id!r} in this programme.")
    if (data.reel_id is None) == (data.moment_ids is None):
        raise InvalidInput("Share either a reel (reel_id) or chosen moments (moment_ids).")
    if data.reel_id is not None:
        reel = db.get(Reel, data.reel_id)
        if reel is None or reel.programme_id != programme.id:
            raise NotFound(f"There is no reel {data.reel_id!r} in this programme.")
        if reel.status is ReelStatus.failed:
            raise InvalidInput(f"This reel could not be made: {reel.detail or 'make it again'}.")
    else:
        assert data.moment_ids is not None
        reel = start_reel(
            db=db,
            store=store,
            programme_id=programme.id,
            data=ReelCreate(moment_ids=data.moment_ids),
            by=by,
            now=now,
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        programme_id=programme.id,
        carer_id=carer.id,
        reel_id=reel.id,
        token_hash=_keyed("token", token, key),
        created_by_id=by.id,
        created_at=now,
        expires_at=now + timedelta(hours=data.expires_in_hours),
    )
    db.add(link)
    audit_trail.append(
        db,
        "share_link.create",
        target_type="share_link",
        target_id=link.id,
        child_id=programme.child_id,
        detail=f"for {carer.display_name}, reel {reel.id}, until {link.expires_at:%Y-%m-%d %H:%M}Z",
    )
    db.commit()
    db.refresh(link)
    db.refresh(reel)
    return link, carer, reel, token


def list_links(
    *, db: Session, programme_id: str, by: User
) -> list[tuple[ShareLink, str, Reel | None]]:
    """The programme's links, newest first, each with its carer's name and its reel (None once
    the reel is deleted)."""
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    rows = db.exec(
        select(ShareLink, Carer.display_name, Reel)
        .join(Carer, col(Carer.id) == ShareLink.carer_id)
        .outerjoin(Reel, col(Reel.id) == ShareLink.reel_id)
        .where(ShareLink.programme_id == programme.id)
        .order_by(col(ShareLink.created_at).desc(), ShareLink.id)
    ).all()
    return [(link, name, reel) for link, name, reel in rows]


def _reachable_link(db: Session, link_id: str, by: User) -> tuple[ShareLink, Programme]:
    link = db.get(ShareLink, link_id)
    if link is None:
        raise NotFound.of("share link", link_id)
    try:
        programme = get_programme(db=db, programme_id=link.programme_id, by=by)
    except NotFound:
        raise NotFound.of("share link", link_id) from None
    return link, programme


def revoke_link(
    *, db: Session, link_id: str, by: User, now: datetime
) -> tuple[ShareLink, str, Reel | None]:
    """Stop a link at once (it answers 410 from now on); revoking twice changes nothing."""
    link, programme = _reachable_link(db, link_id, by)
    require_case_writer(by)
    if link.revoked_at is None:
        link.revoked_at = now
        db.add(link)
        audit_trail.append(
            db,
            "share_link.revoke",
            target_type="share_link",
            target_id=link.id,
            child_id=programme.child_id,
        )
        db.commit()
        db.refresh(link)
    carer = db.get(Carer, link.carer_id)
    return link, carer.display_name if carer else "", db.get(Reel, link.reel_id)


# -- the carer's side --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """Who a carer's link is from, as the admin named them for carers (empty when unset)."""

    worker_name: str
    team_name: str
    contact: str

    def from_line(self, carer_name: str) -> str:
        """ "Sam, this is from Alex Morgan at Riverside Family Support.": names the people the
        carer knows, so the link does not read like a stranger's."""
        worker = self.worker_name or "your worker"
        if self.team_name:
            return f"{carer_name}, this is from {worker} at {self.team_name}."
        if self.worker_name:
            return f"{carer_name}, this is from {worker}, your worker."
        return f"{carer_name}, this is from your worker."

    @property
    def heading(self) -> str:
        """The landing page's heading; the line under it says who it is from."""
        return "A video for you"

    @property
    def contact_line(self) -> str:
        return f"Contact: {self.contact}" if self.contact else ""


@dataclass(frozen=True)
class Viewing:
    """What the carer's page may know: their name, who sent it, and the reel's state."""

    link: ShareLink
    carer_name: str
    child_id: str
    reel: Reel
    sender: Sender


class LinkGone(Gone):
    """A link that worked once and does not now: its team's contact line (set by the admin for
    carers) goes with the reason, so the carer knows whom to ask."""

    def __init__(self, detail: str, contact_line: str) -> None:
        super().__init__(detail)
        self.contact_line = contact_line


def _usable(db: Session, link: ShareLink, now: datetime) -> Viewing:
    """The link's viewing, or `LinkGone` in words a carer understands."""
    programme = db.get(Programme, link.programme_id)
    carer = db.get(Carer, link.carer_id)
    assert programme is not None and carer is not None
    child = db.get(Child, programme.child_id)
    assert child is not None
    team = db.get(Team, child.team_id)
    contact = Sender("", "", team.contact if team else "").contact_line
    try:
        return _checked(db, link, now, programme, carer, child, team)
    except Gone as error:
        raise LinkGone(error.detail, contact) from None


def _checked(
    db: Session,
    link: ShareLink,
    now: datetime,
    programme: Programme,
    carer: Carer,
    child: Child,
    team: Team | None,
) -> Viewing:
    if link.revoked_at is not None:
        raise Gone("This link has been switched off by your worker. Ask them for a new one.")
    if now >= link.expires_at:
        raise Gone(
            f"This link expired on {fmt(link.expires_at.date())}. Ask your worker for a new one."
        )
    if child.closed_on is not None and child.closed_on <= now.date():
        raise Gone(
            "Your time with the programme has finished, so this link no longer works. "
            "Ask your worker if you have questions."
        )
    if db.get(ProgrammeCarer, (programme.id, carer.id)) is None:
        raise Gone(NO_LONGER_SHARED)
    sender = db.get(User, link.created_by_id) if link.created_by_id else None
    if sender is not None and sender.disabled:
        raise Gone(
            "This link no longer works: the worker who sent it is no longer sharing videos. "
            "Ask the team for a new one."
        )
    try:
        _share_consent(db, programme, now)
    except ConsentMissing:
        raise Gone(NO_LONGER_SHARED) from None
    reel = db.get(Reel, link.reel_id)
    if reel is None or reel.status is ReelStatus.failed:
        raise Gone("This video is no longer available. Ask your worker for a new link.")
    from_them = Sender(
        worker_name=sender.full_name if sender else "",
        team_name=team.display_name if team else "",
        contact=team.contact if team else "",
    )
    return Viewing(link, carer.display_name, programme.child_id, reel, from_them)


def _carer_actor(viewing: Viewing, origin: str | None, now: datetime) -> audit_trail.Actor:
    return audit_trail.Actor(
        f"carer: {viewing.carer_name}", "carer", origin=origin, clock=lambda: now
    )


def _by_token(db: Session, token: str, key: str) -> ShareLink:
    link = db.exec(
        select(ShareLink).where(ShareLink.token_hash == _keyed("token", token, key))
    ).first()
    if link is None:
        raise Gone("This link does not work. Check it was copied whole, or ask your worker.")
    return link


def _opened_here(link: ShareLink, cookies: Mapping[str, str], key: str) -> bool:
    """Whether this browser's cookies hold this link's own cookie."""
    cookie = cookies.get(viewer_cookie(link.id))
    return bool(
        link.viewer_hash
        and cookie
        and hmac.compare_digest(link.viewer_hash, _keyed("viewer", cookie, key))
    )


def _opened_by(link: ShareLink, cookies: Mapping[str, str], key: str) -> bool:
    if link.viewer_hash is None:
        return False
    if _opened_here(link, cookies, key):
        return True
    raise Gone(
        "This link has already been opened on another phone or computer, and works there only. "
        "Ask your worker for a new one."
    )


def check_token(
    *, db: Session, token: str, key: str, now: datetime, cookies: Mapping[str, str]
) -> tuple[Viewing, bool]:
    """Whether the link can be opened (else `Gone`), changing nothing: its viewing, and whether
    this browser already opened it."""
    link = _by_token(db, token, key)
    viewing = _usable(db, link, now)
    return viewing, _opened_by(link, cookies, key)


def open_link(
    *,
    db: Session,
    token: str,
    key: str,
    now: datetime,
    origin: str | None,
    cookies: Mapping[str, str],
) -> tuple[Viewing, str | None]:
    """Exchange a link's token for the value of its cookie (None: this browser holds it already).
    A link opened once, elsewhere, is `Gone`."""
    link = _by_token(db, token, key)
    viewing = _usable(db, link, now)
    if _opened_by(link, cookies, key):
        return viewing, None
    value = secrets.token_urlsafe(32)
    link.viewer_hash = _keyed("viewer", value, key)
    link.opened_at = now
    db.add(link)
    audit_trail.append(
        db,
        "share_link.open",
        target_type="share_link",
        target_id=link.id,
        child_id=viewing.child_id,
        actor=_carer_actor(viewing, origin, now),
    )
    db.commit()
    db.refresh(link)
    return viewing, value


def viewing_for(
    *, db: Session, link_id: str, cookies: Mapping[str, str], key: str, now: datetime
) -> Viewing:
    """The viewing of link `link_id`, if this browser holds its cookie; else `Gone`."""
    link = db.get(ShareLink, link_id)
    if link is None or not _opened_here(link, cookies, key):
        raise Gone("Open the link your worker sent you to watch the video.")
    return _usable(db, link, now)


def watch(*, store: MediaStore, viewing: Viewing) -> Path:
    """The reel's file, to stream (`start_view` records its viewing)."""
    return ready_reel_file(store, viewing.reel)


def start_view(*, db: Session, viewing: Viewing, now: datetime, origin: str | None) -> bool:
    """A view of the link is a viewing (vfb.services.footage.viewing): in the audit trail as the
    carer's, and counted in `views`; the rest of a viewing (a seek) is neither."""
    link_id = viewing.link.id

    def count() -> None:
        counted = update(ShareLink).where(col(ShareLink.id) == link_id)
        db.connection().execute(counted.values(views=col(ShareLink.views) + 1))

    return start_viewing(
        db,
        "share_link.view",
        target_type="share_link",
        target_id=link_id,
        child_id=viewing.child_id,
        detail=f"reel {viewing.reel.id}",
        actor=_carer_actor(viewing, origin, now),
        also=count,
    )
