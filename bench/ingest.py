"""Ingest benchmark: 100 browser recordings at once on one `vfb serve` process, each sending a
1-second chunk (312 KB: MediaRecorder at 2.5 Mbit/s) every second in real time, all started in the
same second; once on an idle machine and once while two x264 encodes keep both cores busy (as
transcoding an import does). Prints the chunk acknowledgement times (p50, p95, p99, worst) beside
the target (p99 ≤ 500 ms) and every answer that was not 200 (target: none; a 503 is retried
after its Retry-After, as the recorder page does, and counted).

    .venv/bin/python bench/ingest.py [--recordings N] [--seconds S]   # default 100 for 30 s
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from review import Api, family, served_vfb  # noqa: E402

from vfb.capture.ffmpeg import ffmpeg_exe  # noqa: E402

VFB = str(Path(sys.executable).parent / "vfb")
CHUNK = b"\x1a\x45\xdf\xa3" + os.urandom(312 * 1024 - 4)  # a WebM's first bytes, then noise


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def recorder(
    client: httpx.AsyncClient, base: str, session_id: str, seconds: int, start: float,
    times: list[float], answers: Counter[int],
) -> None:  # fmt: skip
    made = await client.post(
        f"/api/sessions/{session_id}/recordings", json={"mime_type": "video/webm"}
    )
    if made.status_code != 201:
        raise SystemExit(f"starting a recording: {made.status_code} {made.text}")
    recording = made.json()["id"]
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    for index in range(seconds):
        await asyncio.sleep(max(0.0, start + index + 1 - time.monotonic()))  # a chunk a second
        while True:
            began = time.monotonic()
            try:
                answer = await client.put(
                    f"/api/recordings/{recording}/chunks/{index}", content=CHUNK
                )
                status = answer.status_code
            except httpx.TransportError:
                status = 0
            times.append(time.monotonic() - began)
            answers[status] += 1
            if status == 200:
                break
            retry = answer.headers.get("retry-after", "1") if status else "1"
            await asyncio.sleep(float(retry))


async def burst(
    base: str, token: str, session_id: str, count: int, seconds: int
) -> tuple[list[float], Counter[int]]:
    times: list[float] = []
    answers: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=count + 10)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=120
    ) as client:
        start = time.monotonic() + 5  # every recording made, then all start in the same second
        await asyncio.gather(*(
            recorder(client, base, session_id, seconds, start, times, answers) for _ in range(count)
        ))  # fmt: skip
    return times, answers


def busy_machine() -> list[subprocess.Popen[bytes]]:
    """Two x264 encodes, each as busy as one core (an import being transcoded)."""
    command = [
        ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
        "-c:v", "libx264", "-preset", "veryfast", "-threads", "1", "-f", "null", "-",
    ]  # fmt: skip
    return [subprocess.Popen(command) for _ in range(2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recordings", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    results = {}
    extra = {"VFB_MIN_FREE_MB": "64"}
    with tempfile.TemporaryDirectory() as folder, served_vfb(Path(folder), extra) as (base, _):
        api = Api(base, "worker")
        _, session_id = family(api)
        token = api.headers["Authorization"].removeprefix("Bearer ")
        for label, busy in (("idle machine", False), ("both cores busy transcoding", True)):
            hogs = busy_machine() if busy else []
            try:
                results[label] = asyncio.run(
                    burst(base, token, session_id, args.recordings, args.seconds)
                )
            finally:
                for hog in hogs:
                    hog.kill()
                    hog.wait()
    machine = f"{platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})"
    print(f"\nvfb ingest benchmark on {machine}: {args.recordings} recordings at once, a 312-KB")
    print(f"chunk a second each for {args.seconds} s, on one `vfb serve` process (SQLite)")
    print(f"{'':32}{'p50':>8}{'p95':>8}{'p99':>8}{'worst':>8}   answers")
    for label, (times, answers) in results.items():
        ms = [t * 1000 for t in times]
        figures = [statistics.median(ms), percentile(ms, 0.95), percentile(ms, 0.99), max(ms)]
        cells = "".join(f"{f:6.0f}ms" for f in figures)
        said = ", ".join(f"{n}× {s or 'no answer'}" for s, n in sorted(answers.items()))
        print(f"{label:32}{cells}   {said}")
    print(f"{'target':32}{'':16}{'≤500ms':>8}{'':8}   every chunk 200, none 500")


if __name__ == "__main__":
    main()
