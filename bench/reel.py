"""Highlight reel benchmark: five 10-second (and five 60-second) moments of a 20-minute 720p clip,
each after its title card, against the floor of joining copied GOPs.

Generates (once, into bench/.media/, never committed) a 1280×720 30 fps H.264/AAC clip with
2-second GOPs, as vfb keeps a camera's or browser's recording, then prints side by side, in one
run: the reference (`ffmpeg -ss … -c copy` of each moment, joined by the concat demuxer: whole
GOPs only, no cards, not frame-exact), vfb now (exact trims joined, only the frames around the
GOPs and the cards encoded) and vfb before (every frame decoded and encoded again, the path that
clips of other sizes or settings still take).

    .venv/bin/python bench/reel.py [--minutes N]   # default 20 minutes
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import av  # noqa: E402

from vfb.capture import reel as reels  # noqa: E402
from vfb.capture.ffmpeg import ffmpeg_exe  # noqa: E402
from vfb.capture.reel import ReelPart, make_reel, plan_for  # noqa: E402

MEDIA = ROOT / "bench" / ".media"


def make_clip(path: Path, seconds: int) -> None:
    if path.exists():
        return
    print(f"Generating the {seconds // 60}-minute 720p clip (once, ~3 min for 20)…", flush=True)
    command = [
        ffmpeg_exe(), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "60", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True)


def floor(source: Path, parts: list[ReelPart], folder: Path) -> float:
    """Each moment's GOPs copied by ffmpeg, then the copies joined: the least a reel can cost."""
    started = time.perf_counter()
    listing = folder / "list.txt"
    lines = []
    for n, part in enumerate(parts):
        piece = folder / f"piece-{n}.mp4"
        command = [
            ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{part.from_ms / 1000:.3f}",
            "-i", str(source), "-t", f"{(part.to_ms - part.from_ms) / 1000:.3f}",
            "-c", "copy", "-avoid_negative_ts", "make_zero", str(piece),
        ]  # fmt: skip
        subprocess.run(command, check=True)
        lines.append(f"file '{piece}'")
    listing.write_text("\n".join(lines) + "\n")
    joined = folder / "floor.mp4"
    command = [ffmpeg_exe(), "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing)]
    subprocess.run([*command, "-c", "copy", "-movflags", "+faststart", str(joined)], check=True)
    return time.perf_counter() - started


def frames_of(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.demux(container.streams.video[0]) if _.size)


def measure(source: Path, minutes: int, moment_ms: int) -> tuple[float, float, float, int]:
    """The floor, vfb now and vfb before for five moments of `moment_ms` each."""
    rng = random.Random(16)
    starts = sorted(rng.randrange(0, minutes * 60_000 - moment_ms) for _ in range(5))
    parts = [ReelPart(source, s, s + moment_ms, f"Moment at {s // 1000} s") for s in starts]
    plan = plan_for(1280, 720, 30)
    with tempfile.TemporaryDirectory(dir=MEDIA) as work:
        folder = Path(work)
        reference = floor(source, parts, folder)
        started = time.perf_counter()
        now_frames = make_reel(parts, folder / "now.mp4", plan)
        now = time.perf_counter() - started
        started = time.perf_counter()
        reels._Reel(folder / "before.mp4", plan, parts, None).run()  # the frame-by-frame path
        before = time.perf_counter() - started
        before_frames = frames_of(folder / "before.mp4")
    assert now_frames == before_frames, (now_frames, before_frames)
    return reference, now, before, now_frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=20)
    args = parser.parse_args()
    MEDIA.mkdir(parents=True, exist_ok=True)
    source = MEDIA / f"reel-source-720p-{args.minutes}min.mp4"
    make_clip(source, args.minutes * 60)
    results = {seconds: measure(source, args.minutes, seconds * 1000) for seconds in (10, 60)}
    machine = f"{platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})"
    print(f"\nvfb reel benchmark on {machine}: five moments of a {args.minutes}-minute")
    print("720p30 H.264 clip (2-s GOPs), each after a 2.5-s title card")
    for seconds, (reference, now, before, frames) in results.items():
        heading = f"five {seconds}-second moments ({frames} frames)"
        print(f"\n{heading:44}{'seconds':>10}{'× floor':>10}")
        rows = [
            ("copied GOPs joined, no cards (floor)", reference),
            ("vfb: exact trims joined (now)", now),
            ("vfb: every frame re-encoded (before)", before),
        ]
        for label, took in rows:
            print(f"{label:44}{took:10.2f}{took / reference:10.1f}")
        print(f"before / now: {before / now:.1f}× faster")


if __name__ == "__main__":
    main()
