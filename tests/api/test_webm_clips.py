"""A browser's VP8 or VP9 recording is copied as it is into a WebM with cues, not re-encoded:
every browser that recorded it plays it, with its length known and seekable at once; stills,
frame times, trims, reels and the ELAN export work on it as on an MP4."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from fastapi import FastAPI
from imageio_ffmpeg import get_ffmpeg_exe
from sqlmodel import Session, col, update

from tests.support import Caller, FakeClock, Family
from tests.support.api import import_file, imported, make_reel, put, wait_ready
from tests.support.media import Samples
from vfb.models import Clip
from vfb.services.infra.media_worker import media_jobs

pytestmark = pytest.mark.media


def piped_webm(path: Path, codec: str) -> Path:
    """What MediaRecorder writes: a WebM to a pipe, with no duration and no cues."""
    command = [get_ffmpeg_exe(), "-v", "error", "-f", "lavfi"]
    command += ["-i", "testsrc2=size=320x240:rate=30:duration=4", "-f", "lavfi"]
    command += ["-i", "sine=frequency=440:duration=4", "-c:v", codec, "-deadline", "realtime"]
    command += ["-c:a", "libopus", "-f", "webm", "pipe:1"]
    path.write_bytes(subprocess.run(command, check=True, capture_output=True).stdout)
    return path


def playable_of(app: FastAPI, family: Family, clip: dict[str, Any]) -> Path:
    return app.state.store.clip_file(family.programme, clip["id"], ".webm")


def test_a_browser_recording_is_copied_into_a_webm_with_its_length_and_cues(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    data = samples.get("browser.webm").read_bytes()
    with av.open(str(samples.get("browser.webm"))) as recorded:
        assert recorded.duration is None  # as MediaRecorder leaves it
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    half = len(data) // 2
    put(worker, recording["id"], 0, data[:half])
    put(worker, recording["id"], 1, data[half:])
    clip = worker.ok("POST", f"/api/recordings/{recording['id']}/finish", 201)
    ready = wait_ready(worker, clip["id"])
    assert ready["status"] == "ready" and ready["video_codec"] == "vp9"
    assert ready["audio_codec"] == "opus" and abs(ready["duration_ms"] - 3000) <= 100
    path = playable_of(app, family, clip)
    with av.open(str(path)) as copied, av.open(str(samples.get("browser.webm"))) as source:
        assert copied.format.name.startswith("matroska")
        assert copied.duration is not None and abs(copied.duration / 1e6 - 3.0) < 0.1
        ours = [bytes(p) for p in copied.demux(copied.streams.video[0]) if p.size]
        theirs = [bytes(p) for p in source.demux(source.streams.video[0]) if p.size]
        assert ours == theirs  # every picture as it was recorded: copied, not re-encoded
    assert b"\x1c\x53\xbb\x6b" in path.read_bytes()[:4096]  # the Cues element, at the front
    media = worker.get(f"/api/clips/{clip['id']}/media", headers={"Range": "bytes=0-99"})
    assert media.status_code == 206 and media.headers["content-type"] == "video/webm"
    assert media.headers["content-disposition"].endswith(f'clip-{clip["id"]}.webm"')
    assert worker.get(f"/api/clips/{clip['id']}/still", params={"at_ms": 1500}).status_code == 200
    assert worker.ok("GET", f"/api/clips/{clip['id']}/frames")["count"] == 90
    eaf = worker.get(f"/api/clips/{clip['id']}/moments.eaf").text
    assert f'MEDIA_URL="clip-{clip["id"]}.webm"' in eaf and 'MIME_TYPE="video/webm"' in eaf


def test_a_vp8_recording_imported_is_copied_and_trims_and_reels_are_made_from_it(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], tmp_path: Path
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, piped_webm(tmp_path / "firefox.webm", "libvpx"))
    assert clip["status"] == "ready" and clip["video_codec"] == "vp8"
    assert playable_of(app, family, clip).exists()
    cut = worker.ok(
        "POST", f"/api/clips/{clip['id']}/trim", 201, json={"from_ms": 1000, "to_ms": 3000}
    )
    assert cut["video_codec"] == "h264" and abs(cut["duration_ms"] - 2000) <= 40
    assert wait_ready(worker, cut["id"])["status"] == "ready"
    reel = make_reel(worker, family, clip)
    assert worker.ok("GET", f"/api/reels/{reel['id']}")["size_bytes"] > 0
    fast = worker.post(
        f"/api/clips/{clip['id']}/trim", json={"from_ms": 1000, "to_ms": 3000, "mode": "fast"}
    )
    assert fast.status_code == 422 and "exact cut" in fast.json()["detail"]


def test_a_webm_waiting_when_vfb_was_upgraded_is_copied_all_the_same(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    clock: FakeClock,
) -> None:
    """A clip accepted before WebMs were copied was given `.mp4`: its job looks at the file."""
    app.state.jobs.stop()
    worker = as_("worker_a1")
    clip = import_file(worker, family.session, samples.get("browser.webm"))
    with Session(app.state.engine) as db:
        db.exec(update(Clip).where(col(Clip.id) == clip["id"]).values(playable_ext=".mp4"))
        db.commit()
    jobs = media_jobs(app.state.engine, app.state.store, clock, app.state.settings)
    while jobs.run_once():
        pass
    ready = worker.ok("GET", f"/api/clips/{clip['id']}")
    assert ready["status"] == "ready" and ready["playable_ext"] == ".webm"
    assert playable_of(app, family, clip).exists()
