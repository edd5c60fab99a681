"""Sending footage to a team server: a day's work (three clips the size of 20 minutes of 720p
phone video) sent with vfb's resumable client (`vfb.field.sending`: tus 1.0, 8 MB pieces, each
checked by SHA-256, the whole file's SHA-256 worked out before and checked by the server after)
over loopback to one `vfb serve`, beside `curl` importing the same bytes in one request
(`POST /api/sessions/{id}/clips`). Then the same send again with the connection cut at 50%:
the bytes sent again after the cut, against one piece. Target: ≤ 1.2× curl; resent ≤ one piece.

Each file is a real 10-second 720p H.264 MP4 followed by a `free` box (MP4's own padding) to
its size, so the server takes it as a video without 20 minutes of footage being made.

    .venv/bin/python bench/sending.py [--megabytes M]   # default 600 a clip (4 Mbit/s, 20 min)
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from review import Api, family, served_vfb  # noqa: E402
from upload import padded_video  # noqa: E402

from tests.support.proxy import CuttingProxy  # noqa: E402
from vfb.field.sending import PIECE_BYTES, Sender  # noqa: E402


def curl_import(base: str, headers: dict[str, str], session: str, path: Path) -> None:
    answer = subprocess.run(
        [shutil.which("curl") or "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
         f"Authorization: {headers['Authorization']}",
         "-F", f"file=@{path};type=video/mp4", f"{base}/api/sessions/{session}/clips"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    if answer.stdout != "201":
        raise SystemExit(f"curl's import was refused: {answer.stdout}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=600)
    options = parser.parse_args()
    size = options.megabytes << 20
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as scratch:
        folder = Path(scratch)
        clips = [padded_video(folder / f"visit-{n}.mp4", size) for n in range(3)]
        # no media jobs on this server: making the first clips playable would slow the sends
        # that come after them, and this measures sending, not making
        settings = {
            "VFB_MAX_UPLOAD_MB": str(options.megabytes + 16),
            "VFB_SERVE_MEDIA_JOBS": "false",
        }
        with served_vfb(folder, settings) as (base, _):
            api = Api(base, "worker")
            _programme, session = family(api)
            port = int(base.rsplit(":", 1)[1])
            curl_took = ours_took = 0.0
            for clip in clips:  # taken in turns, so that neither meets the disk the other left
                os.sync()
                started = time.perf_counter()
                curl_import(base, api.headers, session, clip)
                curl_took += time.perf_counter() - started
                os.sync()
                started = time.perf_counter()
                Sender(base, api.headers).send(clip, visit=session)
                ours_took += time.perf_counter() - started
            proxy = CuttingProxy(port, cut_at=size // 2)
            try:
                cut = Sender(f"http://127.0.0.1:{proxy.port}", api.headers).send(
                    clips[0], visit=session
                )
            finally:
                proxy.close()
        total = 3 * size / (1 << 20)
        print(f"\na day's work: three files of {options.megabytes} MB ({total:.0f} MB), loopback")
        print(f"{'':34} {'seconds':>8} {'MB/s':>8}")
        print(f"{'curl, one import request each':34} {curl_took:8.2f} {total / curl_took:8.0f}")
        print(
            f"{'vfb resumable (tus, SHA-256)':34} {ours_took:8.2f} {total / ours_took:8.0f}"
            f"   {ours_took / curl_took:.2f}x curl (target <= 1.2x)"
        )
        resent = cut.bytes_sent - size
        print(
            f"\ncut at 50% of {options.megabytes} MB: {cut.cuts} cut(s), "
            f"{resent / (1 << 20):.2f} MB sent again; one piece is "
            f"{PIECE_BYTES / (1 << 20):.0f} MB (target <= one piece)"
        )


if __name__ == "__main__":
    main()
