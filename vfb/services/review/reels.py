"""Highlight reels: moments of a programme, chosen by the worker, cut into one MP4 to give the
carer. Only with a carer's `share_with_carer` consent; made in the background by the media
worker."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from vfb.actions import Action
from vfb.capture.reel import ReelPart, ReelPlan, make_reel, plan_for
from vfb.capture.timecode import format_timecode
from vfb.errors import InvalidInput, NotFound
from vfb.models import Clip, Moment, Programme, ProgrammeSession, Reel, ReelCreate, User
from vfb.review.moments import play_span
from vfb.review.schemes import load_scheme
from vfb.services.footage.removals import remove_later, remove_now
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection.access import (
    get_programme,
    require,
    require_case_writer,
    require_consent,
)
from vfb.services.review.moments import carer_caption
from vfb.vocabulary import ClipStatus, ReelStatus

MakeReel = Callable[[list[ReelPart], Path, ReelPlan, Callable[[float], None]], int]


def _chosen(
    db: Session, store: MediaStore, programme: Programme, moment_ids: list[str]
) -> tuple[list[ReelPart], ReelPlan]:
    """The reel's parts, in the order chosen, if every moment belongs to this programme and its
    clip is ready."""
    if len(set(moment_ids)) != len(moment_ids):
        raise InvalidInput("A moment can be in the reel only once.")
    rows = db.exec(
        select(Moment, Clip)
        .join(Clip, col(Clip.id) == Moment.clip_id)
        .join(ProgrammeSession, col(ProgrammeSession.id) == Clip.session_id)
        .where(col(Moment.id).in_(moment_ids), ProgrammeSession.programme_id == programme.id)
    ).all()
    found = {m.id: (m, c) for m, c in rows}
    missing = [i for i in moment_ids if i not in found]
    if missing:
        raise NotFound(f"There is no moment {missing[0]!r} in this programme.")
    scheme = load_scheme(programme.coding_scheme)
    parts: list[ReelPart] = []
    first_clip: Clip | None = None
    for moment_id in moment_ids:
        moment, clip = found[moment_id]
        if not moment.share_with_carer:
            raise InvalidInput(
                "Only moments marked to share with the carer can go in their reel; "
                f"the one at {format_timecode(moment.start_ms)} is not."
            )
        if clip.status is ClipStatus.deleted:
            raise InvalidInput(clip.detail or "A moment's footage was deleted.")
        if clip.status is not ClipStatus.ready or clip.duration_ms is None:
            raise InvalidInput("A moment's clip is still being prepared; try again shortly.")
        first_clip = first_clip or clip
        start, end = play_span(moment.start_ms, moment.end_ms, clip.duration_ms)
        caption = carer_caption(moment, scheme)
        source = store.clip_file(programme.id, clip.id, clip.playable_ext)
        parts.append(ReelPart(source, start, end, caption, moment.child_words))
    assert first_clip is not None
    plan = plan_for(first_clip.width or 1280, first_clip.height or 720, first_clip.fps or 30)
    return parts, plan


def plan_reel(
    *, db: Session, store: MediaStore, programme_id: str, data: ReelCreate, by: User
) -> int:
    """How long the reel of these moments would be, before it is made."""
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    parts, plan = _chosen(db, store, programme, data.moment_ids)
    return plan.length_ms(parts)


def start_reel(
    *, db: Session, store: MediaStore, programme_id: str, data: ReelCreate, by: User, now: datetime
) -> Reel:
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    require(by, Action.reel_make)
    require_consent(db=db, action=Action.reel_make, programme=programme, by=by, today=now.date())
    parts, plan = _chosen(db, store, programme, data.moment_ids)
    reel = Reel(
        programme_id=programme.id,
        moment_ids=list(data.moment_ids),
        length_ms=plan.length_ms(parts),
        created_by_id=by.id,
        created_at=now,
    )
    db.add(reel)
    db.commit()
    db.refresh(reel)
    return reel


def build_reel(
    db: Session,
    store: MediaStore,
    reel: Reel,
    report: Callable[[float], None],
    make: MakeReel = make_reel,
) -> None:
    """Make the reel's file (called by the media worker, whose `make` runs `make_reel` in a
    child process). A moment deleted since the reel was asked for is left out; if none is left,
    the reel fails with a reason."""
    programme = db.get(Programme, reel.programme_id)
    assert programme is not None
    still_there = set(db.exec(select(Moment.id).where(col(Moment.id).in_(reel.moment_ids))).all())
    parts, plan = _chosen(db, store, programme, [i for i in reel.moment_ids if i in still_there])
    target = reel_file(store, reel)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with ExitStack() as sources:  # each clip on this machine's disk while the reel is cut
        here = {s: sources.enter_context(store.at_hand(s)) for s in {p.source for p in parts}}
        make([replace(part, source=here[part.source]) for part in parts], target, plan, report)
    reel.size_bytes = target.stat().st_size
    reel.length_ms = plan.length_ms(parts)
    store.keep(target)


def reel_file(store: MediaStore, reel: Reel) -> Path:
    return store.programme_dir(reel.programme_id) / "reels" / f"{reel.id}.mp4"


def get_reel(*, db: Session, reel_id: str, by: User) -> Reel:
    reel = db.get(Reel, reel_id)
    if reel is None:
        raise NotFound.of("reel", reel_id)
    try:
        get_programme(db=db, programme_id=reel.programme_id, by=by)
    except NotFound:
        raise NotFound.of("reel", reel_id) from None
    return reel


def ready_reel_file(store: MediaStore, reel: Reel) -> Path:
    path = reel_file(store, reel)
    if reel.status is not ReelStatus.ready or not store.exists(path):
        raise InvalidInput(
            "This reel is still being made."
            if reel.status is ReelStatus.building
            else f"This reel could not be made: {reel.detail or 'try making it again'}."
        )
    return path


def list_reels(*, db: Session, programme_id: str, by: User) -> list[Reel]:
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    statement = (
        select(Reel)
        .where(Reel.programme_id == programme.id)
        .order_by(col(Reel.created_at).desc(), Reel.id)
    )
    return list(db.exec(statement).all())


def delete_reel(*, db: Session, store: MediaStore, reel_id: str, by: User) -> None:
    reel = get_reel(db=db, reel_id=reel_id, by=by)
    require_case_writer(by)
    name = store.name_of(reel_file(store, reel))
    remove_later(db, [name])
    db.delete(reel)
    db.commit()
    remove_now(db, store, [name])


def forget_reels_showing(
    db: Session, store: MediaStore, programme_id: str, ids: set[str]
) -> list[str]:
    """Delete every reel that shows any of these moments (their clip is being deleted): the
    names of their files, listed to go (`remove_now` them once the caller commits)."""
    names: list[str] = []
    if not ids:
        return names
    for reel in db.exec(select(Reel).where(Reel.programme_id == programme_id)).all():
        if ids & set(reel.moment_ids):
            names.append(store.name_of(reel_file(store, reel)))
            db.delete(reel)
    remove_later(db, names)
    return names
