"""The one place vfb runs the `ffmpeg` program (the static build that imageio-ffmpeg ships), with
argument lists, progress read from `-progress`, and failures turned into plain errors."""

from __future__ import annotations

import logging
import subprocess
from collections import deque
from collections.abc import Callable, Sequence
from functools import cache

from imageio_ffmpeg import get_ffmpeg_exe

from vfb.errors import DiskFull, MediaFailed, MediaJobStopped

logger = logging.getLogger("vfb.media")


@cache
def ffmpeg_exe() -> str:
    return str(get_ffmpeg_exe())


def run_ffmpeg(
    args: Sequence[str],
    *,
    duration_ms: int = 0,
    progress: Callable[[float], None] | None = None,
    what: str = "process the video",
) -> None:
    """Run `ffmpeg ARGS`; report progress (0–1) against `duration_ms` when given."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-v", "error"]
    command += ["-progress", "pipe:1", *args]
    errors: deque[str] = deque(maxlen=8)
    with subprocess.Popen(  # noqa: S603 (an argument list, no shell)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        for line in process.stdout:
            if progress and duration_ms and line.startswith("out_time_us="):
                value = line.partition("=")[2].strip()
                if value.isdigit():
                    progress(min(1.0, int(value) / 1000 / duration_ms))
        errors.extend(line.strip() for line in process.stderr if line.strip())
        code = process.wait()
    if code != 0:
        detail = " / ".join(errors) or f"exit status {code}"
        if "No space left on device" in detail or "File too large" in detail:
            logger.warning("the disk is full: FFmpeg could not %s: %s", what, detail)
            raise DiskFull(f"The disk is full, so vfb could not {what}. Free some space and retry.")
        if "Cannot allocate memory" in detail:
            logger.warning("FFmpeg ran out of memory: could not %s: %s", what, detail)
            raise MediaJobStopped.out_of_memory(what)
        raise MediaFailed.because(what, detail)
