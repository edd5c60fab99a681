"""Moments on a clip: made and changed one at a time as the worker marks them (a stale change is
refused, not silently lost), exported for other tools and imported back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlmodel import Session, col, select

from vfb.capture.timecode import format_timecode
from vfb.errors import Conflict, InvalidInput, NotFound
from vfb.models import (
    CarerComment,
    CarerCommentPublic,
    Clip,
    Moment,
    MomentCreate,
    MomentPublic,
    MomentUpdate,
    Programme,
    ProgrammeSession,
    SharedMoment,
    User,
)
from vfb.review import moments as review
from vfb.review.csv_import import Columns, read_csv
from vfb.review.elan import frame_ms, read_eaf
from vfb.review.imports import Plan, Reading, plan, plural
from vfb.review.schemes import Scheme, load_scheme
from vfb.services.infra.versions import claim_version
from vfb.services.protection import audit_trail
from vfb.services.protection.access import get_clip, get_programme, require_case_writer
from vfb.validation_words import sentence
from vfb.vocabulary import ClipStatus

STALE_MOMENT = (
    "Someone else changed this moment after you opened it, so your change was not saved. "
    "Reload to see their version, then make your change again."
)


def public(
    moment: Moment, scheme: Scheme, comments: list[CarerComment] | None = None
) -> MomentPublic:
    said = [CarerCommentPublic.model_validate(c) for c in comments or []]
    return MomentPublic.model_validate(
        moment,
        update={"nice_category": scheme.nice_highlight(moment.category), "carer_comments": said},
    )


def public_all(db: Session, found: list[Moment], scheme: Scheme) -> list[MomentPublic]:
    """The moments with what the carer said about each, in two queries."""
    said: dict[str, list[CarerComment]] = {}
    if found:
        ids = [m.id for m in found]
        statement = (
            select(CarerComment)
            .where(col(CarerComment.moment_id).in_(ids))
            .order_by(col(CarerComment.said_at), CarerComment.id)
        )
        for comment in db.exec(statement).all():
            said.setdefault(comment.moment_id, []).append(comment)
    return [public(m, scheme, said.get(m.id)) for m in found]


def as_marked(moment: Moment) -> review.MarkedMoment:
    return review.MarkedMoment(
        moment.start_ms,
        moment.end_ms,
        moment.category,
        moment.note,
        moment.share_with_carer,
        moment.caption,
        moment.child_words,
    )


def _checked(clip: Clip, programme: Programme, value: review.MarkedMoment) -> review.MarkedMoment:
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


def read_moments(*, db: Session, clip_id: str, by: User) -> tuple[list[Moment], Scheme]:
    """The clip's moments for someone to read (their notes too): in the audit trail, once."""
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    audit_trail.record_read(
        db, "moments.read", target_type="clip", target_id=clip.id, child_id=programme.child_id
    )
    return list_moments(db=db, clip_id=clip_id, by=by)


def add_moment(
    *, db: Session, clip_id: str, data: MomentCreate, by: User, now: datetime
) -> tuple[Moment, Scheme]:
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    require_case_writer(by)
    end = data.start_ms if data.end_ms is None else data.end_ms
    value = _checked(
        clip,
        programme,
        review.MarkedMoment(
            data.start_ms,
            end,
            data.category,
            data.note,
            data.share_with_carer,
            data.caption,
            data.child_words,
        ),
    )
    moment = _stored(value, clip.id, by, now)
    db.add(moment)
    db.commit()
    db.refresh(moment)
    return moment, load_scheme(programme.coding_scheme)


def _stored(value: review.MarkedMoment, clip_id: str, by: User, now: datetime) -> Moment:
    return Moment(
        clip_id=clip_id,
        start_ms=value.start_ms,
        end_ms=value.end_ms,
        category=value.category,
        note=value.note,
        share_with_carer=value.share_with_carer,
        caption=value.caption,
        child_words=value.child_words,
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
        raise Conflict(STALE_MOMENT)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    proposed = review.MarkedMoment(
        changes.get("start_ms", moment.start_ms),
        changes.get("end_ms", moment.end_ms),
        changes.get("category", moment.category),
        changes.get("note", moment.note),
        changes.get("share_with_carer", moment.share_with_carer),
        changes.get("caption", moment.caption),
        changes.get("child_words", moment.child_words),
    )
    _checked(clip, programme, proposed)
    claim_version(db, moment, data.version, STALE_MOMENT)
    for field, value in changes.items():
        setattr(moment, field, value)
    moment.updated_at = now
    db.add(moment)
    db.commit()
    db.refresh(moment)
    return moment, load_scheme(programme.coding_scheme)


def delete_moment(*, db: Session, moment_id: str, by: User) -> None:
    moment, _, _ = _get(db, moment_id, by)
    require_case_writer(by)
    forget_moments(db, [moment.id])
    db.delete(moment)
    db.commit()


def forget_moments(db: Session, moment_ids: list[str]) -> None:
    """Remove what hangs off moments about to be deleted (the carer's comments)."""
    if moment_ids:
        statement = select(CarerComment).where(col(CarerComment.moment_id).in_(moment_ids))
        for comment in db.exec(statement).all():
            db.delete(comment)


def carer_caption(moment: Moment, scheme: Scheme) -> str:
    """The words the carer sees: the caption, or the category's name when there is none."""
    return moment.caption or scheme.category(moment.category).label


def shared_moments(*, db: Session, clip_id: str, by: User) -> list[SharedMoment]:
    """What the carer sees in a joint review: the shared moments in order, with their captions
    and the stretch each plays, and nothing the worker wrote for themselves."""
    clip, _ = get_clip(db=db, clip_id=clip_id, by=by)
    found, scheme = list_moments(db=db, clip_id=clip_id, by=by)
    duration = clip.duration_ms or 0
    shown = []
    for m in found:
        if not m.share_with_carer:
            continue
        category = scheme.category(m.category)
        play_from, play_to = review.play_span(m.start_ms, m.end_ms, duration)
        shown.append(
            SharedMoment(
                id=m.id,
                clip_id=m.clip_id,
                start_ms=m.start_ms,
                end_ms=m.end_ms,
                category=m.category,
                label=category.label,
                nice_category=category.nice,
                caption=carer_caption(m, scheme),
                child_words=m.child_words,
                version=m.version,
                play_from_ms=play_from,
                play_to_ms=play_to,
            )
        )
    return shown


def add_carer_comment(
    *, db: Session, moment_id: str, text: str, by: User, now: datetime
) -> CarerComment:
    moment, _, _ = _get(db, moment_id, by)
    require_case_writer(by)
    comment = CarerComment(
        moment_id=moment.id, text=text.strip(), recorded_by_id=by.id, said_at=now
    )
    if not comment.text:
        raise InvalidInput("Type what the carer said first.")
    db.add(comment)
    db.commit()
    db.refresh(comment)
    return comment


def programme_moments(
    *, db: Session, programme_id: str, by: User
) -> tuple[list[tuple[Moment, ProgrammeSession]], Scheme]:
    """Every moment of a programme with the session it was filmed in, oldest session first."""
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    audit_trail.record_read(
        db,
        "moments.read",
        target_type="programme",
        target_id=programme.id,
        child_id=programme.child_id,
    )
    statement = (
        select(Moment, ProgrammeSession)
        .join(Clip, col(Clip.id) == Moment.clip_id)
        .join(ProgrammeSession, col(ProgrammeSession.id) == Clip.session_id)
        .where(ProgrammeSession.programme_id == programme.id)
        .order_by(col(ProgrammeSession.number), col(Moment.start_ms), Moment.id)
    )
    rows = [(m, s) for m, s in db.exec(statement).all()]
    return rows, load_scheme(programme.coding_scheme)


def _as_if_typed(value: review.MarkedMoment, number: int) -> None:
    """An imported moment must pass what the API asks of one typed in (`MomentCreate`): no
    control characters (PostgreSQL cannot store a NUL), no note longer than a typed one."""
    try:
        MomentCreate(
            start_ms=value.start_ms,
            end_ms=value.end_ms,
            category=value.category,
            note=value.note,
            share_with_carer=value.share_with_carer,
            caption=value.caption,
            child_words=value.child_words,
        )
    except ValidationError as error:
        _, problem = sentence(error.errors()[0])
        where = f"Moment {number} of the file (at {format_timecode(value.start_ms)})"
        raise InvalidInput(f"{where}: {problem}") from None


@dataclass
class ImportReading:
    """A file read for one clip, and the moments it makes with the mapping given."""

    reading: Reading
    plan: Plan
    clip: Clip
    programme: Programme


def read_import(
    *,
    db: Session,
    clip_id: str,
    text: str,
    kind: str,
    mapping: dict[str, str],
    columns: Columns | None,
    by: User,
) -> ImportReading:
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    require_case_writer(by)
    if clip.status is not ClipStatus.ready or clip.duration_ms is None:
        raise Conflict("Moments can be imported once the clip is ready to play.")
    scheme = load_scheme(programme.coding_scheme)
    categories = {c.code: c.label for c in scheme.categories}
    if kind == "csv":
        reading = read_csv(text, categories, columns)
    elif kind == "eaf":
        reading = read_eaf(text, categories)
    else:
        raise InvalidInput("Moments can be imported from a .csv or an ELAN .eaf file.")
    found = plan(
        reading,
        mapping=mapping,
        categories=categories,
        duration_ms=clip.duration_ms,
        frame_ms=frame_ms(clip.fps) if kind == "eaf" else 0,
    )
    return ImportReading(reading, found, clip, programme)


def import_moments(
    *,
    db: Session,
    clip_id: str,
    text: str,
    kind: str,
    by: User,
    now: datetime,
    mapping: dict[str, str] | None = None,
    columns: Columns | None = None,
    skip_outside: bool = False,
) -> list[Moment]:
    """Add every moment the file makes with the mapping, or none of them if one is not valid;
    what lies after the clip's end is skipped only with the worker's say-so."""
    read = read_import(
        db=db, clip_id=clip_id, text=text, kind=kind, mapping=mapping or {}, columns=columns, by=by
    )
    if read.plan.undecided:
        raise InvalidInput(
            f"Choose a category for {', '.join(read.plan.undecided)}, or skip "
            f"{'it' if len(read.plan.undecided) == 1 else 'them'}."
        )
    if read.plan.outside and not skip_outside:
        first = read.plan.outside[0]
        raise InvalidInput(
            f"{plural(len(read.plan.outside), 'annotation')} of the file end after the clip's "
            f"end ({format_timecode(read.clip.duration_ms or 0)}), the first at "
            f"{format_timecode(first.start_ms)} ({first.source}). Agree to skip them "
            "(skip_outside=true) to import the rest."
        )
    for number, value in enumerate(read.plan.moments, start=1):
        _as_if_typed(value, number)
    made = [
        _stored(_checked(read.clip, read.programme, v), read.clip.id, by, now)
        for v in read.plan.moments
    ]
    db.add_all(made)
    db.commit()
    return made
