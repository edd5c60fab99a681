"""Watching footage: reach, the carer's `supervision` consent when someone other than the worker
watches (a supervisor or manager), and a row in the audit trail for every view."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from vfb.models import Clip, Programme, Reel, User
from vfb.models.enums import ConsentScope, Role
from vfb.services import audit
from vfb.services.access import get_clip
from vfb.services.consents import require_active_consent
from vfb.services.reels import get_reel

OVERSEERS = (Role.supervisor, Role.manager)


def _supervision_allowed(db: Session, programme: Programme, by: User, today: date) -> None:
    """Anyone but the worker delivering the programme needs the carer's supervision consent."""
    if by.role in OVERSEERS and by.id != programme.worker_id:
        require_active_consent(
            db=db,
            programme_id=programme.id,
            scope=ConsentScope.supervision,
            today=today,
            doing="show this footage to anyone but the family's worker",
        )


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
        audit.append(
            db,
            action,
            target_type="clip",
            target_id=clip.id,
            child_id=programme.child_id,
            detail=detail,
        )
        db.commit()
    return clip, programme


def watch_reel(
    *, db: Session, reel_id: str, by: User, today: date, action: str, record: bool = True
) -> Reel:
    reel = get_reel(db=db, reel_id=reel_id, by=by)
    programme = db.get(Programme, reel.programme_id)
    assert programme is not None
    _supervision_allowed(db, programme, by, today)
    if record:
        audit.append(db, action, target_type="reel", target_id=reel.id, child_id=programme.child_id)
        db.commit()
    return reel


def first_request_of_a_viewing(method: str, range_header: str | None) -> bool:
    """A player asks for a file in many range requests; the first (no range, or from byte 0)
    starts a viewing, the rest are seeks within it. HEAD fetches nothing."""
    if method == "HEAD":
        return False
    return range_header is None or range_header.replace(" ", "").startswith("bytes=0-")
