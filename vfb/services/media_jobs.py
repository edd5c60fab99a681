"""The background worker that makes clips playable and ready for review, one at a time, and
finalises abandoned recordings. Its queue is the database (clips still `processing`), so a
server restart simply carries on where it stopped."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, or_, update
from sqlmodel import Session, col, select

from vfb.capture.clipmaker import make_web_mp4, plan_for
from vfb.capture.probe import probe
from vfb.capture.review_media import make_review_media
from vfb.errors import VfbError
from vfb.models import Clip, ProgrammeSession, Reel
from vfb.models.enums import ClipStatus, ReelStatus
from vfb.services import audit
from vfb.services.clips import record_made_clip, refresh_filmed_seconds
from vfb.services.media_store import MediaStore
from vfb.services.recordings import recover_idle
from vfb.services.reels import build_reel, reel_file

logger = logging.getLogger("vfb.media")

Now = Callable[[], datetime]
STALE_CLAIM = timedelta(seconds=60)  # a preparing process that has reported nothing for this long


class MediaJobs:
    def __init__(
        self, engine: Engine, store: MediaStore, now: Now, idle: timedelta, *, reels: bool = True
    ) -> None:
        self.engine, self.store, self.now, self.idle = engine, store, now, idle
        self.reels = reels  # the server makes reels; a `vfb import` beside it leaves them
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._busy = threading.Lock()
        self._thread: threading.Thread | None = None
        self.name = f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    # -- the thread ------------------------------------------------------------------------

    def start(self) -> None:
        self.store.sweep_partial_files()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="vfb-media", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        try:
            self.release_dead_claims()
        except Exception:
            logger.exception("the media worker could not look for a crashed process's clips")
        while not self._stop.is_set():
            try:
                worked = self.run_once()
            except Exception:
                logger.exception("the media worker met an unexpected problem")
                worked = False
            if not worked:
                self._wake.wait(timeout=1.0)
                self._wake.clear()

    # -- one step --------------------------------------------------------------------------

    def run_once(self) -> bool:
        """Recover abandoned recordings, then prepare the oldest waiting clip. True if it worked."""
        with self._busy, Session(self.engine) as db:
            audit.use_actor(db, audit.Actor.system(self.now))
            recovered = recover_idle(db=db, store=self.store, now=self.now(), idle=self.idle)
            now = self.now()
            waiting = db.exec(
                select(Clip.id)
                .where(Clip.status == ClipStatus.processing, self._claimable(now))
                .order_by(col(Clip.created_at), Clip.id)
            ).all()
            for clip_id in waiting:
                if self.claim(db, clip_id):
                    clip = db.get(Clip, clip_id)
                    assert clip is not None
                    self.prepare(db, clip)
                    return True
            if self.reels:
                reel = db.exec(
                    select(Reel)
                    .where(Reel.status == ReelStatus.building)
                    .order_by(col(Reel.created_at), Reel.id)
                ).first()
                if reel is not None:
                    self.make_reel(db, reel)
                    return True
            return bool(recovered)

    def make_reel(self, db: Session, reel: Reel) -> None:
        """Make one reel. Its row is only ever updated by statements, so a reel deleted while it
        is being made (consent withdrawn) is noticed, and its file removed."""
        reel_id, target = reel.id, reel_file(self.store, reel)
        last = [0.0]

        def report(fraction: float) -> None:
            if time.monotonic() - last[0] >= 0.5:
                last[0] = time.monotonic()
                db.exec(
                    update(Reel).where(col(Reel.id) == reel_id).values(progress=round(fraction, 3))
                )
                db.commit()

        values: dict[str, object]
        try:
            build_reel(db, self.store, reel, report)
        except VfbError as error:
            logger.warning("reel %s could not be made: %s", reel_id, error.detail)
            values = {"status": ReelStatus.failed, "detail": error.detail[:2000]}
        else:
            values = {"status": ReelStatus.ready, "progress": 1.0}
            values |= {"size_bytes": reel.size_bytes, "length_ms": reel.length_ms}
        db.rollback()  # build_reel's changes to the row are replaced by the statement below
        done = db.exec(update(Reel).where(col(Reel.id) == reel_id).values(**values))
        db.commit()
        if not done.rowcount:
            target.unlink(missing_ok=True)

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        return or_(
            col(Clip.claimed_at).is_(None),
            col(Clip.claimed_at) < now - STALE_CLAIM,
            col(Clip.claimed_by) == self.name,
        )

    def release_dead_claims(self) -> None:
        """Clips a crashed process on this computer was preparing are taken up at once, not a
        minute later (claims name the host and the process id)."""
        host = self.name.rsplit("-", 2)[0]
        with Session(self.engine) as db:
            claimed = db.exec(
                select(Clip).where(
                    Clip.status == ClipStatus.processing, col(Clip.claimed_by).is_not(None)
                )
            ).all()
            for clip in claimed:
                owner, _, _token = (clip.claimed_by or "").rpartition("-")
                claim_host, _, pid = owner.rpartition("-")
                if claim_host == host and pid.isdigit() and not _alive(int(pid)):
                    clip.claimed_by = clip.claimed_at = None
                    db.add(clip)
            db.commit()

    def claim(self, db: Session, clip_id: str) -> bool:
        """Take the clip for this process, unless another (a `vfb import` beside the server, say)
        is preparing it and reported progress within the last minute."""
        now = self.now()
        taken = db.exec(
            update(Clip)
            .where(col(Clip.id) == clip_id, self._claimable(now))
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

        target = self.store.clip_file(programme_id, clip.id)
        try:
            if not target.exists():
                source = self.store.source_file(programme_id, clip.id, clip.source_ext)
                facts = probe(source)
                stage = f"Making a playable copy ({plan_for(facts).description})"
                report(stage, 0.0)
                make_web_mp4(source, target, facts, lambda f: report(stage, 0.6 * f))
            if clip.sha256 is None:  # also when a crash came between the rename and this
                record_made_clip(db, clip, target, self.now())
            stage = "Making thumbnails and the waveform"
            report(stage, 0.6)
            make_review_media(
                target,
                target.parent,
                lambda f: report(stage, 0.6 + 0.4 * f),
            )
        except VfbError as error:
            logger.warning("clip %s could not be prepared: %s", clip.id, error.detail)
            clip.status = ClipStatus.failed
            clip.detail = error.detail[:2000]
            clip.stage = None
            clip.updated_at = self.now()
            db.add(clip)
            refresh_filmed_seconds(db, clip.session_id)
            db.commit()
            return
        db.refresh(clip)
        if clip.status is ClipStatus.deleted:  # consent was withdrawn while it was being made
            self.store.remove_clip(programme_id, clip.id)
            return
        clip.status = ClipStatus.ready
        clip.review_media = True
        clip.stage, clip.progress = None, 1.0
        clip.updated_at = self.now()
        db.add(clip)
        refresh_filmed_seconds(db, clip.session_id)
        db.commit()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
