"""Carer share links: a worker gives one carer a reel (or chosen moments, made into one) through a
link that expires, can be revoked, and is good for one browser.

The link's token is 128 random bits, stored only as a keyed hash. On first open it is exchanged for
a cookie (also random, also stored hashed), so the token leaves the address bar and a forwarded
link no longer works. Every open and every viewing is in the audit trail, as the carer's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from vfb.errors import ConsentMissing, Gone, InvalidInput, NotFound
from vfb.models import (
    Carer,
    Programme,
    ProgrammeCarer,
    Reel,
    ReelCreate,
    ShareLink,
    ShareLinkCreate,
    ShareLinkPublic,
    User,
)
from vfb.models.enums import ConsentScope, ReelStatus
from vfb.programme.rules import fmt
from vfb.services import audit
from vfb.services.access import get_programme, require_case_writer
from vfb.services.consents import require_active_consent
from vfb.services.media_store import MediaStore
from vfb.services.reels import ready_reel_file, start_reel

TOKEN_BYTES = 16  # 128 bits


def _keyed(kind: str, value: str, key: str) -> str:
    return hmac.new(key.encode(), f"share-{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def state_of(link: ShareLink, now: datetime) -> str:
    if link.revoked_at is not None:
        return "revoked"
    if now >= link.expires_at:
        return "expired"
    return "active"


def public(
    link: ShareLink, carer_name: str, now: datetime, url: str | None = None
) -> ShareLinkPublic:
    return ShareLinkPublic.model_validate(
        link, update={"carer_name": carer_name, "state": state_of(link, now), "url": url}
    )


def _share_consent(db: Session, programme_id: str, now: datetime) -> None:
    require_active_consent(
        db=db,
        programme_id=programme_id,
        scope=ConsentScope.share_with_carer,
        today=now.date(),
        doing="share footage with the carer",
    )


def create_link(
    *,
    db: Session,
    store: MediaStore,
    programme_id: str,
    data: ShareLinkCreate,
    by: User,
    now: datetime,
    key: str,
) -> tuple[ShareLink, Carer, str]:
    """A new link for one carer of the programme, and its token (shown once, never stored)."""
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    require_case_writer(by)
    _share_consent(db, programme.id, now)
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
    audit.append(
        db,
        "share_link.create",
        target_type="share_link",
        target_id=link.id,
        child_id=programme.child_id,
        detail=f"for {carer.display_name}, reel {reel.id}, until {link.expires_at:%Y-%m-%d %H:%M}Z",
    )
    db.commit()
    db.refresh(link)
    return link, carer, token


def list_links(*, db: Session, programme_id: str, by: User) -> list[tuple[ShareLink, str]]:
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    rows = db.exec(
        select(ShareLink, Carer.display_name)
        .join(Carer, col(Carer.id) == ShareLink.carer_id)
        .where(ShareLink.programme_id == programme.id)
        .order_by(col(ShareLink.created_at).desc(), ShareLink.id)
    ).all()
    return [(link, name) for link, name in rows]


def _reachable_link(db: Session, link_id: str, by: User) -> tuple[ShareLink, Programme]:
    link = db.get(ShareLink, link_id)
    if link is None:
        raise NotFound.of("share link", link_id)
    try:
        programme = get_programme(db=db, programme_id=link.programme_id, by=by)
    except NotFound:
        raise NotFound.of("share link", link_id) from None
    return link, programme


def revoke_link(*, db: Session, link_id: str, by: User, now: datetime) -> tuple[ShareLink, str]:
    """Stop a link at once (it answers 410 from now on); revoking twice changes nothing."""
    link, programme = _reachable_link(db, link_id, by)
    require_case_writer(by)
    if link.revoked_at is None:
        link.revoked_at = now
        db.add(link)
        audit.append(
            db,
            "share_link.revoke",
            target_type="share_link",
            target_id=link.id,
            child_id=programme.child_id,
        )
        db.commit()
        db.refresh(link)
    carer = db.get(Carer, link.carer_id)
    return link, carer.display_name if carer else ""


# -- the carer's side --------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewing:
    """What the carer's page may know: their name, and the reel's state."""

    link: ShareLink
    carer_name: str
    child_id: str
    reel: Reel


def _usable(db: Session, link: ShareLink, now: datetime) -> Viewing:
    """The link's viewing, or `Gone` in words a carer understands."""
    if link.revoked_at is not None:
        raise Gone("This link has been switched off by your worker. Ask them for a new one.")
    if now >= link.expires_at:
        raise Gone(
            f"This link expired on {fmt(link.expires_at.date())}. Ask your worker for a new one."
        )
    programme = db.get(Programme, link.programme_id)
    carer = db.get(Carer, link.carer_id)
    assert programme is not None and carer is not None
    try:
        _share_consent(db, programme.id, now)
    except ConsentMissing:
        raise Gone(
            "This video is no longer shared. Ask your worker if you have questions."
        ) from None
    reel = db.get(Reel, link.reel_id)
    if reel is None or reel.status is ReelStatus.failed:
        raise Gone("This video is no longer available. Ask your worker for a new link.")
    return Viewing(link, carer.display_name, programme.child_id, reel)


def _carer_actor(viewing: Viewing, origin: str | None, now: datetime) -> audit.Actor:
    return audit.Actor(f"carer: {viewing.carer_name}", "carer", origin=origin, clock=lambda: now)


def _by_token(db: Session, token: str, key: str) -> ShareLink:
    link = db.exec(
        select(ShareLink).where(ShareLink.token_hash == _keyed("token", token, key))
    ).first()
    if link is None:
        raise Gone("This link does not work. Check it was copied whole, or ask your worker.")
    return link


def _opened_by(link: ShareLink, cookie: str | None, key: str) -> bool:
    if link.viewer_hash is None:
        return False
    if cookie and hmac.compare_digest(link.viewer_hash, _keyed("viewer", cookie, key)):
        return True
    raise Gone(
        "This link has already been opened on another phone or computer, and works there only. "
        "Ask your worker for a new one."
    )


def check_token(*, db: Session, token: str, key: str, now: datetime, cookie: str | None) -> bool:
    """Whether the link can be opened (else `Gone`), changing nothing; True if this browser
    already opened it."""
    link = _by_token(db, token, key)
    _usable(db, link, now)
    return _opened_by(link, cookie, key)


def open_link(
    *,
    db: Session,
    token: str,
    key: str,
    now: datetime,
    origin: str | None,
    cookie: str | None,
) -> tuple[Viewing, str | None]:
    """Exchange a link's token for a cookie value (None: the cookie the browser sent already
    belongs to this link). A link opened once, elsewhere, is `Gone`."""
    link = _by_token(db, token, key)
    viewing = _usable(db, link, now)
    if _opened_by(link, cookie, key):
        return viewing, None
    value = secrets.token_urlsafe(32)
    link.viewer_hash = _keyed("viewer", value, key)
    link.opened_at = now
    db.add(link)
    audit.append(
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


def viewing_for(*, db: Session, cookie: str | None, key: str, now: datetime) -> Viewing:
    """The viewing this browser's cookie opens, or `Gone`."""
    if not cookie:
        raise Gone("Open the link your worker sent you to watch the video.")
    link = db.exec(
        select(ShareLink).where(ShareLink.viewer_hash == _keyed("viewer", cookie, key))
    ).first()
    if link is None:
        raise Gone("Open the link your worker sent you to watch the video.")
    return _usable(db, link, now)


def watch(
    *,
    db: Session,
    store: MediaStore,
    viewing: Viewing,
    now: datetime,
    origin: str | None,
    record: bool,
) -> Reel:
    """The reel to stream; the start of each viewing is in the audit trail."""
    ready_reel_file(store, viewing.reel)
    if record:
        viewing.link.views += 1
        db.add(viewing.link)
        audit.append(
            db,
            "share_link.view",
            target_type="share_link",
            target_id=viewing.link.id,
            child_id=viewing.child_id,
            detail=f"reel {viewing.reel.id}",
            actor=_carer_actor(viewing, origin, now),
        )
        db.commit()
    return viewing.reel
