"""The child process of one media job (`python -m vfb.capture.child`, a JSON request on stdin):
it caps its own address space, does the work and reports progress and its outcome as JSON lines."""

from __future__ import annotations

import errno
import json
import logging
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av.error

from vfb.capture.clipmaker import make_playable, plan_for
from vfb.capture.probe import MediaBounds, probe
from vfb.capture.reel import ReelPart, ReelPlan, make_reel
from vfb.capture.review_media import make_review_media
from vfb.errors import MediaFailed, MediaJobStopped, VfbError


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def make_clip(*, source: str, target: str, name: str, bounds: dict[str, Any], make: bool) -> None:
    """Make the playable MP4 (unless it is already made), then its review media."""
    clip = Path(target)
    if make:
        facts = probe(Path(source), name, MediaBounds(**bounds))
        plan = plan_for(facts)
        if clip.suffix != plan.extension:  # named before WebMs were copied as they are
            clip = clip.with_suffix(plan.extension)
            emit(playable=plan.extension)
        stage = f"Making a playable copy ({plan.description})"
        emit(stage=stage, fraction=0.0)
        make_playable(Path(source), clip, facts, lambda f: emit(stage=stage, fraction=0.6 * f))
        emit(made=True)
    stage = "Making thumbnails and the waveform"
    emit(stage=stage, fraction=0.6)
    make_review_media(clip, clip.parent, lambda f: emit(stage=stage, fraction=0.6 + 0.4 * f))


def reel(*, parts: list[dict[str, Any]], target: str, plan: dict[str, Any]) -> None:
    chosen = [
        ReelPart(Path(p["source"]), p["from_ms"], p["to_ms"], p["caption"], p["child_words"])
        for p in parts
    ]
    frames = make_reel(chosen, Path(target), ReelPlan(**plan), lambda f: emit(fraction=f))
    emit(frames=frames)


def out_of_memory(error: BaseException) -> bool:
    """Whether `error` is the address-space limit's doing, in whichever way it surfaced: Python's
    MemoryError, FFmpeg's ENOMEM, or a library that could not be mapped in to be imported."""
    if isinstance(error, MemoryError | av.error.MemoryError):
        return True
    if isinstance(error, OSError) and error.errno == errno.ENOMEM:
        return True
    return isinstance(error, ImportError) and "failed to map segment" in str(error)


JOBS: dict[str, Callable[..., None]] = {"make_clip": make_clip, "reel": reel}


def _end_with_parent() -> None:
    """Stop (with FFmpeg, in this job's process group) once the process that asked for the job
    has gone: a worker killed mid-job leaves its job to another, and nothing of it may go on
    writing beside that one's."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.2)
            if os.getppid() != parent:
                os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="vfb-job-parent", daemon=True).start()


def main() -> None:
    _end_with_parent()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    request = json.loads(sys.stdin.read())
    limit = int(request["memory_mb"]) << 20
    # Set once everything is imported: the limit is on the job's work, and FFmpeg inherits it.
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        JOBS[request["job"]](**request["args"])
    except VfbError as failed:
        error: VfbError = failed
    except Exception as unexpected:
        if out_of_memory(unexpected):
            logging.getLogger("vfb.media").warning("a media job ran out of memory: %s", unexpected)
            error = MediaJobStopped.out_of_memory(request["what"])
        else:
            logging.getLogger("vfb.media").exception("a media job met an unexpected problem")
            error = MediaFailed.because(request["what"], unexpected)
    else:
        emit(outcome="done")
        return
    emit(outcome="failed", error=type(error).__name__, detail=error.detail)


if __name__ == "__main__":
    main()
