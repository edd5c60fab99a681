"""Retention: footage is kept only as long as the settings say, then deleted and logged.

- the original upload or recording of a clip, `VFB_RETAIN_RAW_DAYS` after its playable clip was
  made (the clip itself stays);
- all of a programme's footage (clips, thumbnails, waveforms, reels; stills are never stored),
  `VFB_RETAIN_FOOTAGE_DAYS` after the programme ended (completed, withdrawn or declined).

`vfb purge [--dry-run]` runs it by hand; the server runs it once a day (`DailyPurge`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, exists, or_
from sqlmodel import Session, col, select

from vfb.models import Clip, FootageRemoval, Programme, ProgrammeSession, Recording
from vfb.programme.rules import fmt
from vfb.services.footage.deletion import delete_programme_footage
from vfb.services.footage.removals import remove_later, remove_now
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection import audit_trail
from vfb.settings import Settings
from vfb.vocabulary import ClipOrigin, ClipStatus, ProgrammeStatus, RecordingStatus

logger = logging.getLogger("vfb.retention")

ENDED = (ProgrammeStatus.completed, ProgrammeStatus.withdrawn, ProgrammeStatus.declined)


@dataclass(frozen=True)
class RetentionPolicy:
    raw_days: int
    footage_days: int


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(settings.retain_raw_days, settings.retain_footage_days)


@dataclass(frozen=True)
class Expired:
    """One thing past its retention: a clip's original, or a programme's footage."""

    kind: str  # "original" or "footage"
    programme_id: str
    child_id: str
    clip_id: str | None
    reason: str
    size_bytes: int

    def words(self) -> str:
        what = f"the original of clip {self.clip_id}" if self.clip_id else "all footage"
        return f"{what} of programme {self.programme_id}: {self.reason}"


@dataclass(frozen=True)
class PurgeReport:
    expired: list[Expired]
    dry_run: bool

    @property
    def size_bytes(self) -> int:
        return sum(e.size_bytes for e in self.expired)

    def words(self) -> str:
        if not self.expired:
            return "Nothing has passed its retention period; nothing to delete."
        verb = "Would delete" if self.dry_run else "Deleted"
        return (
            f"{verb} {len(self.expired)} item(s), {self.size_bytes / 1_000_000:.1f} MB, "
            "past their retention period."
        )


def _folder_size(store: MediaStore, programme_id: str) -> int:
    return sum(store.files_of(programme_id).values())


def find_expired(
    db: Session, store: MediaStore, today: date, policy: RetentionPolicy
) -> list[Expired]:
    """What has passed its retention period. Two indexed queries, so the daily run does not
    revisit programmes and clips already purged."""
    found: list[Expired] = []
    sessions = select(ProgrammeSession.id).where(ProgrammeSession.programme_id == Programme.id)
    has_footage = or_(
        exists().where(col(Clip.session_id).in_(sessions), col(Clip.status) != ClipStatus.deleted),
        exists().where(
            col(Recording.session_id).in_(sessions), col(Recording.status) == RecordingStatus.open
        ),
    )
    ended = db.exec(
        select(Programme).where(
            col(Programme.status).in_(ENDED),
            col(Programme.ended_on).is_not(None),
            col(Programme.ended_on) <= today - timedelta(days=policy.footage_days),
            has_footage,
        )
    ).all()
    for programme in ended:
        assert programme.ended_on is not None
        reason = (
            f"the programme ended on {fmt(programme.ended_on)}; footage is kept "
            f"{policy.footage_days} days after a programme ends"
        )
        size = _folder_size(store, programme.id)
        found.append(Expired("footage", programme.id, programme.child_id, None, reason, size))
    gone = {e.programme_id for e in found}
    # made on or before the cut-off day, on the service's calendar (stored times are UTC)
    made_by = today - timedelta(days=policy.raw_days)
    cutoff = datetime.combine(made_by + timedelta(days=1), time.min, tzinfo=UTC)
    clips = db.exec(
        select(Clip, Programme)
        .join(ProgrammeSession, col(ProgrammeSession.id) == Clip.session_id)
        .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
        .where(
            Clip.status == ClipStatus.ready,
            col(Clip.origin) != ClipOrigin.trim,  # a trim has no original of its own
            col(Clip.created_at) < cutoff,
        )
    ).all()
    going = set(db.exec(select(FootageRemoval.name)).all())  # decided, waiting for the store
    for clip, programme in clips:
        if programme.id in gone:
            continue
        original = store.source_file(programme.id, clip.id, clip.source_ext)
        if store.name_of(original) in going:
            continue
        if store.exists(original) and store.exists(
            store.clip_file(programme.id, clip.id, clip.playable_ext)
        ):
            reason = (
                f"its playable clip was made on {fmt(clip.created_at.date())}; originals are "
                f"kept {policy.raw_days} days after that"
            )
            found.append(
                Expired(
                    "original",
                    programme.id,
                    programme.child_id,
                    clip.id,
                    reason,
                    store.size(original),
                )
            )
    return found


def purge(
    db: Session, store: MediaStore, today: date, policy: RetentionPolicy, *, dry_run: bool = False
) -> PurgeReport:
    """Delete what has passed its retention period (or, with `dry_run`, only say what would go).
    Each deletion is in the audit trail."""
    expired = find_expired(db, store, today, policy)
    if dry_run:
        return PurgeReport(expired, dry_run=True)
    for item in expired:
        if item.kind == "footage":
            delete_programme_footage(
                db,
                store,
                item.programme_id,
                reason=f"Footage deleted by retention: {item.reason}.",
            )
            continue
        clip = db.get(Clip, item.clip_id)
        assert clip is not None
        original = store.name_of(store.source_file(item.programme_id, clip.id, clip.source_ext))
        remove_later(db, [original])
        audit_trail.append(
            db,
            "retention.original",
            target_type="clip",
            target_id=clip.id,
            child_id=item.child_id,
            detail=f"Original deleted by retention: {item.reason}.",
        )
        db.commit()
        remove_now(db, store, [original])  # or, the store out of reach, by the workers later
    return PurgeReport(expired, dry_run=False)


class DailyPurge:
    """The server's own run of `purge`: soon after it starts, then once a day."""

    def __init__(
        self,
        engine: Engine,
        store: MediaStore,
        now: Callable[[], datetime],
        policy: RetentionPolicy,
        every: timedelta = timedelta(days=1),
        first_after: timedelta = timedelta(seconds=30),
    ) -> None:
        self.engine, self.store, self.now, self.policy = engine, store, now, policy
        self.every, self.first_after = every, first_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="vfb-daily-purge", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def run_once(self) -> PurgeReport:
        with Session(self.engine) as db:
            audit_trail.use_actor(db, audit_trail.Actor.system(self.now))
            report = purge(db, self.store, self.now().date(), self.policy)
        if report.expired:
            logger.info("retention: %s", report.words())
        return report

    def _run(self) -> None:
        wait = self.first_after
        while not self._stop.wait(wait.total_seconds()):
            try:
                self.run_once()
            except Exception:  # a bad day must not stop tomorrow's run
                logger.exception("the daily purge failed; it will run again tomorrow")
            wait = self.every
