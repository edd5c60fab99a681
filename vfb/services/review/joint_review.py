"""A joint review with the carer, recorded on the session in which it was held: that the video was
watched together, for how long, and which NICE highlights the moments shown were."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from vfb.errors import Conflict, InvalidInput
from vfb.models import Moment, ProgrammeSession, SharedReviewCreate, User
from vfb.review.schemes import load_scheme
from vfb.services.protection.access import get_clip, get_session, require_case_writer
from vfb.services.record.visits import hold_booked_visit
from vfb.vocabulary import Highlight, SessionStatus


def record_shared_review(
    *, db: Session, session_id: str, data: SharedReviewCreate, by: User, now: datetime
) -> ProgrammeSession:
    session = get_session(db=db, session_id=session_id, by=by)
    require_case_writer(by)
    clip, programme = get_clip(db=db, clip_id=data.clip_id, by=by)
    if programme.id != session.programme_id:
        raise InvalidInput("The clip watched must belong to the same programme as the session.")
    if session.status in (SessionStatus.cancelled, SessionStatus.did_not_attend):
        raise Conflict(
            f"Session {session.number} did not take place, so no review can be recorded on it."
        )
    hold_booked_visit(
        session, programme, now, once_held="a review can be recorded on it once it is held."
    )
    db.add(programme)
    shown = db.exec(
        select(Moment).where(
            col(Moment.id).in_(data.shown_moment_ids),
            Moment.clip_id == clip.id,
            col(Moment.share_with_carer).is_(True),
        )
    ).all()
    if len(shown) != len(set(data.shown_moment_ids)):
        raise InvalidInput("Only this clip's moments marked to share with the carer can be shown.")
    scheme = load_scheme(programme.coding_scheme)
    highlights = set(session.review_highlights) | {
        Highlight(scheme.nice_highlight(m.category)) for m in shown
    }
    session.reviewed_with_carer = True
    session.review_minutes = min(24 * 60, (session.review_minutes or 0) + data.minutes)
    session.review_highlights = [h for h in Highlight if h in highlights]
    session.updated_at = now
    db.add(session)
    db.commit()
    db.refresh(session)
    return session
