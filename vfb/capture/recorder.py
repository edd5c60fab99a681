"""Record a source to a fragmented MP4 (a fragment every half second, synced every half second),
so a crash, a `kill -9` or a full disk costs at most about a second; then it can be finalised
into a clip."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import av.error

from vfb.capture.files import free_bytes, is_disk_full
from vfb.capture.sources import FrameSource

SYNC_EVERY_SECONDS = 0.5
FRAGMENT_MICROSECONDS = 500_000  # the muxer holds a fragment in memory until it is complete
RECORDING_FILE = "recording.mp4"


def encoder_options(fps: int) -> dict[str, str]:
    """libx264 settings for recording: real time on one core, a keyframe (and so a fragment)
    every second, no frames held back (zerolatency), so little is ever unsynced."""
    return {"preset": "veryfast", "tune": "zerolatency", "crf": "23", "g": str(fps)}


class StopReason(StrEnum):
    asked = "asked"
    time_limit = "time_limit"
    disk_full = "disk_full"
    source_ended = "source_ended"


@dataclass(frozen=True)
class RecorderProgress:
    elapsed_ms: int
    bytes_written: int
    free_bytes: int


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    elapsed_ms: int
    stop_reason: StopReason


def record(
    source: FrameSource,
    folder: Path,
    *,
    path: Path | None = None,
    max_seconds: float,
    should_stop: Callable[[], bool],
    min_free_bytes: int,
    on_progress: Callable[[RecorderProgress], None] | None = None,
    on_started: Callable[[Path], None] | None = None,
) -> RecordingResult:
    """Encode H.264 (veryfast, one thread) and AAC until asked to stop, the time limit, or the disk
    running out; every completed second is on disk, synced, before the next begins."""
    folder.mkdir(parents=True, exist_ok=True)
    path = path or folder / RECORDING_FILE
    if free_bytes(folder) < min_free_bytes:
        return RecordingResult(path, 0, StopReason.disk_full)
    raw = path.open("wb")
    options = {
        "movflags": "empty_moov+default_base_moof",
        "frag_duration": str(FRAGMENT_MICROSECONDS),
        "flush_packets": "1",
    }
    out = av.open(raw, "w", format="mp4", options=options)
    video = out.add_stream("libx264", rate=source.fps)
    video.width, video.height, video.pix_fmt = source.width, source.height, "yuv420p"
    video.codec_context.thread_count = 1  # leaves the other core for the laptop and the server
    video.options = dict(encoder_options(source.fps))
    audio = out.add_stream("aac", rate=48000, layout="mono")
    resampler = av.AudioResampler(format="fltp", layout="mono", rate=48000)
    reason = StopReason.source_ended
    elapsed = 0.0
    last_sync = 0.0
    last_report = -1.0
    frames = source.frames()
    try:
        for timed in frames:
            elapsed = timed.seconds
            if isinstance(timed.frame, av.VideoFrame):
                frame = timed.frame.reformat(
                    width=source.width, height=source.height, format="yuv420p"
                )
                frame.pts = round(timed.seconds * source.fps)
                frame.time_base = Fraction(1, source.fps)
                out.mux(video.encode(frame))
                if on_started is not None and frame.pts == 0:
                    on_started(path)
            else:
                for sound in resampler.resample(timed.frame):
                    out.mux(audio.encode(sound))
            if elapsed - last_sync >= SYNC_EVERY_SECONDS:
                raw.flush()
                os.fsync(raw.fileno())
                last_sync = elapsed
                if free_bytes(folder) < min_free_bytes:
                    reason = StopReason.disk_full
                    break
            if on_progress is not None and elapsed - last_report >= 0.5:
                last_report = elapsed
                on_progress(RecorderProgress(round(elapsed * 1000), raw.tell(), free_bytes(folder)))
            if should_stop():
                reason = StopReason.asked
                break
            if elapsed >= max_seconds:
                reason = StopReason.time_limit
                break
    except (OSError, av.error.FFmpegError) as error:
        full = isinstance(error, OSError) and is_disk_full(error)
        if not (full or _write_failed(error) or free_bytes(folder) <= min_free_bytes):
            raise
        reason = StopReason.disk_full
    finally:
        source.close()
        _close_quietly(out, video, audio, raw, flush=reason is not StopReason.disk_full)
    return RecordingResult(path, round(elapsed * 1000), reason)


def _write_failed(error: Exception) -> bool:
    text = str(error)
    return "No space left" in text or "File too large" in text or "Errno 27" in text


def _close_quietly(
    out: av.container.OutputContainer,
    video: av.VideoStream,
    audio: av.AudioStream,
    raw: BinaryIO,
    *,
    flush: bool,
) -> None:
    """Finish the last fragment when the disk allows it; what is already synced stays either way."""
    with contextlib.suppress(OSError, av.error.FFmpegError):
        if flush:
            out.mux(video.encode(None))
            out.mux(audio.encode(None))
        out.close()
    with contextlib.suppress(OSError, ValueError):
        raw.flush()
        os.fsync(raw.fileno())
    with contextlib.suppress(OSError):
        raw.close()
