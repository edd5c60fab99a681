"""Deleting all of a programme's footage when a carer withdraws consent to filming or storage:
every media file (originals, recordings in progress, clips, reels, thumbnails, waveforms and any
temporary pieces) goes; the records that hold no footage (sessions, their durations, clips' facts
and checksums, moments, fidelity) stay."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from vfb.errors import StoreUnavailable
from vfb.models import Clip, Consent, Programme, ProgrammeSession, Recording, Reel, ShareLink
from vfb.programme.rules import fmt
from vfb.services.footage.removals import folder, remove_later, remove_now
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection import audit_trail
from vfb.vocabulary import ClipStatus, ConsentScope, RecordingStatus


@dataclass(frozen=True)
class FootageDeleted:
    clips: int
    recordings: int
    reels: int
    files: int
    size_bytes: int
    share_links: int = 0
    footage_ms: int = 0
    waiting: bool = False  # some of it is still to go from the object store

    def words(self) -> str:
        if not self.files and not self.clips and not self.reels and not self.waiting:
            return "There was no footage of this programme to delete."
        megabytes = self.size_bytes / 1_000_000
        return (
            f"All footage of this programme was deleted: {self.clips} clip(s), "
            f"{self.recordings} recording(s) in progress and {self.reels} reel(s), "
            f"{self.files} file(s), {megabytes:.1f} MB"
            + (f"; {self.share_links} share link(s) switched off" if self.share_links else "")
            + ". Sessions and their records stay."
            + (
                " The footage store could not be reached just now: its copies will be removed "
                "as soon as it can be (vfb keeps trying), and nobody can watch them meanwhile."
                if self.waiting
                else ""
            )
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def length_words(ms: int) -> str:
    """ "25 minutes", "1 minute", "40 seconds": how much footage, as a worker says it."""
    if ms < 60_000:
        return _count(round(ms / 1000), "second")
    return _count(round(ms / 60_000), "minute")


@dataclass(frozen=True)
class Footage:
    """What deleting a programme's footage would delete now: its clips (not yet deleted), its
    recordings in progress, its reels and any other file in its media folder, and the share links
    to those reels that would stop. The withdrawal's preview and the deletion both use this, so
    what the worker is shown is what goes."""

    clips: tuple[Clip, ...]
    recordings: tuple[Recording, ...]
    reels: tuple[Reel, ...]
    share_links: tuple[ShareLink, ...]
    files: int
    size_bytes: int

    @property
    def footage_ms(self) -> int:
        return sum(clip.duration_ms or 0 for clip in self.clips)

    @property
    def empty(self) -> bool:
        return not (self.clips or self.recordings or self.reels or self.files)

    def fingerprint(self) -> str:
        """Names exactly this set of records: a preview's `confirm`; footage added or removed
        since (a new clip, a trim, a reel, a link) gives another."""
        ids = [
            *(f"clip:{c.id}" for c in self.clips),
            *(f"recording:{r.id}" for r in self.recordings),
            *(f"reel:{r.id}" for r in self.reels),
            *(f"link:{link.id}" for link in self.share_links),
        ]
        return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:32]

    def words(self) -> str:
        """ "3 clips (25 minutes of footage) and 1 reel will be deleted, and 2 share links
        switched off." or "Nothing will be deleted."."""
        if self.empty:
            return "Nothing will be deleted: there is no footage of this programme."
        parts = []
        if self.clips:
            parts.append(
                f"{_count(len(self.clips), 'clip')} ({length_words(self.footage_ms)} of footage)"
            )
        if self.recordings:
            n = len(self.recordings)
            parts.append(_count(n, "recording in progress", "recordings in progress"))
        if self.reels:
            parts.append(_count(len(self.reels), "reel"))
        if not parts:
            parts.append(_count(self.files, "file") + " of unfinished work")
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        links = (
            f", and {_count(len(self.share_links), 'share link')} switched off"
            if self.share_links
            else ""
        )
        return f"{listed} will be deleted{links}."


def _active(link: ShareLink, now: datetime) -> bool:
    expires = link.expires_at if link.expires_at.tzinfo else link.expires_at.replace(tzinfo=UTC)
    return link.revoked_at is None and expires > now


def sharing_allowed(db: Session, programme_id: str, today: date) -> bool:
    """A carer's `share_with_carer` consent is in force: the programme's share links work."""
    found = db.exec(
        select(Consent.id).where(
            Consent.programme_id == programme_id,
            Consent.scope == ConsentScope.share_with_carer,
            col(Consent.given_on) <= today,
            or_(col(Consent.withdrawn_on).is_(None), col(Consent.withdrawn_on) > today),
        )
    ).first()
    return found is not None


def working_links(links: Sequence[ShareLink], now: datetime) -> tuple[ShareLink, ...]:
    return tuple(link for link in links if _active(link, now))


def footage_of(db: Session, store: MediaStore, programme_id: str, now: datetime) -> Footage:
    """What `delete_programme_footage` would delete now (reading only); the share links counted
    are those that work now (not switched off, not expired, sharing still consented to)."""
    sessions = select(ProgrammeSession.id).where(ProgrammeSession.programme_id == programme_id)
    clips = db.exec(
        select(Clip)
        .where(col(Clip.session_id).in_(sessions), Clip.status != ClipStatus.deleted)
        .order_by(col(Clip.id))
    ).all()
    recordings = db.exec(
        select(Recording).where(
            col(Recording.session_id).in_(sessions), Recording.status == RecordingStatus.open
        )
    ).all()
    reels = db.exec(select(Reel).where(Reel.programme_id == programme_id)).all()
    reel_ids = [reel.id for reel in reels]
    links = db.exec(
        select(ShareLink).where(
            ShareLink.programme_id == programme_id, col(ShareLink.reel_id).in_(reel_ids)
        )
    ).all()
    try:
        found = store.files_of(programme_id)
    except StoreUnavailable:  # what is in the object store is not known just now
        found = {}
    sharing = sharing_allowed(db, programme_id, now.date())
    return Footage(
        clips=tuple(clips),
        recordings=tuple(recordings),
        reels=tuple(reels),
        share_links=working_links(links, now) if sharing else (),
        files=len(found),
        size_bytes=sum(found.values()),
    )


def delete_programme_footage(
    db: Session,
    store: MediaStore,
    programme_id: str,
    withdrawn_on: date | None = None,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> FootageDeleted:
    """Mark the programme's clips and open recordings deleted and drop its reels (committed first,
    so nothing starts work on them again), then remove its media folder. The reason each clip
    gives is the withdrawal on `withdrawn_on`, or `reason`."""
    if reason is None:
        assert withdrawn_on is not None
        reason = f"Footage deleted: consent was withdrawn on {fmt(withdrawn_on)}."
    now = now or datetime.now(UTC)
    footage = footage_of(db, store, programme_id, now)
    for clip in footage.clips:
        clip.status, clip.detail, clip.review_media = ClipStatus.deleted, reason, False
        clip.stage, clip.claimed_by, clip.claimed_at = None, None, None
        db.add(clip)
    for recording in footage.recordings:
        recording.status = RecordingStatus.deleted
        db.add(recording)
    for reel in footage.reels:
        db.delete(reel)
    if footage.share_links:  # their reel is gone: say so in the list of links too
        ids = [link.id for link in footage.share_links]
        db.exec(update(ShareLink).where(col(ShareLink.id).in_(ids)).values(revoked_at=now))
    everything = folder(store, store.programme_dir(programme_id))
    remove_later(db, [everything])
    db.commit()
    try:
        found = store.files_of(programme_id)
    except StoreUnavailable:
        found = {}  # what is in the store is not known: it goes all the same, when it can
    waiting = not remove_now(db, store, [everything])
    deleted = FootageDeleted(
        len(footage.clips),
        len(footage.recordings),
        len(footage.reels),
        len(found),
        sum(found.values()),
        len(footage.share_links),
        footage.footage_ms,
        waiting=waiting,
    )
    programme = db.get(Programme, programme_id)
    audit_trail.append(
        db,
        "footage.delete",
        target_type="programme",
        target_id=programme_id,
        child_id=programme.child_id if programme else None,
        detail=f"{reason} {deleted.words()}",
    )
    db.commit()
    return deleted
