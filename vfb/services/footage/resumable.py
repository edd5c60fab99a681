"""A video file sent in pieces, resumable after any cut (the tus protocol's uploads, spoken by
vfb.api.routes.uploads): a worker's camera file over a signal that comes and goes, or a field
laptop's footage reaching the team server.

It is kept as a recording whose length is known from the start and whose pieces arrive by offset
(vfb.services.footage.recordings holds it across processes, keeps each piece durably, in the
object store too, and deletes it all if consent is withdrawn). Once the last byte is kept, the
whole file's SHA-256 is checked against the one its sender gave (a field laptop gives it; a
browser cannot work one out for a big file without holding it whole, and checks each piece
instead), and only then does it become a clip: the sender may let go of its copy once it sees
the clip. A file left unfinished for
`UNFINISHED_KEPT` is removed; the sender can start it again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from vfb.capture.files import sha256_of
from vfb.capture.probe import MediaBounds
from vfb.errors import (
    Conflict,
    FileMismatch,
    Gone,
    InvalidInput,
    NotFound,
    OffsetMismatch,
    TooLarge,
    UnreadableMedia,
)
from vfb.models import Clip, Programme, ProgrammeSession, Recording, User
from vfb.services.footage import recordings
from vfb.services.footage.clips import session_for_import
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection.access import get_recording, require_case_writer
from vfb.vocabulary import RecordingStatus

UNFINISHED_KEPT = timedelta(days=7)
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
MIME_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm",
              ".mkv": "video/x-matroska"}  # fmt: skip


@dataclass(frozen=True)
class Sending:
    """What the sender says of the file before its first byte."""

    session_id: str
    length: int
    sha256: str | None  # of the whole file, as 64 hex digits: checked once it has all arrived
    name: str | None
    held_today: bool = False


@dataclass(frozen=True)
class Piece:
    """A piece that arrived: where it was received, and the offset it was sent for."""

    offset: int
    received: Path


def start(*, db: Session, sending: Sending, by: User, now: datetime, max_bytes: int) -> Recording:
    """A new upload into the visit, checked (and a booked visit held) before a byte arrives."""
    if sending.length <= 0:
        raise InvalidInput("The file is empty: there is nothing to send.")
    if sending.length > max_bytes:
        raise TooLarge(
            f"That file is bigger than the {max_bytes >> 20} MB vfb accepts (VFB_MAX_UPLOAD_MB); "
            "nothing was kept. Trim it on the device first, or ask your administrator to raise "
            "the limit."
        )
    if sending.sha256 is not None and not SHA256_HEX.match(sending.sha256):
        raise InvalidInput(
            "The whole file's SHA-256 is 64 hexadecimal digits; say it so, or not at all."
        )
    session, _ = session_for_import(
        db=db, session_id=sending.session_id, by=by, now=now, held_today=sending.held_today
    )
    name = Path(sending.name).name[:255] if sending.name else None
    upload = Recording(
        session_id=session.id,
        mime_type=MIME_TYPES.get(Path(name or "").suffix.lower(), "video/mp4"),
        upload_length=sending.length,
        upload_sha256=sending.sha256,
        original_name=name,
        created_by_id=by.id,
        created_at=now,
        updated_at=now,
    )
    db.add(upload)
    db.commit()
    db.refresh(upload)
    return upload


def find(*, db: Session, upload_id: str, by: User) -> Recording:
    """The upload, if the user may see it (404 otherwise, as for any record out of reach)."""
    upload, _ = get_recording(db=db, recording_id=upload_id, by=by)
    if upload.upload_length is None:
        raise NotFound("There is no such upload.")
    return upload


def piece_arriving(*, db: Session, store: MediaStore, upload_id: str, by: User) -> tuple[Path, int]:
    """Where the next piece may be received, once the sender may add to the upload (checked
    before a byte of it is read), and how many bytes the upload has still to come."""
    upload = find(db=db, upload_id=upload_id, by=by)
    require_case_writer(by)
    _check_open(upload)
    assert upload.upload_length is not None
    path = recordings.incoming(store, _programme_of(db, upload).id, upload.id)
    return path, upload.upload_length - upload.bytes


def add_piece(
    *,
    db: Session,
    store: MediaStore,
    upload_id: str,
    piece: Piece,
    by: User,
    now: datetime,
    min_free_bytes: int,
    bounds: MediaBounds,
) -> Recording:
    """Keep the piece if it was sent for the upload's offset (else 409 with the offset to resume
    from); once the file is whole, check it and make it a clip. The answer is the upload as it
    is now: its offset, and its clip once it has one."""
    upload = find(db=db, upload_id=upload_id, by=by)
    require_case_writer(by)
    programme = _programme_of(db, upload)
    size = piece.received.stat().st_size
    assert upload.upload_length is not None
    with recordings.held(db, store, upload, programme):
        _check_open(upload)
        if piece.offset != upload.bytes:
            raise OffsetMismatch(
                f"This upload has {upload.bytes} bytes; send from there.", expected=upload.bytes
            )
        if upload.bytes + size > upload.upload_length:
            raise InvalidInput(
                f"That is more than the {upload.upload_length} bytes this upload was said to be."
            )
        recordings.check_space(store, upload, programme, size, min_free_bytes)
        recordings.keep_piece(db, store, upload, programme, piece.received, now)
        db.commit()
    recordings.after_piece(db, store, upload, programme)
    if upload.bytes == upload.upload_length and upload.status is RecordingStatus.open:
        _make_clip(db, store, upload, programme, by=by, now=now, bounds=bounds)
        db.refresh(upload)
    return upload


def stop(*, db: Session, store: MediaStore, upload_id: str, by: User, now: datetime) -> None:
    """The sender gives up the upload (tus's Termination): everything it kept goes."""
    upload = find(db=db, upload_id=upload_id, by=by)
    require_case_writer(by)
    programme = _programme_of(db, upload)
    with recordings.held(db, store, upload, programme):
        if upload.status is RecordingStatus.finished:
            raise Conflict(
                "This file has all arrived and is a clip now: delete the clip if it should go."
            )
        if upload.status is not RecordingStatus.open:
            db.rollback()
            return  # already gone
        _end(db, upload, RecordingStatus.abandoned, now)
    recordings.remove_pieces(db, store, upload, programme)


def remove_unfinished(*, db: Session, store: MediaStore, now: datetime) -> int:
    """Remove every upload that has had nothing for `UNFINISHED_KEPT`; how many there were."""
    stale = db.exec(
        select(Recording, Programme)
        .join(ProgrammeSession, col(ProgrammeSession.id) == Recording.session_id)
        .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
        .where(
            Recording.status == RecordingStatus.open,
            col(Recording.upload_length).is_not(None),
            col(Recording.updated_at) <= now - UNFINISHED_KEPT,
        )
    ).all()
    removed = 0
    for upload, programme in stale:
        with recordings.held(db, store, upload, programme):
            if (
                upload.status is not RecordingStatus.open
                or upload.updated_at > now - UNFINISHED_KEPT
            ):
                db.rollback()  # it came back to life while this looked
                continue
            _end(db, upload, RecordingStatus.abandoned, now)
        recordings.remove_pieces(db, store, upload, programme)
        removed += 1
    return removed


def expires_at(upload: Recording) -> datetime:
    """When an unfinished upload is removed if nothing more arrives."""
    return upload.updated_at + UNFINISHED_KEPT


def _make_clip(
    db: Session,
    store: MediaStore,
    upload: Recording,
    programme: Programme,
    *,
    by: User,
    now: datetime,
    bounds: MediaBounds,
) -> Clip | None:
    def same_file(joined: Path) -> None:
        if upload.upload_sha256 is not None and sha256_of(joined) != upload.upload_sha256:
            raise FileMismatch(
                "The file that arrived is not the one that was sent (its SHA-256 differs), so "
                "vfb has not kept it. Send it again from the start; your copy is untouched."
            )

    with recordings.held(db, store, upload, programme):
        if upload.status is not RecordingStatus.open:  # its twin request made it
            db.rollback()
            return None
        try:
            return recordings.finalise(
                db, store, upload, programme, by=by, now=now, recovered=False, bounds=bounds,
                check=same_file,
            )  # fmt: skip
        except (FileMismatch, UnreadableMedia) as error:
            refusal = error
            db.rollback()
            db.refresh(upload)
            if upload.status is RecordingStatus.open:
                _end(db, upload, RecordingStatus.refused, now)
    recordings.remove_pieces(db, store, upload, programme)  # nothing of it is kept
    raise refusal


def _end(db: Session, upload: Recording, status: RecordingStatus, now: datetime) -> None:
    upload.status = status
    upload.updated_at = now
    db.add(upload)
    db.commit()


def _programme_of(db: Session, upload: Recording) -> Programme:
    session = db.get(ProgrammeSession, upload.session_id)
    assert session is not None
    programme = db.get(Programme, session.programme_id)
    assert programme is not None
    return programme


def _check_open(upload: Recording) -> None:
    if upload.status is RecordingStatus.open:
        return
    if upload.status is RecordingStatus.finished:
        raise Conflict("This file has all arrived already and is a clip.")
    if upload.status is RecordingStatus.deleted:
        raise Gone(
            "Consent to filming or storage was withdrawn, so this upload was stopped and "
            "everything it had sent was deleted."
        )
    if upload.status is RecordingStatus.refused:
        raise Gone(
            "Once whole, this file was not the one that was sent, or held no video vfb can "
            "read, so nothing of it was kept. Send it again from the start."
        )
    raise Gone(
        "This upload was stopped, or left unfinished for a week, and nothing of it is kept. "
        "Send the file again from the start."
    )
