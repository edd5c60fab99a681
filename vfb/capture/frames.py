"""A clip's frame times as the browser's player sees them, read from its packets (nothing is
decoded) and kept compactly: runs of frames of equal length, in the video stream's own ticks."""

from __future__ import annotations

import gzip
import itertools
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error

from vfb.errors import MediaFailed, UnreadableMedia

FRAMES = "frames.json.gz"


@dataclass(frozen=True)
class FrameTimes:
    """Frame n starts at `start` plus the lengths of the frames before it, in ticks of
    `time_base` seconds; `runs` are (frames, ticks each), in order, the last frame's included."""

    time_base: Fraction
    start: int
    runs: tuple[tuple[int, int], ...]

    @property
    def count(self) -> int:
        return sum(frames for frames, _ in self.runs)

    def starts(self) -> list[int]:
        """Every frame's start, in ticks."""
        times: list[int] = []
        at = self.start
        for frames, length in self.runs:
            for _ in range(frames):
                times.append(at)
                at += length
        return times

    def as_json(self) -> dict[str, object]:
        return {
            "time_base": [self.time_base.numerator, self.time_base.denominator],
            "start": self.start,
            "count": self.count,
            "runs": [list(run) for run in self.runs],
        }


def _runs(lengths: list[int]) -> tuple[tuple[int, int], ...]:
    runs: list[list[int]] = []
    for length in lengths:
        if runs and runs[-1][1] == length:
            runs[-1][0] += 1
        else:
            runs.append([1, length])
    return tuple((frames, length) for frames, length in runs)


def read_frame_times(clip: Path | str) -> FrameTimes:
    """The presentation times of every frame of `clip`'s first video stream, with t=0 where the
    player's `currentTime` is 0: libavformat applies an MP4's edit list (so the frames held back
    for B-frames start at 0, as in Chromium, which demuxes with it), and a negative start (a
    dropped pre-roll) is shifted to 0 as Chromium does."""
    try:
        with av.open(str(clip)) as container:
            video = container.streams.video[0]
            time_base = video.time_base
            if time_base is None:
                raise UnreadableMedia("This clip has no time base for its pictures.")
            shown: dict[int, int] = {}
            for packet in container.demux(video):
                # the empty packet that ends the stream, and frames an edit list cuts, are not shown
                if packet.pts is None or packet.size == 0 or packet.is_discard:
                    continue
                shown[packet.pts] = packet.duration or 0
    except av.error.FFmpegError as error:
        raise MediaFailed.because("read this clip's frame times", error.strerror) from error
    if not shown:
        raise UnreadableMedia("This clip has no pictures to step through.")
    times = sorted(shown)
    lengths = [after - before for before, after in itertools.pairwise(times)]
    # the last frame lasts as its packet says, else as long as the one before it
    lengths.append(shown[times[-1]] or (lengths[-1] if lengths else 1))
    start = times[0] if times[0] > 0 else 0
    return FrameTimes(time_base=Fraction(time_base), start=start, runs=_runs(lengths))


def encoded(times: FrameTimes) -> bytes:
    """The times as gzipped JSON: a webcam's ms timestamps make runs of one or two frames
    (33, 33, 34 ms), 1.7 MB of JSON for three hours, which gzip makes 5 KB."""
    body = json.dumps(times.as_json(), separators=(",", ":")).encode()
    return gzip.compress(body, compresslevel=9, mtime=0)
