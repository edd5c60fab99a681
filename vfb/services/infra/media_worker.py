"""The background workers that make clips playable and ready for review, and reels, side by side
(one per core by default), each job in a child process under a time and memory limit; and that
finalise abandoned recordings. Their queue is the database (clips still `processing`, reels still
`building`), so a server restart simply carries on where it stopped.

They run inside `vfb serve`, or in `vfb worker` processes beside it (on a team server, several):
a job is claimed in the database, on PostgreSQL with `SELECT … FOR
UPDATE SKIP LOCKED` (a job another worker is claiming is passed over, not waited for), on SQLite
by the claiming UPDATE alone (its writes are one at a time). A claim names the host and process
and is renewed as the job reports progress: one whose process has died on this host is taken up
within seconds, one silent for `STALE_CLAIM` from anywhere after that."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, or_, update
from sqlmodel import Session, col, select

from vfb.capture.bounded import Event, JobCancelled, JobLimits, run_job
from vfb.capture.probe import MediaBounds
from vfb.capture.reel import ReelPart, ReelPlan
from vfb.errors import StoreUnavailable, VfbError
from vfb.models import Clip, ProgrammeSession, Reel
from vfb.services.footage import resumable
from vfb.services.footage.clips import bounds_of, record_made_clip, refresh_filmed_seconds
from vfb.services.footage.recordings import recover_idle
from vfb.services.footage.removals import folder, remove_later, remove_now, remove_pending
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection import audit_trail
from vfb.services.review.reels import build_reel, reel_file
from vfb.settings import Settings
from vfb.vocabulary import ClipOrigin, ClipStatus, ReelStatus

logger = logging.getLogger("vfb.media")

Now = Callable[[], datetime]
STALE_CLAIM = timedelta(seconds=60)  # a preparing process that has reported nothing for this long
DEAD_CLAIMS_EVERY = 2.0  # seconds between looks for claims of this host's dead processes
DEAD_CLAIM_SILENCE = timedelta(seconds=10)  # ...which must also have reported nothing this long
STORE_RETRY_SECONDS = (
    10.0  # a job the footage store failed waits this long before it is tried again
)
REMOVALS_EVERY = 30.0  # seconds between tries of the removals the object store could not take
OVERDUE = timedelta(minutes=15)  # a clip waiting this long is prepared next, whatever its size


class MediaJobs:
    def __init__(
        self,
        engine: Engine,
        store: MediaStore,
        now: Now,
        idle: timedelta,
        *,
        reels: bool = True,
        workers: int | None = None,
        limits: JobLimits | None = None,
        bounds: MediaBounds | None = None,
    ) -> None:
        self.engine, self.store, self.now, self.idle = engine, store, now, idle
        self.reels = reels  # the server makes reels; a `vfb import` beside it leaves them
        self.workers = workers or os.cpu_count() or 1
        self.limits = limits or JobLimits()
        self.bounds = bounds or MediaBounds()
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._working: set[str] = set()  # clips and reels a thread of this process has taken
        self._taking = threading.Lock()
        self._recovering = threading.Lock()
        self._removing = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._dead_looked = 0.0
        self._removals_tried = 0.0
        self.name = f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    # -- the threads -----------------------------------------------------------------------

    def start(self) -> None:
        self.store.sweep_partial_files()
        self._stop.clear()
        try:
            self.release_dead_claims()
        except Exception:
            logger.exception("the media worker could not look for a crashed process's clips")
        self._threads = [
            threading.Thread(target=self._loop, name=f"vfb-media-{n}", daemon=True)
            for n in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop every worker; a job still running is stopped too, and run again on next start."""
        self._stop.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout=30)
        self._threads = []
        with Session(self.engine) as db:  # what was under way is for the next worker to take
            for job in (Clip, Reel):
                db.exec(
                    update(job)
                    .where(col(job.claimed_by) == self.name)
                    .values(claimed_by=None, claimed_at=None)
                )
            db.commit()

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.run_once()
            except Exception:
                logger.exception("the media worker met an unexpected problem")
                worked = False
            if not worked and not self._stop.is_set():
                with self._wake:
                    self._wake.wait(timeout=1.0)

    # -- one step --------------------------------------------------------------------------

    def run_once(self) -> bool:
        """Recover abandoned recordings, then do the shortest job no other worker has taken: a
        reel (seconds, and someone is waiting in the room), then a clip whose playable copy is
        already made (a trim's review media), then the clip with the smallest file; a clip that
        has waited `OVERDUE` goes first, so no import waits for ever. True if it worked."""
        with Session(self.engine) as db:
            audit_trail.use_actor(db, audit_trail.Actor.system(self.now))
            recovered = self._recover(db)
            self._release_dead_claims_now_and_then()
            self._remove_pending_now_and_then(db)
            if self.reels:
                reels = db.exec(
                    select(Reel.id)
                    .where(Reel.status == ReelStatus.building, self._claimable(Reel, self.now()))
                    .order_by(col(Reel.created_at), Reel.id)
                ).all()
                for reel_id in reels:
                    if not self._take(reel_id):
                        continue
                    try:
                        if self.claim(db, Reel, reel_id):
                            reel = db.get(Reel, reel_id)
                            assert reel is not None
                            self.make_reel(db, reel)
                            return True
                    finally:
                        self._release(reel_id)
            for clip_id in self._shortest_first(db):
                if not self._take(clip_id):
                    continue
                try:
                    if self.claim(db, Clip, clip_id):
                        clip = db.get(Clip, clip_id)
                        assert clip is not None
                        self.prepare(db, clip)
                        return True
                finally:
                    self._release(clip_id)
            return bool(recovered)

    def _shortest_first(self, db: Session) -> list[str]:
        """The clips waiting to be prepared, in the order to take them."""
        now = self.now()
        waiting = db.exec(
            select(Clip.id, Clip.sha256, Clip.size_bytes, Clip.created_at)
            .where(Clip.status == ClipStatus.processing, self._claimable(Clip, now))
            .order_by(col(Clip.created_at), Clip.id)
        ).all()

        def order(row: tuple[str, str | None, int | None, datetime]) -> tuple[int, int, datetime]:
            _, made, size, created = row
            if created < now - OVERDUE:
                return (0, 0, created)
            if made is not None:
                return (1, 0, created)  # only its thumbnails and waveform are left to make
            return (2, size or 0, created)  # the size of what it is made from

        return [row[0] for row in sorted(waiting, key=order)]

    def _recover(self, db: Session) -> list[Clip]:
        """Abandoned recordings, by one worker at a time (the others get on with clips)."""
        if not self._recovering.acquire(blocking=False):
            return []
        try:
            return recover_idle(db=db, store=self.store, now=self.now(), idle=self.idle)
        finally:
            self._recovering.release()

    def _take(self, job_id: str) -> bool:
        with self._taking:
            if job_id in self._working:
                return False
            self._working.add(job_id)
            return True

    def _release(self, job_id: str) -> None:
        with self._taking:
            self._working.discard(job_id)

    def make_reel(self, db: Session, reel: Reel) -> None:
        """Make one reel. Its row is only ever updated by statements, so a reel deleted while it
        is being made (consent withdrawn) is noticed, and its file removed."""
        reel_id, target = reel.id, reel_file(self.store, reel)
        last = [0.0]

        def report(fraction: float) -> None:
            if time.monotonic() - last[0] >= 0.5:
                last[0] = time.monotonic()
                db.exec(
                    update(Reel)
                    .where(col(Reel.id) == reel_id)
                    .values(progress=round(fraction, 3), claimed_at=self.now())
                )
                db.commit()

        def make(parts: list[ReelPart], dest: Path, plan: ReelPlan, _: object) -> int:
            frames = [0]

            def on_event(event: Event) -> None:
                if "fraction" in event:
                    report(float(event["fraction"]))
                frames[0] = int(event.get("frames", frames[0]))

            args = {
                "parts": [asdict(p) | {"source": str(p.source)} for p in parts],
                "target": str(dest),
                "plan": asdict(plan),
            }
            run_job(
                "reel",
                args,
                limits=self.limits,
                footage_ms=plan.length_ms(parts),
                what="make the reel",
                on_event=on_event,
                cancel=self._stop,
            )
            return frames[0]

        values: dict[str, object]
        try:
            build_reel(db, self.store, reel, report, make=make)
        except JobCancelled:
            return  # vfb is stopping: the reel is made on the next start
        except StoreUnavailable as error:  # the store will be back: the reel waits for it
            logger.warning("reel %s waits for the footage store: %s", reel_id, error.detail)
            db.rollback()
            self._stop.wait(STORE_RETRY_SECONDS)
            return
        except VfbError as error:
            logger.warning("reel %s could not be made: %s", reel_id, error.detail)
            values = {"status": ReelStatus.failed, "detail": error.detail[:2000]}
        else:
            values = {"status": ReelStatus.ready, "progress": 1.0}
            values |= {"size_bytes": reel.size_bytes, "length_ms": reel.length_ms}
        values |= {"claimed_by": None, "claimed_at": None}
        db.rollback()  # build_reel's changes to the row are replaced by the statement below
        done = db.exec(update(Reel).where(col(Reel.id) == reel_id).values(**values))
        if not done.rowcount:  # deleted while it was made: what was kept of it goes too
            remove_later(db, [self.store.name_of(target)])
        db.commit()
        if not done.rowcount:
            remove_now(db, self.store, [self.store.name_of(target)])

    def _claimable(self, job: type[Clip] | type[Reel], now: datetime) -> ColumnElement[bool]:
        return or_(
            col(job.claimed_at).is_(None),
            col(job.claimed_at) < now - STALE_CLAIM,
            col(job.claimed_by) == self.name,
        )

    def _remove_pending_now_and_then(self, db: Session) -> None:
        """Footage decided deleted that the object store could not take then goes now, and so
        do uploads left unfinished too long."""
        if time.monotonic() - self._removals_tried < REMOVALS_EVERY:
            return
        if not self._removing.acquire(blocking=False):
            return  # another of this process's workers is at it
        try:
            self._removals_tried = time.monotonic()
            remove_pending(db, self.store)
            self.remove_unfinished_uploads(db)
        finally:
            self._removing.release()

    def remove_unfinished_uploads(self, db: Session) -> int:
        """Uploads that have had nothing for a week go (vfb.services.footage.resumable)."""
        try:
            return resumable.remove_unfinished(db=db, store=self.store, now=self.now())
        except StoreUnavailable:
            db.rollback()
            return 0  # tried again in a while

    def _release_dead_claims_now_and_then(self) -> None:
        if time.monotonic() - self._dead_looked >= DEAD_CLAIMS_EVERY:
            self._dead_looked = time.monotonic()
            self.release_dead_claims()

    def release_dead_claims(self) -> None:
        """Clips and reels a crashed process on this computer was making are taken up at once,
        not a minute later (claims name the host and the process id)."""
        host = self.name.rsplit("-", 2)[0]
        waiting = (
            (Clip, Clip.status == ClipStatus.processing),
            (Reel, Reel.status == ReelStatus.building),
        )
        with Session(self.engine) as db:
            for job, unfinished in waiting:
                claims = db.exec(
                    select(job.id, job.claimed_by).where(
                        unfinished, col(job.claimed_by).is_not(None)
                    )
                ).all()
                for job_id, claimed_by in claims:
                    owner, _, _token = (claimed_by or "").rpartition("-")
                    claim_host, _, pid = owner.rpartition("-")
                    if claim_host == host and pid.isdigit() and not _alive(int(pid)):
                        # and silent a while: a process of the same name in another container
                        # (pid namespace) that is alive keeps renewing its claim
                        db.exec(
                            update(job)
                            .where(
                                col(job.id) == job_id,
                                col(job.claimed_by) == claimed_by,
                                col(job.claimed_at) < self.now() - DEAD_CLAIM_SILENCE,
                            )
                            .values(claimed_by=None, claimed_at=None)
                        )
            db.commit()

    def claim(self, db: Session, job: type[Clip] | type[Reel], job_id: str) -> bool:
        """Take the clip or reel for this process, unless another (a worker, or a `vfb import`
        beside the server) is making it and reported progress within the last minute. On
        PostgreSQL a row another worker is claiming this instant is passed over (SKIP LOCKED)."""
        now = self.now()
        waiting = (
            col(Clip.status) == ClipStatus.processing
            if job is Clip
            else col(Reel.status) == ReelStatus.building
        )  # and not finished by another worker since it was listed
        free = db.exec(
            select(job.id)
            .where(col(job.id) == job_id, waiting, self._claimable(job, now))
            .with_for_update(skip_locked=True)
        ).first()
        if free is None:
            db.rollback()
            return False
        taken = db.exec(
            update(job)
            .where(col(job.id) == job_id, waiting, self._claimable(job, now))
            .values(claimed_by=self.name, claimed_at=now)
        )
        db.commit()
        return bool(taken.rowcount)

    def prepare(self, db: Session, clip: Clip) -> None:
        session = db.get(ProgrammeSession, clip.session_id)
        assert session is not None
        programme_id = session.programme_id
        last = [0.0, 0.0]

        def report(stage: str, fraction: float) -> None:
            moment = time.monotonic()
            if fraction < 1 and moment - last[0] < 0.5 and fraction - last[1] < 0.1:
                return
            last[:] = [moment, fraction]
            clip.stage, clip.progress = stage, round(fraction, 3)
            clip.updated_at = clip.claimed_at = self.now()
            db.add(clip)
            db.commit()

        target = self.store.clip_file(programme_id, clip.id, clip.playable_ext)

        def on_event(event: Event) -> None:
            nonlocal target
            if "playable" in event:  # a clip accepted before WebMs were copied: its own kind
                clip.playable_ext = str(event["playable"])
                target = self.store.clip_file(programme_id, clip.id, clip.playable_ext)
                db.add(clip)
                db.commit()
            if event.get("made"):
                record_made_clip(db, clip, target, self.now())
            elif "stage" in event:
                report(str(event["stage"]), float(event["fraction"]))

        source = self.store.source_file(programme_id, clip.id, clip.source_ext)
        try:
            with self.store.at_hand(source) as original:
                made = self.store.exists(target)  # a crash came after it was made
                with self.store.at_hand(target) as playable:
                    if made and playable != target:  # brought from the store: worked on here
                        playable.replace(target)
                    args: dict[str, Any] = {
                        "source": str(original),
                        "target": str(target),
                        "name": clip.original_name or "The file",
                        "bounds": asdict(self.bounds),
                        "make": not made,
                    }
                    if made and clip.sha256 is None:  # the crash came between rename and this
                        record_made_clip(db, clip, target, self.now())
                    run_job(
                        "make_clip",
                        args,
                        limits=self.limits,
                        footage_ms=clip.duration_ms or 0,
                        what="make this clip playable",
                        on_event=on_event,
                        cancel=self._stop,
                    )
                    self.store.keep_made(programme_id, clip.id, clip_too=not made)
        except StoreUnavailable as error:  # the store will be back: the clip waits for it
            logger.warning("clip %s waits for the footage store: %s", clip.id, error.detail)
            if not self._gone(db, programme_id, clip.id):
                self._stop.wait(STORE_RETRY_SECONDS)
            return
        except JobCancelled:
            return  # vfb is stopping: the clip stays waiting and is made on the next start
        except VfbError as error:
            if self._gone(db, programme_id, clip.id):
                return  # deleted while it was being made: it failed because its files went
            logger.warning("clip %s could not be prepared: %s", clip.id, error.detail)
            self._discard(programme_id, clip)
            clip.status, clip.sha256 = ClipStatus.failed, None  # its made file is gone
            clip.detail = error.detail[:2000]
            clip.stage = None
            clip.updated_at = self.now()
            db.add(clip)
            refresh_filmed_seconds(db, clip.session_id)
            db.commit()
            return
        if self._gone(db, programme_id, clip.id):
            return
        db.refresh(clip)
        clip.status = ClipStatus.ready
        clip.review_media = True
        clip.stage, clip.progress = None, 1.0
        clip.updated_at = self.now()
        db.add(clip)
        refresh_filmed_seconds(db, clip.session_id)
        db.commit()

    def _gone(self, db: Session, programme_id: str, clip_id: str) -> bool:
        """Whether the clip was deleted while it was being made (consent withdrawn, or the clip
        itself); if so, whatever this job kept of it is listed to go, and goes."""
        db.rollback()
        still = db.exec(select(Clip.status).where(col(Clip.id) == clip_id)).first()
        if still not in (None, ClipStatus.deleted):
            return False
        kept = folder(self.store, self.store.clip_dir(programme_id, clip_id))
        remove_later(db, [kept])
        db.commit()
        remove_now(db, self.store, [kept])
        return True

    def _discard(self, programme_id: str, clip: Clip) -> None:
        """A failed clip keeps no file vfb made for it. The original goes too, except a browser
        recording's: vfb holds its only copy (an upload is still on the device it came from)."""
        but_source = clip.origin is ClipOrigin.recording
        self.store.remove_clip(programme_id, clip.id, but_source=but_source)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def media_jobs(
    engine: Engine,
    store: MediaStore,
    now: Now,
    settings: Settings,
    *,
    reels: bool = True,
    idle: timedelta | None = None,
) -> MediaJobs:
    """The media workers as the operator's settings make them: how many at once, their limits
    and bounds, and when a recording counts as abandoned (`idle`, default theirs)."""
    limits = JobLimits(
        minutes=settings.media_job_minutes,
        minutes_per_hour=settings.media_job_minutes_per_hour,
        memory_mb=settings.media_job_memory_mb,
    )
    return MediaJobs(
        engine,
        store,
        now,
        timedelta(seconds=settings.recording_idle_seconds) if idle is None else idle,
        reels=reels,
        workers=settings.media_jobs,
        limits=limits,
        bounds=bounds_of(settings),
    )
