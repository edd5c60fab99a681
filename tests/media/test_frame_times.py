"""A clip's frame times (GET /api/clips/{id}/frames): every frame of the playable media, as the
browser's player counts time, in a few bytes however long the clip; exact on a variable frame
rate; read lazily for clips made before; behind the same door as the footage."""

from __future__ import annotations

import gzip
import itertools
import json
import random
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from tests.support import Caller, Family
from tests.support.api import imported
from tests.support.media import Samples, ffmpeg, frame_indices, variable_rate_times
from vfb.capture.frames import FRAMES, FrameTimes, _runs, encoded, read_frame_times


def frame_starts_ms(body: dict[str, Any]) -> list[Fraction]:
    """The frame times the page works out from the answer, in exact ms."""
    num, den = body["time_base"]
    tick = Fraction(num * 1000, den)
    times: list[Fraction] = []
    at = body["start"]
    for frames, length in body["runs"]:
        for _ in range(frames):
            times.append(at * tick)
            at += length
    assert len(times) == body["count"]
    return times


def test_a_constant_rate_clip_has_every_frame_in_one_run(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    answer = worker.get(f"/api/clips/{clip['id']}/frames")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    # 240 frames at 30 fps (the H.264 has B-frames: the edit list puts the first shown at 0)
    assert body == {"time_base": [1, 15360], "start": 0, "count": 240, "runs": [[240, 512]]}
    assert frame_starts_ms(body)[150] == 5000
    assert len(answer.content) < 100
    plain = worker.get(f"/api/clips/{clip['id']}/frames", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == body


def test_a_variable_rate_clip_has_the_sources_own_frame_times(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("webcam.webm"))  # re-encoded to H.264
    body = worker.ok("GET", f"/api/clips/{clip['id']}/frames")
    assert frame_starts_ms(body) == variable_rate_times()
    assert len(json.dumps(body)) < 8_000  # 30 s at 15 and 30 fps in ms: runs of 1 or 2


def test_three_hours_at_a_constant_rate_is_a_few_bytes() -> None:
    lengths = [512] * 324_000  # 30 fps in 1/15360 s, as the constant-rate clip above
    frame_times = FrameTimes(time_base=Fraction(1, 15360), start=0, runs=_runs(lengths))
    assert frame_times.runs == ((324_000, 512),)
    assert len(json.dumps(frame_times.as_json())) < 100


def test_three_hours_of_a_webcams_uneven_times_are_kilobytes_on_the_wire() -> None:
    # a browser recording's ms timestamps at 1/16000 s: 33, 33, 34 ms… runs of one or two frames
    random.seed(13)
    at, times = 0.0, []
    for n in range(324_000):
        if n % 3000 == 0:
            rate = random.choice((30, 15, 24))
        times.append(round(at) * 16)
        at += 1000 / rate
    lengths = [b - a for a, b in itertools.pairwise(times)] + [528]
    frame_times = FrameTimes(time_base=Fraction(1, 16000), start=0, runs=_runs(lengths))
    assert frame_times.starts() == times
    assert len(encoded(frame_times)) < 20_000


def test_frame_times_are_read_once_and_kept_beside_the_clip(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    kept = app.state.store.review_file(family.programme, clip["id"], FRAMES)
    assert not kept.exists()  # a clip made before frame times has none until they are asked for
    first = worker.ok("GET", f"/api/clips/{clip['id']}/frames")
    assert json.loads(gzip.decompress(kept.read_bytes())) == first
    kept.write_bytes(gzip.compress(json.dumps(first | {"start": 7}).encode()))  # kept, not re-read
    assert worker.ok("GET", f"/api/clips/{clip['id']}/frames")["start"] == 7


def test_frame_times_are_behind_the_footages_door_and_say_why_not(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    path = f"/api/clips/{clip['id']}/frames"
    for outsider in ("worker_a2", "worker_b", "admin"):
        assert as_(outsider).get(path).status_code == 404
    refused = as_("supervisor_a").get(path)
    assert refused.status_code == 409 and "supervision consent" in refused.json()["detail"]
    missing = worker.get("/api/clips/00000000000000000000000000/frames")
    assert missing.status_code == 404 and "no clip" in missing.json()["detail"]
    assert worker.delete(f"/api/clips/{clip['id']}").status_code == 204
    gone = worker.get(path)
    assert gone.status_code in (404, 409) and gone.json()["detail"]


def test_the_times_match_the_pictures_frame_by_frame(tmp_path: Path, samples: Samples) -> None:
    # the frame the decoder shows n-th is the one whose time is n-th (a B-frame clip, and a
    # clip whose sound starts before its picture)
    late = tmp_path / "late-picture.mp4"
    ffmpeg("-itsoffset", "0.5", "-i", str(samples.get("indexed.mp4")), "-i",
           str(samples.get("indexed.mp4")), "-map", "0:v", "-map", "1:a", "-c", "copy",
           str(late))  # fmt: skip
    for path in (samples.get("indexed.mp4"), late):
        times = read_frame_times(path)
        assert frame_indices(path) == list(range(times.count))
    assert read_frame_times(late).start * read_frame_times(late).time_base == Fraction(1, 2)
