"""Media work in a child process under a time and a memory limit, so a stuck or runaway FFmpeg
fails its own job, in plain words, and never holds up the server or the jobs beside it."""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import IO, Any

import vfb.errors
from vfb.errors import MediaFailed, MediaJobStopped, VfbError

logger = logging.getLogger("vfb.media")

Event = dict[str, Any]
POLL_SECONDS = 0.25  # how soon a stop (the server shutting down) reaches a running job


class JobCancelled(Exception):
    """The job was stopped because vfb is stopping: it is not the footage's fault, and the job
    is simply run again on the next start."""


@dataclass(frozen=True)
class JobLimits:
    """How long and how much memory one media job may take (VFB_MEDIA_JOB_*)."""

    minutes: float = 30
    minutes_per_hour: float = 600
    memory_mb: int = 4096

    def seconds_for(self, footage_ms: int) -> float:
        return self.minutes * 60 + self.minutes_per_hour * 60 * max(0, footage_ms) / 3_600_000


def run_job(
    job: str,
    args: dict[str, Any],
    *,
    limits: JobLimits,
    footage_ms: int,
    what: str,
    on_event: Callable[[Event], None],
    cancel: threading.Event | None = None,
) -> None:
    """Run `vfb.capture.child`'s `job` with `args` in a child process, passing each event it
    reports to `on_event` (in this thread). Raises the job's own `VfbError`; `MediaJobStopped`
    when it overran its time or memory or died; `JobCancelled` when `cancel` was set."""
    allowed = limits.seconds_for(footage_ms)
    request = json.dumps({"job": job, "args": args, "what": what, "memory_mb": limits.memory_mb})
    with _child() as (process, lines, stderr):
        assert process.stdin is not None
        process.stdin.write(request)
        process.stdin.close()
        deadline = time.monotonic() + allowed
        outcome: Event | None = None
        while True:
            if cancel is not None and cancel.is_set():
                raise JobCancelled(what)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                logger.warning("media job %s (%s) overran %.0f s; stopped", job, what, allowed)
                raise MediaJobStopped(
                    f"vfb stopped trying to {what}: it took longer than the "
                    f"{_duration(allowed)} allowed (VFB_MEDIA_JOB_MINUTES). The file may be "
                    "damaged, or far longer or larger than a home visit's film."
                )
            try:
                line = lines.get(timeout=min(remaining, POLL_SECONDS))
            except queue.Empty:
                continue
            if line is None:
                break
            event = json.loads(line)
            if "outcome" in event:
                outcome = event
            else:
                on_event(event)
        code = process.wait()
    if outcome is None or outcome["outcome"] != "done":
        detail = " / ".join(stderr)
        if outcome is not None:
            raise _error(outcome["error"], outcome["detail"])
        logger.warning("media job %s (%s) died (exit %s): %s", job, what, code, detail)
        if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
            raise MediaJobStopped.out_of_memory(what)
        raise MediaFailed.because(what, detail or f"exit status {code}")


@contextmanager
def _child() -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str | None], deque[str]]]:
    """The child, its stdout as a queue of lines (None at the end) and its last stderr lines;
    on leaving, it and anything it started (its own process group) are gone."""
    process = subprocess.Popen(
        [sys.executable, "-m", "vfb.capture.child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,  # a group of its own, so FFmpeg goes with it when it is killed
        env=os.environ | {"MALLOC_ARENA_MAX": "2"},  # arenas reserve address space, not memory
    )
    lines: queue.Queue[str | None] = queue.Queue()
    stderr: deque[str] = deque(maxlen=20)
    assert process.stdout is not None and process.stderr is not None
    readers = [
        threading.Thread(target=_read, args=(process.stdout, lines.put), daemon=True),
        threading.Thread(target=_read, args=(process.stderr, _keep(stderr)), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        yield process, lines, stderr
    finally:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for reader in readers:
            reader.join(timeout=5)
        process.stdout.close()
        process.stderr.close()


def _read(stream: IO[str], put: Callable[[str | None], None]) -> None:
    for line in stream:
        if line.strip():
            put(line)
    put(None)


def _keep(into: deque[str]) -> Callable[[str | None], None]:
    def keep(line: str | None) -> None:
        if line is not None:
            into.append(line.strip())

    return keep


def _error(name: str, detail: str) -> VfbError:
    kind = getattr(vfb.errors, name, None)
    if isinstance(kind, type) and issubclass(kind, VfbError):
        try:
            return kind(detail)
        except TypeError:  # an error that carries more than words
            pass
    return MediaFailed(detail)


def _duration(seconds: float) -> str:
    minutes = seconds / 60
    if minutes >= 120:
        return f"{minutes / 60:.0f} hours"
    if minutes >= 1:
        return f"{minutes:.0f} minute{'s' if round(minutes) != 1 else ''}"
    return f"{seconds:.0f} seconds"
