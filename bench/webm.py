"""Browser recording benchmark: time to "ready to review" after Stop for a MediaRecorder WebM.

Generates (once, into bench/.media/, never committed) 720p30 recordings as a browser's
MediaRecorder writes them — VP8 (Firefox) and VP9 (Chromium before it recorded MP4) with Opus,
written to a pipe, so with no duration and no cues — then prints side by side, for each: the
reference (`ffmpeg -c copy` into a WebM with cues at the front), vfb now (copied so, then the
thumbnails, poster and waveform) and vfb before (re-encoded to H.264 + AAC, then the same review
media; forced here by asking for the re-encode a mirrored recording still gets).

    .venv/bin/python bench/webm.py [--minutes N]   # default 2 minutes
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from phone import ready  # noqa: E402  (Stop → the playable copy and the review media)

from vfb.capture.clipmaker import plan_for  # noqa: E402
from vfb.capture.ffmpeg import ffmpeg_exe  # noqa: E402
from vfb.capture.probe import probe  # noqa: E402

MEDIA = ROOT / "bench" / ".media"
ENCODERS = {"vp8": ["-c:v", "libvpx", "-b:v", "2M"], "vp9": ["-c:v", "libvpx-vp9", "-b:v", "2M"]}


def make_recording(path: Path, codec: str, seconds: int) -> None:
    if path.exists():
        return
    print(f"Generating the {seconds // 60}-minute {codec} recording (once)…", flush=True)
    command = [
        ffmpeg_exe(), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        *ENCODERS[codec], "-deadline", "realtime", "-cpu-used", "8", "-g", "90",
        "-c:a", "libopus", "-f", "webm", "pipe:1",
    ]  # fmt: skip
    with path.open("wb") as out:
        subprocess.run(command, check=True, stdout=out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=2)
    args = parser.parse_args()
    MEDIA.mkdir(parents=True, exist_ok=True)
    footage = args.minutes * 60
    machine = f"{platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})"
    results = []
    for codec in ENCODERS:
        source = MEDIA / f"recording-{codec}-720p-{args.minutes}min.webm"
        make_recording(source, codec, footage)
        facts = probe(source)
        before = dataclasses.replace(facts, mirrored=True)  # the re-encode every WebM had
        assert plan_for(facts).extension == ".webm" and not plan_for(before).copy_video
        with tempfile.TemporaryDirectory(dir=MEDIA) as work:
            folder = Path(work)
            started = time.perf_counter()
            command = [ffmpeg_exe(), "-v", "error", "-y", "-i", str(source), "-c", "copy"]
            command += ["-cues_to_front", "1", str(folder / "copy.webm")]
            subprocess.run(command, check=True)
            reference = time.perf_counter() - started
            results.append(
                (codec, reference, ready(source, folder, facts), ready(source, folder, before))
            )
    print(f"\nvfb browser recording benchmark on {machine}: {args.minutes}-minute 720p30 WebM")
    print(f"{'':44}{'seconds':>10}{'× copy':>10}{'s per footage min':>20}")
    for codec, reference, now, then in results:
        for label, seconds in (
            (f"{codec}: ffmpeg -c copy, cues (reference)", reference),
            (f"{codec}: vfb copied into a WebM (now)", now),
            (f"{codec}: vfb re-encoded to H.264 (before)", then),
        ):
            per_minute = seconds / footage * 60
            print(f"{label:44}{seconds:10.2f}{seconds / reference:10.1f}{per_minute:20.2f}")
        print(f"{codec}: before / now: {then / now:.1f}× sooner ready to review\n")


if __name__ == "__main__":
    main()
