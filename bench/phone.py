"""Phone footage benchmark: time to "ready to review" for a rotated 1080p H.264 phone film.

Generates (once, into bench/.media/, never committed) a 1920×1080 30 fps H.264/AAC film with a
quarter turn in its display matrix, as a phone held upright writes it, then prints side by side:
the reference (`ffmpeg -c copy` of the whole file), vfb today (copied with the turn kept, then the
thumbnails, poster and waveform made from upright pictures) and vfb before (re-encoded at full
size only to apply the turn, as it did while `clipmaker.plan_for` copied only unturned video;
forced here by asking for the re-encode a mirrored film still gets).

    .venv/bin/python bench/phone.py [--minutes N]   # default 2 minutes (before: ~1 s a second)
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

from vfb.capture.clipmaker import make_playable, plan_for  # noqa: E402
from vfb.capture.ffmpeg import ffmpeg_exe  # noqa: E402
from vfb.capture.probe import MediaFacts, probe  # noqa: E402
from vfb.capture.review_media import make_review_media  # noqa: E402

MEDIA = ROOT / "bench" / ".media"


def make_phone_film(path: Path, seconds: int) -> None:
    if path.exists():
        return
    print(f"Generating the {seconds // 60}-minute rotated phone film (once)…", flush=True)
    flat = path.with_suffix(".flat.mp4")
    command = [
        ffmpeg_exe(), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "30", "-pix_fmt", "yuvj420p",
        "-c:a", "aac", str(flat),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    turn = [ffmpeg_exe(), "-v", "error", "-y", "-display_rotation", "-90", "-i", str(flat)]
    subprocess.run([*turn, "-c", "copy", str(path)], check=True)
    flat.unlink()


def ready(source: Path, folder: Path, facts: MediaFacts) -> float:
    """Seconds from the file's arrival to a clip ready to review: the playable copy, then the
    review media (what the media job does)."""
    clip = folder / f"clip{plan_for(facts).extension}"
    clip.unlink(missing_ok=True)
    started = time.perf_counter()
    make_playable(source, clip, facts)
    make_review_media(clip, folder)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=2)
    args = parser.parse_args()
    MEDIA.mkdir(parents=True, exist_ok=True)
    source = MEDIA / f"phone-rotated-1080p-{args.minutes}min.mp4"
    make_phone_film(source, args.minutes * 60)
    facts = probe(source)
    assert (facts.width, facts.height, facts.rotation) == (1080, 1920, 270), facts
    before = dataclasses.replace(facts, mirrored=True)  # the old rule's re-encode
    assert plan_for(facts).copy_video and not plan_for(before).copy_video
    with tempfile.TemporaryDirectory(dir=MEDIA) as work:
        folder = Path(work)
        started = time.perf_counter()
        copied = folder / "copy.mp4"
        command = [ffmpeg_exe(), "-v", "error", "-y", "-i", str(source), "-c", "copy"]
        subprocess.run([*command, str(copied)], check=True)
        reference = time.perf_counter() - started
        copied.unlink()
        now = ready(source, folder, facts)
        then = ready(source, folder, before)
    footage = args.minutes * 60
    machine = f"{platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})"
    print(f"\nvfb phone benchmark on {machine}: a {args.minutes}-minute rotated 1080p30 H.264 film")
    rows = [
        ("ffmpeg -c copy (reference)", reference),
        ("vfb: copied, turn kept (now)", now),
        ("vfb: re-encoded upright (before)", then),
    ]
    print(f"{'':36}{'seconds':>10}{'× copy':>10}{'s per footage min':>20}")
    for label, seconds in rows:
        per_minute = seconds / footage * 60
        print(f"{label:36}{seconds:10.2f}{seconds / reference:10.1f}{per_minute:20.2f}")
    print(f"\nbefore / now: {then / now:.1f}× faster to ready-to-review")


if __name__ == "__main__":
    main()
