"""Watching footage: reach, the carer's `supervision` consent when someone other than the worker
watches (a supervisor or manager), and a row in the audit trail for every viewing.

A viewing is one person watching (or downloading) one clip, reel or share link from one address.
Its first request that serves a byte is recorded; the requests after it, for that person, footage,
action and address, within VIEWING_WINDOW of the row, are the rest of it (a player's seeks) and
add no row. Neither depends on the Range header: any request outside a viewing starts one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from vfb.actions import Action
from vfb.capture.timecode import format_timecode
from vfb.errors import InvalidInput
from vfb.models import AuditEvent, Clip, Programme, Reel, User
from vfb.services.footage.clips import playable_file
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection import audit_trail
from vfb.services.protection.access import get_clip, require_consent
from vfb.services.review.reels import get_reel

VIEWING_WINDOW = timedelta(minutes=30)

# Two requests of one new viewing arrive together (a player asks for the start and the end of a
# file at once), perhaps at two server processes: the check is made again once the audit chain's
# head is held, so one row is recorded.


def _supervision_allowed(db: Session, programme: Programme, by: User, today: date) -> None:
    """Anyone but the worker delivering the programme needs the carer's supervision consent
    (the actions table's `footage.watch`)."""
    require_consent(db=db, action=Action.footage_watch, programme=programme, by=by, today=today)


def watch_clip(
    *,
    db: Session,
    clip_id: str,
    by: User,
    today: date,
    action: str,
    detail: str | None = None,
    record: bool = True,
) -> tuple[Clip, Programme]:
    """The clip and its programme, if `by` may watch it; the view is recorded (and committed)
    unless `record` is false (the rest of one viewing: a seek's range request)."""
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    _supervision_allowed(db, programme, by, today)
    if record:
        audit_trail.append(
            db,
            action,
            target_type="clip",
            target_id=clip.id,
            child_id=programme.child_id,
            detail=detail,
        )
        db.commit()
    return clip, programme


def watch_still(
    *,
    db: Session,
    store: MediaStore,
    clip_id: str,
    by: User,
    today: date,
    at_ms: int,
    record: bool = True,
) -> tuple[Path, Clip]:
    """The playable file to take the still at `at_ms` from, if `by` may watch the clip and the
    clip lasts that long: a time after its end is refused (`InvalidInput`) before anything is
    recorded, since nothing was shown. The viewing is recorded (and committed) unless `record`
    is false."""
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    _supervision_allowed(db, programme, by, today)
    if clip.duration_ms is not None and at_ms > clip.duration_ms:
        raise InvalidInput(
            f"The clip is {format_timecode(clip.duration_ms)} long; there is no frame at "
            f"{format_timecode(at_ms)}."
        )
    path = playable_file(store, clip, programme.id)
    if record:
        audit_trail.append(
            db,
            "clip.still",
            target_type="clip",
            target_id=clip.id,
            child_id=programme.child_id,
            detail=f"at {format_timecode(at_ms)}",
        )
        db.commit()
    return path, clip


def watch_reel(*, db: Session, reel_id: str, by: User, today: date) -> tuple[Reel, Programme]:
    """The reel and its programme, if `by` may watch it (the viewing is `start_viewing`'s)."""
    reel = get_reel(db=db, reel_id=reel_id, by=by)
    programme = db.get(Programme, reel.programme_id)
    assert programme is not None
    _supervision_allowed(db, programme, by, today)
    return reel, programme


def _recorded_within_window(
    db: Session, action: str, target_type: str, target_id: str, who: audit_trail.Actor
) -> bool:
    now = who.clock()
    query = select(AuditEvent.seq).where(
        AuditEvent.action == action,
        AuditEvent.target_type == target_type,
        AuditEvent.target_id == target_id,
        AuditEvent.role == who.role,
        col(AuditEvent.at) > now - VIEWING_WINDOW,
        col(AuditEvent.at) <= now,
    )
    for column, value in ((AuditEvent.actor_id, who.id), (AuditEvent.origin, who.origin)):
        query = query.where(col(column).is_(None) if value is None else col(column) == value)
    return db.exec(query.limit(1)).first() is not None


def start_viewing(
    db: Session,
    action: str,
    *,
    target_type: str,
    target_id: str,
    child_id: str,
    detail: str | None = None,
    actor: audit_trail.Actor | None = None,
    also: Callable[[], None] | None = None,
) -> bool:
    """Record a viewing (committed), unless this request is the rest of one already recorded
    (see the module's rule); `also` is done in the same transaction as a new viewing's row.
    True if a new viewing was recorded."""
    who = actor or audit_trail.actor_of(db)
    if _recorded_within_window(db, action, target_type, target_id, who):
        return False
    audit_trail.hold_head(db)
    if _recorded_within_window(db, action, target_type, target_id, who):
        db.rollback()
        return False
    audit_trail.append(
        db,
        action,
        target_type=target_type,
        target_id=target_id,
        child_id=child_id,
        detail=detail,
        actor=who,
    )
    if also is not None:
        also()
    db.commit()
    return True
