"""Import benchmark: a 2 GB video file imported through the API (`POST /api/sessions/{id}/clips`,
streamed as a browser's form would send it) on one `vfb serve` process, beside writing the same
bytes with `dd` on the same disk (with its fsync, as vfb syncs what it keeps). Prints both
throughputs, their ratio, and the server's resident memory before, at its highest during, and
after the upload (target: flat, the file never held in memory).

The file is a real 10-second H.264/AAC MP4 followed by a 2 GB `free` box (MP4's own padding,
which every reader skips), so it is a video vfb accepts without generating 2 GB of footage.

    .venv/bin/python bench/upload.py [--gigabytes G]   # default 2
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from review import Api, family, served_vfb  # noqa: E402

from vfb.capture.ffmpeg import ffmpeg_exe  # noqa: E402

BLOCK = os.urandom(8 << 20)


def padded_video(path: Path, size: int) -> Path:
    """A 10-second MP4, then a `free` box that brings the file to `size` bytes."""
    subprocess.run(
        [ffmpeg_exe(), "-v", "error",
         "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=10",
         "-f", "lavfi", "-i", "sine=duration=10",
         "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
         "-movflags", "+faststart", "-y", str(path)],
        check=True,
    )  # fmt: skip
    left = size - path.stat().st_size - 16
    with path.open("ab") as file:
        file.write(struct.pack(">I4sQ", 1, b"free", left + 16))  # size 1: a 64-bit size follows
        while left > 0:
            piece = BLOCK[: min(left, len(BLOCK))]
            file.write(piece)
            left -= len(piece)
    return path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def dd_seconds(source: Path, target: Path) -> float:
    os.sync()
    started = time.perf_counter()
    subprocess.run(
        [
            shutil.which("dd") or "/bin/dd",
            f"if={source}",
            f"of={target}",
            "bs=1M",
            "conv=fsync",
            "status=none",
        ],
        check=True,
    )
    took = time.perf_counter() - started
    target.unlink()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gigabytes", type=float, default=2.0)
    options = parser.parse_args()
    size = int(options.gigabytes * (1 << 30))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as scratch:
        folder = Path(scratch)
        source = padded_video(folder / "big.mp4", size)
        floor = dd_seconds(source, folder / "dd.out")
        pids: list[int] = []
        with served_vfb(folder, {"VFB_MAX_UPLOAD_MB": str(size // (1 << 20) + 16)}, pids=pids) as (
            base,
            _env,
        ):
            api = Api(base, "worker")
            _programme, session = family(api)
            pid = pids[0]
            before = rss_mb(pid)
            highest = [before]
            sending = threading.Event()
            sending.set()

            def watch() -> None:
                while sending.is_set():
                    highest[0] = max(highest[0], rss_mb(pid))
                    time.sleep(0.05)

            watcher = threading.Thread(target=watch)
            watcher.start()
            os.sync()
            started = time.perf_counter()
            with source.open("rb") as file:
                answer = httpx.post(
                    f"{base}/api/sessions/{session}/clips",
                    headers=api.headers,
                    files={"file": ("big.mp4", file, "video/mp4")},
                    timeout=600,
                )
            took = time.perf_counter() - started
            sending.clear()
            watcher.join()
            after = rss_mb(pid)
            if answer.status_code != 201:
                raise SystemExit(f"the import was refused: {answer.status_code} {answer.text}")
        mb = size / (1 << 20)
        print(f"\n{options.gigabytes:g} GB video file, written to the same disk")
        print(f"{'':28} {'seconds':>8} {'MB/s':>8}")
        print(f"{'dd bs=1M conv=fsync':28} {floor:8.2f} {mb / floor:8.0f}")
        print(f"{'vfb import over HTTP':28} {took:8.2f} {mb / took:8.0f}   {took / floor:.2f}x dd")
        print(
            f"\nserver memory (RSS): {before:.0f} MB before, {highest[0]:.0f} MB at most during, "
            f"{after:.0f} MB after the upload (the file is {mb:.0f} MB)"
        )
        shutil.rmtree(folder / "data", ignore_errors=True)


if __name__ == "__main__":
    main()
