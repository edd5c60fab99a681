"""Clips of a session: accepting an import, trimming, listing, deleting, and keeping the session's
`filmed_seconds` equal to the length of its interaction clips."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from vfb.actions import Action
from vfb.capture.clipmaker import plan_for
from vfb.capture.files import sha256_of
from vfb.capture.frames import FRAMES, encoded, read_frame_times
from vfb.capture.probe import MediaBounds, MediaFacts, probe
from vfb.capture.trim import TrimMode, trim
from vfb.errors import Conflict, NotFound, StoreUnavailable
from vfb.models import (
    Clip,
    ClipPublic,
    FootageRemoval,
    Moment,
    Programme,
    ProgrammeSession,
    TrimRequest,
    User,
)
from vfb.models.clip import ThumbnailsPublic
from vfb.services.footage.removals import folder, remove_later, remove_now
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection.access import (
    get_clip,
    get_session,
    require,
    require_case_writer,
    require_consent,
)
from vfb.services.record.visits import hold_booked_visit
from vfb.services.review.moments import forget_moments
from vfb.services.review.reels import forget_reels_showing
from vfb.settings import Settings
from vfb.vocabulary import ClipOrigin, ClipStatus

INTERACTION_MIN_MS = 10 * 60 * 1000
INTERACTION_MAX_MS = 20 * 60 * 1000
SOURCE_EXTENSIONS = (".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".3gp")


def interaction_note(duration_ms: int | None) -> str | None:
    """NG26 films 10–20 minutes of interaction; outside that is allowed, but said."""
    if duration_ms is None:
        return None
    if duration_ms < INTERACTION_MIN_MS:
        return "Shorter than the 10 minutes of interaction NICE describes."
    if duration_ms > INTERACTION_MAX_MS:
        return "Longer than the 20 minutes of interaction NICE describes."
    return None


def public(clip: Clip, programme_id: str, store: MediaStore) -> ClipPublic:
    thumbnails = None
    if clip.review_media:
        index = store.review_file(programme_id, clip.id, "thumbnails.json")
        try:
            thumbnails = ThumbnailsPublic.model_validate_json(store.read_bytes(index, lasting=True))
        except (OSError, ValueError, StoreUnavailable):
            thumbnails = None
    return ClipPublic.model_validate(
        clip,
        update={
            "programme_id": programme_id,
            "interaction_note": interaction_note(clip.duration_ms),
            "thumbnails": thumbnails,
        },
    )


def session_for_filming(
    *, db: Session, session_id: str, by: User | None, today: date, doing: str
) -> tuple[ProgrammeSession, Programme]:
    """The session, if `by` may add footage to it (`None`: the operator at the command line) and a
    carer's filming consent is in force. Checked before a single byte is stored."""
    if by is None:
        session = db.get(ProgrammeSession, session_id)
        if session is None:
            raise NotFound.of("session", session_id)
    else:
        session = get_session(db=db, session_id=session_id, by=by)
        require(by, Action.footage_add)
    programme = db.get(Programme, session.programme_id)
    assert programme is not None
    require_consent(
        db=db, action=Action.footage_add, programme=programme, by=by, today=today, doing=doing
    )
    if db.get(FootageRemoval, f"{programme.id}/") is not None:  # its files all go first
        raise Conflict(
            "This programme's earlier footage is still being deleted from the footage store, "
            "which could not be reached; new footage can be added once that is done (vfb keeps "
            "trying). Nothing was stored."
        )
    return session, programme


def session_for_import(
    *, db: Session, session_id: str, by: User, now: datetime, held_today: bool
) -> tuple[ProgrammeSession, Programme]:
    """The session a worker imports footage into, checked before a byte is stored. Footage of a
    booked visit means it took place: it is held, by the one rule filming follows (a visit booked
    for a later day only if the worker said it is being held today). Committed with the clip, so
    an upload that fails changes nothing."""
    session, programme = session_for_filming(
        db=db,
        session_id=session_id,
        by=by,
        today=now.date(),
        doing="import footage for this session",
    )
    hold_booked_visit(
        session,
        programme,
        now,
        once_held="import its footage then, or say that it is being held today.",
        held_today=held_today,
    )
    db.add(session)
    db.add(programme)
    return session, programme


def bounds_of(settings: Settings) -> MediaBounds:
    """The operator's bounds on what footage vfb takes (VFB_MAX_CLIP_MINUTES and the rest)."""
    return MediaBounds(
        max_duration_ms=settings.max_clip_minutes * 60_000,
        max_pixels=settings.max_frame_pixels,
        max_side=settings.max_frame_side,
        max_fps=settings.max_fps,
    )


def source_extension(name: str | None) -> str:
    suffix = Path(name or "").suffix.lower()
    return suffix if suffix in SOURCE_EXTENSIONS else ".mp4"


def accept_source(
    *,
    db: Session,
    store: MediaStore,
    session: ProgrammeSession,
    programme: Programme,
    clip_id: str,
    received: Path,
    original_name: str | None,
    origin: ClipOrigin,
    by: User | None,
    now: datetime,
    recovered: bool = False,
    claim_for: str | None = None,
    bounds: MediaBounds | None = None,
    also: Callable[[Clip], None] | None = None,
    put_back: bool = False,
) -> Clip:
    """Make a clip of a file already stored in the clip's folder, if a video in it decodes and is
    within `bounds` (else `UnreadableMedia`, and the clip's folder is removed). The clip is
    `processing` until its job is done. `also` is done in the same transaction, once the clip's
    row is written. With `put_back`, `received` is left as it came when it is refused or the
    clip cannot be saved (a recording's bytes go back to be its chunks); without, it goes with
    the clip's folder."""
    name = Path(original_name).name if original_name else "The file"
    try:
        facts = probe(received, name, bounds or MediaBounds())
    except Exception:
        if not put_back:
            store.remove_clip(programme.id, clip_id)
        raise
    ext = source_extension(original_name)
    source = store.source_file(programme.id, clip_id, ext)
    received.replace(source)
    playable = plan_for(facts).extension  # copied as it is, or made an MP4
    clip = Clip(
        id=clip_id,
        session_id=session.id,
        origin=origin,
        status=ClipStatus.processing,
        recovered=recovered,
        original_name=(original_name or None) and Path(original_name or "").name[:255],
        source_ext=ext,
        playable_ext=playable,
        stage="Waiting to be made playable",
        claimed_by=claim_for,
        claimed_at=now if claim_for else None,
        created_by_id=by.id if by else None,
        created_at=now,
        updated_at=now,
    )
    _apply_facts(clip, facts)
    try:
        store.keep(source, let_go=False)  # let go once the clip is committed
        db.add(clip)
        if also is not None:
            db.flush()
            also(clip)
        db.commit()
    except BaseException:
        db.rollback()
        with suppress(FileNotFoundError):  # (unless a withdrawal took it meanwhile)
            source.replace(received)  # as it came: a recording puts it back with its chunks
        with suppress(StoreUnavailable):  # what reached the store goes: no clip refers to it
            if put_back:
                store.remove_file(source)  # (it is no longer at that name here)
            else:
                store.remove_clip(programme.id, clip_id)
        raise
    store.let_go(source)
    db.refresh(clip)
    return clip


def _apply_facts(clip: Clip, facts: MediaFacts) -> None:
    clip.duration_ms = facts.duration_ms
    clip.width, clip.height, clip.fps = facts.width, facts.height, facts.fps
    clip.video_codec, clip.audio_codec = facts.video_codec, facts.audio_codec
    clip.size_bytes = facts.size_bytes


def record_made_clip(db: Session, clip: Clip, path: Path, now: datetime) -> None:
    """After clip.mp4 is written: its facts and checksum, and the session's filmed time."""
    _apply_facts(clip, probe(path))
    clip.sha256 = sha256_of(path)
    clip.updated_at = now
    db.add(clip)
    refresh_filmed_seconds(db, clip.session_id)
    db.commit()


def refresh_filmed_seconds(db: Session, session_id: str) -> None:
    """The session's filmed time is the length of its interaction clips: those not trimmed into
    further clips (trimming replaces the raw film with the interaction cut from it)."""
    parents = select(Clip.parent_id).where(
        Clip.session_id == session_id,
        col(Clip.parent_id).is_not(None),
        Clip.status != ClipStatus.failed,
    )
    total, count = db.exec(
        select(func.coalesce(func.sum(Clip.duration_ms), 0), func.count()).where(
            Clip.session_id == session_id,
            Clip.status != ClipStatus.failed,
            col(Clip.duration_ms).is_not(None),
            col(Clip.id).not_in(parents),
        )
    ).one()
    session = db.get(ProgrammeSession, session_id)
    if session is not None:
        session.filmed_seconds = round(int(total or 0) / 1000) if count else None
        db.add(session)


def list_clips(*, db: Session, session_id: str, by: User) -> list[Clip]:
    get_session(db=db, session_id=session_id, by=by)
    statement = (
        select(Clip).where(Clip.session_id == session_id).order_by(col(Clip.created_at), Clip.id)
    )
    return list(db.exec(statement).all())


def playable_file(store: MediaStore, clip: Clip, programme_id: str) -> Path:
    if clip.status is ClipStatus.deleted:
        raise Conflict(clip.detail or "This clip's footage was deleted.")
    path = store.clip_file(programme_id, clip.id, clip.playable_ext)
    if clip.status is ClipStatus.failed or not store.exists(path):
        raise Conflict(
            "This clip is not playable yet: it is still being prepared."
            if clip.status is ClipStatus.processing
            else f"This clip could not be made playable: {clip.detail or 'see its page'}."
        )
    return path


def trim_clip(
    *, db: Session, store: MediaStore, clip_id: str, data: TrimRequest, by: User, now: datetime
) -> tuple[Clip, str]:
    """Cut a new clip out of a clip; the original is never changed."""
    parent, programme = get_clip(db=db, clip_id=clip_id, by=by)
    require_case_writer(by)
    source = playable_file(store, parent, programme.id)
    clip = Clip(
        session_id=parent.session_id,
        parent_id=parent.id,
        origin=ClipOrigin.trim,
        status=ClipStatus.processing,
        stage="Waiting for thumbnails and waveform",
        original_name=parent.original_name,
        created_by_id=by.id,
        created_at=now,
        updated_at=now,
    )
    dest = store.clip_file(programme.id, clip.id)
    try:
        with store.at_hand(source) as whole:
            result = trim(
                whole, dest, from_ms=data.from_ms, to_ms=data.to_ms, mode=TrimMode(data.mode)
            )
        store.keep(dest, let_go=False)
    except BaseException:
        store.remove_clip(programme.id, clip.id)
        raise
    clip.trim_from_ms, clip.trim_to_ms = result.start_ms, result.end_ms
    db.add(clip)
    record_made_clip(db, clip, dest, now)
    store.let_go(dest)
    db.refresh(clip)
    return clip, programme.id


def frame_times(db: Session, store: MediaStore, clip: Clip, programme_id: str) -> bytes:
    """The clip's frame times, gzipped JSON: read from the clip the first time they are asked
    for (so clips made before frame times existed have them too), then kept beside it; a clip
    never changes, so they are never read again."""
    path = playable_file(store, clip, programme_id)
    kept = store.review_file(programme_id, clip.id, FRAMES)
    try:
        return store.read_bytes(kept)
    except FileNotFoundError:
        pass
    data = encoded(read_frame_times(store.readable(path)))
    store.keep_bytes(kept, data)
    still = db.exec(select(Clip.status).where(col(Clip.id) == clip.id)).first()
    if still in (None, ClipStatus.deleted):  # deleted while they were read: they go too
        remove_later(db, [store.name_of(kept)])
        db.commit()
        remove_now(db, store, [store.name_of(kept)])
    return data


def delete_clip(*, db: Session, store: MediaStore, clip_id: str, by: User) -> None:
    clip, programme = get_clip(db=db, clip_id=clip_id, by=by)
    require_case_writer(by)
    moments = db.exec(select(Moment).where(Moment.clip_id == clip.id)).all()
    reels = forget_reels_showing(db, store, programme.id, {m.id for m in moments})
    forget_moments(db, [m.id for m in moments])
    db.flush()
    for moment in moments:
        db.delete(moment)
    for child in db.exec(select(Clip).where(Clip.parent_id == clip.id)).all():
        child.parent_id = None
        db.add(child)
    db.flush()
    db.delete(clip)
    refresh_filmed_seconds(db, clip.session_id)
    files = [folder(store, store.clip_dir(programme.id, clip.id)), *reels]
    remove_later(db, files)
    db.commit()
    remove_now(db, store, files)
