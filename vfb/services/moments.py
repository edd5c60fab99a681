"""Moments on a clip: made and changed one at a time as the worker marks them (a stale change is
refused, not silently lost), exported for other tools and imported back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from vfb.errors import Conflict, InvalidInput, NotFound
from vfb.models import Clip, Moment, MomentCreate, MomentPublic, MomentUpdate, Programme, User
from vfb.models.enums import ClipStatus
from vfb.review import moments as review
from vfb.review.exchange import from_csv, from_eaf
from vfb.review.schemes import Scheme, load_scheme
from vfb.services.access import get_clip, require_case_writer


def public(moment: Moment, scheme: Scheme) -> MomentPublic:
    return MomentPublic.model_validate(
        moment, update={"nice_category": scheme.nice_highlight(moment.category)}
    )


def _checked(clip: Clip, programme: Programme, value: review.Moment) -> review.Moment:
    """The moment, if it lies inside the clip and its category is in the programme's scheme."""
    if clip.status is not ClipStatus.ready or clip.duration_ms is None:
        raise Conflict("Moments can be marked once the clip is ready to play.")
    value.check_inside(clip.duration_ms)
    load_scheme(programme.coding_scheme).category(value.category)
    return value


def list_moments(*, db: Session, clip_id: str, by: User) -> tuple[list[Moment], Scheme]:
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    found = db.exec(
        select(Moment)
        .where(Moment.clip_id == clip.id)
        .order_by(col(Moment.start_ms), col(Moment.end_ms), Moment.id)
    ).all()
    return list(found), load_scheme(programme.coding_scheme)


def add_moment(
    *, db: Session, clip_id: str, data: MomentCreate, by: User, now: datetime
) -> tuple[Moment, Scheme]:
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    require_case_writer(by)
    end = data.start_ms if data.end_ms is None else data.end_ms
    value = _checked(
        clip,
        programme,
        review.Moment(data.start_ms, end, data.category, data.note, data.share_with_carer),
    )
    moment = _stored(value, clip.id, by, now)
    db.add(moment)
    db.commit()
    db.refresh(moment)
    return moment, load_scheme(programme.coding_scheme)


def _stored(value: review.Moment, clip_id: str, by: User, now: datetime) -> Moment:
    return Moment(
        clip_id=clip_id,
        start_ms=value.start_ms,
        end_ms=value.end_ms,
        category=value.category,
        note=value.note,
        share_with_carer=value.share_with_carer,
        author_id=by.id,
        created_at=now,
        updated_at=now,
    )


def _get(db: Session, moment_id: str, by: User) -> tuple[Moment, Clip, Programme]:
    moment = db.get(Moment, moment_id)
    if moment is None:
        raise NotFound.of("moment", moment_id)
    try:
        clip, programme = get_clip(db=db, clip_id=moment.clip_id, by=by)
    except NotFound:
        raise NotFound.of("moment", moment_id) from None
    return moment, clip, programme


def update_moment(
    *, db: Session, moment_id: str, data: MomentUpdate, by: User, now: datetime
) -> tuple[Moment, Scheme]:
    moment, clip, programme = _get(db, moment_id, by)
    require_case_writer(by)
    if data.version != moment.version:
        raise Conflict(
            "Someone else changed this moment after you opened it, so your change was not saved. "
            "Reload to see their version, then make your change again."
        )
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    proposed = review.Moment(
        changes.get("start_ms", moment.start_ms),
        changes.get("end_ms", moment.end_ms),
        changes.get("category", moment.category),
        changes.get("note", moment.note),
        changes.get("share_with_carer", moment.share_with_carer),
    )
    _checked(clip, programme, proposed)
    for field, value in changes.items():
        setattr(moment, field, value)
    moment.version += 1
    moment.updated_at = now
    db.add(moment)
    db.commit()
    db.refresh(moment)
    return moment, load_scheme(programme.coding_scheme)


def delete_moment(*, db: Session, moment_id: str, by: User) -> None:
    moment, _, _ = _get(db, moment_id, by)
    require_case_writer(by)
    db.delete(moment)
    db.commit()


def import_moments(
    *, db: Session, clip_id: str, text: str, kind: str, by: User, now: datetime
) -> list[Moment]:
    """Add every moment of a CSV or EAF file, or none of them if any is not valid."""
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    require_case_writer(by)
    if kind not in ("csv", "eaf"):
        raise InvalidInput("Moments can be imported from a .csv or an ELAN .eaf file.")
    values = from_csv(text) if kind == "csv" else from_eaf(text)
    made = [_stored(_checked(clip, programme, v), clip.id, by, now) for v in values]
    db.add_all(made)
    db.commit()
    return made
