"""Browser recordings arriving in one-second chunks: each appended durably and acknowledged once;
a recording the tab stopped sending (closed, crashed, or the server killed) is finalised as
*recovered* with everything that was acknowledged.

One recording's chunks may reach different server processes (a team server runs several), and a
media worker elsewhere may recover it: whoever adds to it, stops it or recovers it first locks its
row in the database, or on SQLite a lock file (`held`), and decides on what it reads after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, update
from sqlmodel import Session, col, select

from vfb.capture.files import append_durably, free_bytes, keep_as
from vfb.capture.probe import MediaBounds
from vfb.errors import (
    ChunkOutOfOrder,
    Conflict,
    DiskFull,
    MediaFailed,
    StoreUnavailable,
    VfbError,
)
from vfb.models import Clip, Programme, ProgrammeSession, Recording, RecordingCreate, User
from vfb.models.base import new_id
from vfb.models.clip import RecordingPublic
from vfb.services.footage.clips import accept_source, session_for_filming, source_extension
from vfb.services.footage.removals import folder as folder_name
from vfb.services.footage.removals import remove_later, remove_now
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection.access import get_recording, require_case_writer
from vfb.services.record.visits import hold_booked_visit
from vfb.vocabulary import ClipOrigin, RecordingStatus

EXTENSIONS = {"video/webm": ".webm", "video/mp4": ".mp4", "video/x-matroska": ".mkv"}


def extension_for(mime_type: str) -> str:
    return EXTENSIONS.get(mime_type.split(";")[0].strip().lower(), ".webm")


def public(recording: Recording, store: MediaStore) -> RecordingPublic:
    return RecordingPublic(
        **recording.model_dump(include=set(RecordingPublic.model_fields) - {"free_bytes"}),
        free_bytes=free_bytes(store.root),
    )


def start_recording(
    *,
    db: Session,
    store: MediaStore,
    session_id: str,
    data: RecordingCreate,
    by: User | None,
    now: datetime,
) -> Recording:
    session, programme = session_for_filming(
        db=db, session_id=session_id, by=by, today=now.date(), doing="record this session"
    )
    if by is not None:  # the operator at the command line films the session they name
        hold_booked_visit(
            session,
            programme,
            now,
            once_held="film it then, or say that it is being held today.",
            held_today=data.held_today,
        )
        db.add(session)
        db.add(programme)
    recording = Recording(
        session_id=session.id,
        mime_type=data.mime_type,
        created_by_id=by.id if by else None,
        created_at=now,
        updated_at=now,
    )
    if not store.chunks_apart:
        folder = store.recording_dir(programme.id, recording.id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        store.chunks_file(programme.id, recording.id).touch(mode=0o600)
    db.add(recording)
    db.commit()
    db.refresh(recording)
    return recording


def chunk_arriving(*, db: Session, store: MediaStore, recording_id: str, by: User) -> Path:
    """Where a chunk of the recording may be received (a `.part` file beside it), once the sender
    may add to it: checked before a byte of the chunk is read."""
    recording, programme = get_recording(db=db, recording_id=recording_id, by=by)
    require_case_writer(by)
    _check_open(recording)
    return incoming(store, programme.id, recording.id)


def incoming(store: MediaStore, programme_id: str, recording_id: str) -> Path:
    """A new `.part` file to receive a piece of the recording into, beside its other pieces."""
    folder = store.recording_dir(programme_id, recording_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # the first piece to reach this machine
    return folder / f".incoming-{new_id()}.part"


class ElsewhereNow(Conflict):
    """A `vfb record` recording whose file is on another machine: that machine saves it."""


def lock_file(db: Session, store: MediaStore, programme_id: str, recording_id: str) -> Path:
    """On SQLite, where the recording's lock file is: beside the database, which every process
    of it shares (their footage folders may be their own, with an object store)."""
    bind = db.get_bind()
    database = (bind.engine if isinstance(bind, Connection) else bind).url.database
    if database and database.startswith("file:"):  # a URI: file:/srv/vfb.db?mode=rwc
        database = database.removeprefix("file:").split("?", 1)[0]
    if database and database != ":memory:":
        return Path(database).parent / "recording-locks" / f"{recording_id}.lock"
    return store.recording_lock(programme_id, recording_id)


@contextmanager
def held(
    db: Session, store: MediaStore, recording: Recording, programme: Programme
) -> Iterator[None]:
    """Hold the recording, across every process, for the block, and read it again first. The
    block ends its transaction (commits, or rolls back what it decided against); an error rolls
    it back. On PostgreSQL the row's lock (an UPDATE takes it, until the commit or
    rollback); on SQLite, whose processes share one machine, a lock on a file beside the
    recording's folder, so that writing and syncing a chunk does not hold the whole database's
    write lock (every other recording's chunks would wait on it)."""
    try:
        if db.get_bind().dialect.name == "sqlite":
            lock = lock_file(db, store, programme.id, recording.id)
            with store.locked(lock) as remove_lock_file:
                try:
                    db.refresh(recording)
                    yield
                except BaseException:
                    db.rollback()  # what the block did not commit is not kept
                    raise
                finally:
                    if recording.status is not RecordingStatus.open:
                        remove_lock_file()  # nothing will be decided about it again
        else:
            db.exec(
                update(Recording)
                .where(col(Recording.id) == recording.id)
                .values(id=Recording.id)
                .execution_options(synchronize_session=False)
            )
            db.refresh(recording)
            yield
    except BaseException:
        db.rollback()
        raise


def _check_open(recording: Recording) -> None:
    if recording.status is RecordingStatus.deleted:
        raise Conflict(
            "Consent to filming or storage was withdrawn, so this recording was stopped and "
            "everything it had sent was deleted."
        )
    if recording.status is not RecordingStatus.open:
        raise Conflict(
            "This recording has already been stopped and saved; start a new one to go on."
        )


def append_chunk(
    *,
    db: Session,
    store: MediaStore,
    recording_id: str,
    index: int,
    received: Path,
    by: User,
    now: datetime,
    min_free_bytes: int = 0,
) -> Recording:
    """Store chunk `index` (received into the file `received`) durably, once: a resent chunk is
    acknowledged without being written again, and one that arrives before its turn is refused
    with the index expected. Below `min_free_bytes` of free disk, chunks are refused (507) so
    that what was recorded can still be saved as a clip."""
    recording, programme = get_recording(db=db, recording_id=recording_id, by=by)
    require_case_writer(by)
    with held(db, store, recording, programme):
        _check_open(recording)
        if index < recording.chunks:  # a resend: already kept
            db.rollback()
            db.refresh(recording)
            return recording
        if index > recording.chunks:
            raise ChunkOutOfOrder(
                f"Chunk {index} arrived before chunk {recording.chunks}; send that one first.",
                expected=recording.chunks,
            )
        check_space(store, recording, programme, received.stat().st_size, min_free_bytes)
        keep_piece(db, store, recording, programme, received, now)
        db.commit()
    after_piece(db, store, recording, programme)
    return recording


def check_space(
    store: MediaStore, recording: Recording, programme: Programme, size: int, min_free: int
) -> None:
    """Refuse a piece that would leave less than `min_free` bytes of disk (507), so that what
    was already kept can still be saved."""
    if free_bytes(store.chunks_file(programme.id, recording.id).parent) - size >= min_free:
        return
    if recording.upload_length is not None:
        raise DiskFull(
            "The server's disk is nearly full, so this upload has paused. Everything sent so far "
            "is kept; it goes on from there once some space is freed."
        )
    raise DiskFull(
        "The disk is nearly full, so the recording has stopped. Everything recorded so "
        "far is kept; stop and save it, then free some space before filming again."
    )


def keep_piece(
    db: Session,
    store: MediaStore,
    recording: Recording,
    programme: Programme,
    received: Path,
    now: datetime,
) -> None:
    """Add the file `received` to the end of the (held) recording, durably; the caller commits."""
    chunks = store.chunks_file(programme.id, recording.id)
    if store.chunks_apart:
        store.keep_chunk(programme.id, recording.id, recording.chunks, received)
        recording.bytes += received.stat().st_size
    elif recording.bytes == 0 and not chunks.exists():  # the first piece: it becomes the file
        recording.bytes = keep_as(received, chunks)
    else:
        with received.open("rb") as chunk:
            recording.bytes = append_durably(chunks, chunk, at=recording.bytes)
    recording.chunks += 1
    recording.updated_at = now
    db.add(recording)


def after_piece(db: Session, store: MediaStore, recording: Recording, programme: Programme) -> None:
    """Once a piece is committed: if consent was withdrawn while it was being kept in the object
    store, the withdrawal may have emptied the store before it came, so it goes now too."""
    db.refresh(recording)
    if store.chunks_apart and recording.status is RecordingStatus.deleted:
        remove_pieces(db, store, recording, programme)


def remove_pieces(
    db: Session, store: MediaStore, recording: Recording, programme: Programme
) -> None:
    """Remove everything the recording has kept (the removal is committed first, so that it is
    finished later if it cannot be now)."""
    pieces = folder_name(store, store.recording_dir(programme.id, recording.id))
    remove_later(db, [pieces])
    db.commit()
    remove_now(db, store, [pieces])


def finish_recording(
    *, db: Session, store: MediaStore, recording_id: str, by: User, now: datetime
) -> Clip:
    recording, programme = get_recording(db=db, recording_id=recording_id, by=by)
    require_case_writer(by)
    with held(db, store, recording, programme):
        if recording.status is RecordingStatus.open:
            return finalise(db, store, recording, programme, by=by, now=now, recovered=False)
        saved_as = recording.clip_id if recording.status is RecordingStatus.finished else None
        db.rollback()
    if saved_as is None:
        raise Conflict("This recording was stopped before anything was saved.")
    clip = db.get(Clip, saved_as)  # already saved: by this request's twin, or recovered
    assert clip is not None
    return clip


def finish_from_command_line(
    *, db: Session, store: MediaStore, recording_id: str, now: datetime, claim_for: str
) -> Clip:
    """`vfb record` has stopped: everything it wrote (synced as it went) becomes a clip."""
    recording = db.get(Recording, recording_id)
    assert recording is not None
    session = db.get(ProgrammeSession, recording.session_id)
    assert session is not None
    programme = db.get(Programme, session.programme_id)
    assert programme is not None
    with held(db, store, recording, programme):
        if recording.status is RecordingStatus.open:
            recording.bytes = store.chunks_file(programme.id, recording.id).stat().st_size
            return finalise(
                db, store, recording, programme, by=None, now=now, recovered=False,
                claim_for=claim_for,
            )  # fmt: skip
        saved_as = recording.clip_id  # a server's worker took it for an abandoned one
        db.rollback()
    if saved_as is None:
        raise Conflict("This recording was stopped before anything was saved.")
    clip = db.get(Clip, saved_as)
    assert clip is not None
    return clip


def finalise(
    db: Session,
    store: MediaStore,
    recording: Recording,
    programme: Programme,
    *,
    by: User | None,
    now: datetime,
    recovered: bool,
    claim_for: str | None = None,
    bounds: MediaBounds | None = None,
    check: Callable[[Path], None] | None = None,
) -> Clip:
    """The recording's clip, made of everything it kept (joined from the store's pieces, if they
    are kept apart). A file sent in pieces keeps the name it was sent with, and `check` may
    refuse what was joined before it becomes a clip; a browser recording's bytes are never lost
    by a failure here (they go back to be its chunks)."""
    chunks = store.chunks_file(programme.id, recording.id)
    apart = store.chunks_apart and recording.chunks > 0  # (`vfb record` writes one file)
    if not apart and recording.bytes and not chunks.exists():
        raise ElsewhereNow("This recording's file is on another of the team's machines.")
    if recording.created_by_id is None and recording.chunks == 0 and chunks.exists():
        # `vfb record` writes the file itself (synced as it goes), with no chunks to acknowledge:
        # all of it is kept, not just the size its last heartbeat reported.
        recording.bytes = chunks.stat().st_size
    if recording.bytes == 0:
        recording.status = RecordingStatus.empty
        recording.updated_at = now
        db.add(recording)
        db.commit()
        chunks.unlink(missing_ok=True)
        raise Conflict("Nothing was recorded: no video reached vfb before the recording stopped.")
    session = db.get(ProgrammeSession, recording.session_id)
    assert session is not None
    clip_id, folder = store.new_clip_dir(programme.id)
    name = recording.original_name or f"recording{extension_for(recording.mime_type)}"
    received = folder / f".received{source_extension(name)}"
    if apart:
        try:
            joined = store.join_chunks(programme.id, recording.id, recording.chunks, received)
            if joined != recording.bytes:
                raise FileNotFoundError(received.name)
        except BaseException as error:
            store.remove_clip(programme.id, clip_id)  # the chunks are still kept, each one
            if isinstance(error, FileNotFoundError):
                raise MediaFailed(
                    "Part of this recording is missing from the footage store, so vfb has not "
                    "saved it yet; what is there is kept. Tell whoever runs the team server."
                ) from None
            raise
    else:
        with chunks.open("r+b") as f:  # drop bytes written but never acknowledged
            f.truncate(recording.bytes)
        chunks.replace(received)

    pieces = folder_name(store, store.recording_dir(programme.id, recording.id))

    def saved_as(clip: Clip) -> None:  # in the clip's transaction: the lock is held to the end
        still = db.exec(select(Recording.status).where(col(Recording.id) == recording.id)).one()
        if still is not RecordingStatus.open:  # withdrawn just now (the withdrawal holds no lock)
            raise Conflict(
                "Consent to filming or storage was withdrawn, so this recording was stopped and "
                "everything it had sent was deleted."
            )
        if apart:  # once the clip is saved, its chunks go
            remove_later(db, [pieces])
        recording.status = RecordingStatus.finished
        recording.clip_id = clip.id
        recording.updated_at = now
        db.add(recording)

    try:
        if check is not None:
            check(received)
        clip = accept_source(
            db=db,
            store=store,
            session=session,
            programme=programme,
            clip_id=clip_id,
            received=received,
            original_name=name,
            origin=ClipOrigin.recording if recording.upload_length is None else ClipOrigin.upload,
            by=by,
            now=now,
            recovered=recovered,
            claim_for=claim_for,
            bounds=bounds,
            also=saved_as,
            put_back=True,
        )
    except Exception:
        if apart:
            with suppress(StoreUnavailable):  # the chunks are still kept, each one
                store.remove_clip(programme.id, clip_id)
        elif received.exists():
            with suppress(FileNotFoundError):  # (unless a withdrawal took its folder meanwhile)
                received.replace(chunks)  # never lose what was recorded
            store.remove_clip(programme.id, clip_id)  # (now empty)
        raise
    if apart:
        remove_now(db, store, [pieces])
    with suppress(OSError):  # a resent chunk may be arriving in it: the clip is saved all the same
        store.recording_dir(programme.id, recording.id).rmdir()
    return clip


def recover_idle(*, db: Session, store: MediaStore, now: datetime, idle: timedelta) -> list[Clip]:
    """Finalise every open recording that has sent nothing for `idle`, as a recovered clip."""
    recovered = []
    stale = db.exec(
        select(Recording, Programme)
        .join(ProgrammeSession, col(ProgrammeSession.id) == Recording.session_id)
        .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
        .where(
            Recording.status == RecordingStatus.open,
            col(Recording.updated_at) <= now - idle,
            col(Recording.upload_length).is_(None),  # a file sent in pieces waits to be whole
        )
    ).all()
    for recording, programme in stale:
        with held(db, store, recording, programme):
            if recording.status is not RecordingStatus.open or recording.updated_at > now - idle:
                db.rollback()  # another process saved it, or a chunk came while this one looked
                continue
            try:
                recovered.append(
                    finalise(db, store, recording, programme, by=None, now=now, recovered=True)
                )
            except Conflict:
                db.rollback()
            except (StoreUnavailable, DiskFull, ElsewhereNow):
                db.rollback()  # every byte is kept: it is saved when it can be, or elsewhere
            except VfbError:
                db.rollback()
                db.refresh(recording)
                recording.status = RecordingStatus.unreadable
                recording.updated_at = now
                db.add(recording)
                db.commit()
    return recovered


def touch(*, db: Session, recording_id: str, size: int, now: datetime) -> None:
    """A command-line recording's heartbeat, so it is never taken for an abandoned one."""
    recording = db.get(Recording, recording_id)
    if recording is not None:
        recording.bytes = size
        recording.updated_at = now
        db.add(recording)
        db.commit()
