"""Capture benchmark: trimming, encoding and review media on a 20-minute 720p30 clip.

Generates (once, into bench/.media/, never committed) a 20-minute 1280×720 30 fps H.264/AAC clip
with a 2-second GOP, then prints side by side: the physical floor (`cp` + fsync), the reference
(`ffmpeg -ss -to -c copy` of a 12-minute section, with and without fsync), vfb's fast and exact
trims of the same section, the exact trim of the same section of a variable-frame-rate twin (a
webcam dropping from 30 to 15 fps for 10 s in every 20, keyframes every 2 s of time as vfb's
playable clips have them), a full `veryfast` re-encode of it, the recorder's encoding speed at
720p30 on one thread, and the time to make the review media for the whole clip.

    .venv/bin/python bench/capture.py [--quick]   # --quick: a 4-minute clip and a 2-minute cut
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vfb.capture.ffmpeg import ffmpeg_exe  # noqa: E402
from vfb.capture.files import fsync_path  # noqa: E402
from vfb.capture.recorder import encoder_options  # noqa: E402
from vfb.capture.review_media import make_review_media  # noqa: E402
from vfb.capture.trim import TrimMode, trim  # noqa: E402

MEDIA = ROOT / "bench" / ".media"


def make_reference(path: Path, seconds: int, gop: int = 60, *, variable: bool = False) -> None:
    if path.exists():
        return
    kind = "variable-rate twin" if variable else "reference clip"
    print(f"Generating the {seconds // 60}-minute {kind} (once)…", flush=True)
    part = path.with_suffix(".part.mp4")
    if variable:  # every other frame dropped for 10 s in every 20: 30 fps, then 15
        rate = ["-vf", "select='lt(mod(t,20),10)+not(mod(n,2))'", "-fps_mode", "passthrough",
                "-force_key_frames", "expr:gte(t,n_forced*2)", "-g", "600"]  # fmt: skip
    else:
        rate = ["-g", str(gop), "-keyint_min", str(gop)]
    command = [
        ffmpeg_exe(), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", *rate, "-sc_threshold", "0",
        "-c:a", "aac", "-ac", "1", "-movflags", "+faststart", str(part),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    part.rename(path)


def timed(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def recorder_speed(seconds: int = 20) -> float:
    """Frames per second the recorder's encoder manages at 720p30 on one thread, as a multiple
    of real time (frames come from testsrc2, decoded beforehand so only encoding is timed)."""
    with av.open("testsrc2=size=1280x720:rate=30", format="lavfi") as source:
        frames = []
        for frame in source.decode(video=0):
            frames.append(frame.reformat(format="yuv420p"))
            if len(frames) == seconds * 30:
                break
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "speed.mp4"
        options = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}
        with av.open(str(target), "w", format="mp4", options=options) as out:
            stream = out.add_stream("libx264", rate=30)
            stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
            stream.codec_context.thread_count = 1
            stream.options = encoder_options(30)
            started = time.perf_counter()
            for n, frame in enumerate(frames):
                frame.pts, frame.time_base = n, Fraction(1, 30)
                out.mux(stream.encode(frame))
            out.mux(stream.encode(None))
            elapsed = time.perf_counter() - started
    return len(frames) / elapsed / 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4-minute clip, 2-minute cut")
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs")
    args = parser.parse_args()
    minutes, cut_minutes = (4, 2) if args.quick else (20, 12)
    MEDIA.mkdir(parents=True, exist_ok=True)
    source = MEDIA / f"reference-{minutes}min.mp4"
    make_reference(source, minutes * 60)
    variable = MEDIA / f"variable-rate-{minutes}min.mp4"
    make_reference(variable, minutes * 60, variable=True)
    start_ms = 4 * 60 * 1000 + 1234 if not args.quick else 61234  # not on a keyframe
    end_ms = start_ms + cut_minutes * 60 * 1000
    work = Path(tempfile.mkdtemp(prefix="vfb-bench-", dir=MEDIA))
    out = work / "out.mp4"
    ff = ffmpeg_exe()

    def copy_floor() -> None:
        shutil.copyfile(source, out)
        fsync_path(out)

    section = ["-ss", f"{start_ms / 1000}", "-to", f"{end_ms / 1000}", "-i", str(source)]

    def ffmpeg_copy(sync: bool) -> Callable[[], None]:
        def run() -> None:
            subprocess.run([ff, "-v", "error", "-y", *section, "-c", "copy", str(out)], check=True)
            if sync:
                fsync_path(out)

        return run

    def vfb_trim(mode: TrimMode, film: Path = source) -> Callable[[], None]:
        def run() -> None:
            out.unlink(missing_ok=True)
            trim(film, out, from_ms=start_ms, to_ms=end_ms, mode=mode)

        return run

    def reencode() -> None:
        encode = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac"]
        subprocess.run([ff, "-v", "error", "-y", *section, *encode, str(out)], check=True)

    def review() -> None:
        make_review_media(source, work)

    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, PyAV {av.__version__}; "
          f"median of {args.runs} runs", flush=True)  # fmt: skip
    runs = args.runs
    floor = timed(copy_floor, runs)
    reference = timed(ffmpeg_copy(sync=False), runs)
    reference_synced = timed(ffmpeg_copy(sync=True), runs)
    fast = timed(vfb_trim(TrimMode.fast), runs)
    exact = timed(vfb_trim(TrimMode.exact), runs)
    exact_variable = timed(vfb_trim(TrimMode.exact, variable), runs)
    print("Full re-encode (veryfast) of the section: this takes minutes…", flush=True)
    full = timed(reencode, 1)
    speed = recorder_speed()
    review_time = timed(review, 1)
    shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("cp + fsync of the whole file (floor)", floor, "", ""),
        (f"ffmpeg -ss -to -c copy, {cut_minutes} min (reference)", reference, "", ""),
        ("  the same + fsync (vfb always syncs)", reference_synced, "", ""),
        (
            "vfb fast trim",
            fast,
            "≤ 1.5× reference",
            f"{fast / reference:.2f}× ref, {fast / reference_synced:.2f}× synced ref",
        ),
        (
            "vfb exact trim (smart cut)",
            exact,
            "≤ 3× reference",
            f"{exact / reference:.2f}× ref, {exact / reference_synced:.2f}× synced ref",
        ),
        (
            "vfb exact trim, variable rate (30↔15 fps)",
            exact_variable,
            "≤ 1.5× constant rate",
            f"{exact_variable / exact:.2f}× the constant-rate exact trim",
        ),
        ("full re-encode, veryfast", full, "(for scale)", f"{full / exact:.0f}× the exact trim"),
        (f"review media for the whole {minutes}-min clip", review_time, "≤ 60 s", ""),
    ]
    print()
    print(f"| {'what':<48} | {'seconds':>8} | {'target':<17} | ratio |")
    print(f"|{'-' * 50}|{'-' * 10}|{'-' * 19}|-------|")
    for what, seconds, target, ratio in rows:
        print(f"| {what:<48} | {seconds:8.2f} | {target:<17} | {ratio} |")
    recorder = "recorder encoding, 720p30, one thread"
    print(f"| {recorder:<48} | {speed:7.1f}× | {'≥ 2× real time':<17} | {speed:.1f}× real time |")


if __name__ == "__main__":
    main()
