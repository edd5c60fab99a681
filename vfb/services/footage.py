"""Deleting all of a programme's footage when a carer withdraws consent to filming or storage:
every media file (originals, recordings in progress, clips, reels, thumbnails, waveforms and any
temporary pieces) goes; the records that hold no footage (sessions, their durations, clips' facts
and checksums, moments, fidelity) stay."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from vfb.models import Clip, Programme, ProgrammeSession, Recording, Reel
from vfb.models.enums import ClipStatus, RecordingStatus
from vfb.programme.rules import fmt
from vfb.services import audit
from vfb.services.media_store import MediaStore


@dataclass(frozen=True)
class FootageDeleted:
    clips: int
    recordings: int
    reels: int
    files: int
    size_bytes: int

    def words(self) -> str:
        if not self.files:
            return "There was no footage of this programme to delete."
        megabytes = self.size_bytes / 1_000_000
        return (
            f"All footage of this programme was deleted: {self.clips} clip(s), "
            f"{self.recordings} recording(s) in progress and {self.reels} reel(s), "
            f"{self.files} file(s), {megabytes:.1f} MB. Sessions and their records stay."
        )


def delete_programme_footage(
    db: Session,
    store: MediaStore,
    programme_id: str,
    withdrawn_on: date | None = None,
    *,
    reason: str | None = None,
) -> FootageDeleted:
    """Mark the programme's clips and open recordings deleted and drop its reels (committed first,
    so nothing starts work on them again), then remove its media folder. The reason each clip
    gives is the withdrawal on `withdrawn_on`, or `reason`."""
    if reason is None:
        assert withdrawn_on is not None
        reason = f"Footage deleted: consent was withdrawn on {fmt(withdrawn_on)}."
    sessions = select(ProgrammeSession.id).where(ProgrammeSession.programme_id == programme_id)
    clips = db.exec(select(Clip).where(col(Clip.session_id).in_(sessions))).all()
    for clip in clips:
        clip.status, clip.detail, clip.review_media = ClipStatus.deleted, reason, False
        clip.stage, clip.claimed_by, clip.claimed_at = None, None, None
        db.add(clip)
    recordings = db.exec(
        select(Recording).where(
            col(Recording.session_id).in_(sessions), Recording.status == RecordingStatus.open
        )
    ).all()
    for recording in recordings:
        recording.status = RecordingStatus.deleted
        db.add(recording)
    reels = db.exec(select(Reel).where(Reel.programme_id == programme_id)).all()
    for reel in reels:
        db.delete(reel)
    db.commit()
    folder = store.programme_dir(programme_id)
    found = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    size = sum(p.stat().st_size for p in found)
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():  # a file that would not go: say so rather than claim it is gone
        shutil.rmtree(folder)
    deleted = FootageDeleted(len(clips), len(recordings), len(reels), len(found), size)
    programme = db.get(Programme, programme_id)
    audit.append(
        db,
        "footage.delete",
        target_type="programme",
        target_id=programme_id,
        child_id=programme.child_id if programme else None,
        detail=f"{reason} {deleted.words()}",
    )
    db.commit()
    return deleted
