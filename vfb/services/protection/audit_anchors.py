"""Anchors of the audit chain outside the database: `vfb audit anchor`, and the server on start
and once a day, append the chain's last row (number and MAC) to an append-only file, as a line a
manager can also print and keep; `vfb audit verify` checks the chain against every one."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session

from vfb.audit.chain import GENESIS, Anchor, parse_anchor
from vfb.settings import Settings, ensure_data_dir

logger = logging.getLogger("vfb.audit")

ANCHOR_FILE = "audit_anchors"


def anchor_path(settings: Settings) -> Path:
    if settings.audit_anchor_file is not None:
        return settings.audit_anchor_file
    return ensure_data_dir(settings) / ANCHOR_FILE


@dataclass(frozen=True)
class AnchorRead:
    anchors: list[Anchor]
    unreadable: list[int]  # line numbers that look like an anchor but do not parse


def read_anchors(path: Path) -> AnchorRead:
    """Every anchor in the file (none when it does not exist yet)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return AnchorRead([], [])
    anchors: list[Anchor] = []
    unreadable: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        found = parse_anchor(line)
        if found is None:
            unreadable.append(number)
        else:
            anchors.append(found)
    return AnchorRead(anchors, unreadable)


def take_anchor(db: Session, now: datetime) -> Anchor:
    """The chain's last row now, read holding the head lock (no append is half done)."""
    connection = db.connection()
    connection.execute(text("UPDATE audit_head SET seq = seq WHERE id = 1"))
    last = connection.execute(
        text("SELECT seq, hash, key_id FROM audit_event ORDER BY seq DESC LIMIT 1")
    ).one_or_none()
    unkeyed = connection.execute(
        text("SELECT max(seq) FROM audit_event WHERE key_id IS NULL")
    ).scalar()
    db.rollback()
    if last is None:
        return Anchor(0, GENESIS, now, None, 0)
    return Anchor(int(last.seq), str(last.hash), now, last.key_id, int(unkeyed or 0))


def write_anchor(path: Path, anchor: Anchor) -> None:
    """One line added to the end of the file, synced: earlier lines are never rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def anchor_now(engine: Engine, path: Path, now: datetime) -> Anchor:
    with Session(engine) as db:
        anchor = take_anchor(db, now)
    write_anchor(path, anchor)
    return anchor


class DailyAnchor:
    """The server's own anchor: when it starts, then once a day."""

    def __init__(
        self,
        engine: Engine,
        path: Path,
        now: Callable[[], datetime],
        every: timedelta = timedelta(days=1),
    ) -> None:
        self.engine, self.path, self.now, self.every = engine, path, now, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._run_once()  # before the first request: every restart leaves a mark
        self._thread = threading.Thread(target=self._run, name="vfb-daily-anchor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run_once(self) -> None:
        try:
            anchor = anchor_now(self.engine, self.path, self.now())
        except Exception:  # a missed anchor must not stop the service, nor tomorrow's anchor
            logger.exception("could not anchor the audit trail in %s; will try again", self.path)
        else:
            logger.info("anchored the audit trail: %s", anchor.line())

    def _run(self) -> None:
        while not self._stop.wait(self.every.total_seconds()):
            self._run_once()
