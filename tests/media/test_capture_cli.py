"""`vfb probe`, `trim`, `import` and `record`, run as a worker would run them; the recorder killed
with SIGKILL and starved of disk, and still keeping what it had."""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from tests.support import Caller, FakeClock, Family
from tests.support.api import wait_ready
from tests.support.cli import VFB, vfb
from tests.support.media import Samples, frame_indices
from vfb.capture.probe import probe
from vfb.capture.timecode import format_timecode
from vfb.models import Clip
from vfb.settings import Settings


def settings_env(settings: Settings) -> dict[str, str]:
    return {"VFB_DATA_DIR": str(settings.data_dir), "VFB_DATABASE_URL": str(settings.database_url)}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.media
def test_probe_prints_the_facts_as_json_and_refuses_plainly(samples: Samples) -> None:
    done = vfb("probe", str(samples.get("rotated-hevc.mov")))
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    assert (facts["width"], facts["height"], facts["rotation"]) == (240, 320, 90)
    assert facts["duration_ms"] == 3000 and facts["video_codec"] == "hevc"
    refused = vfb("probe", str(samples.get("text.mp4")))
    assert refused.returncode == 1
    assert "text.mp4 cannot be used as a clip: it is not a video file" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.media
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_exact_trim_gives_exactly_the_frames_between_the_points(
    samples: Samples, tmp_path: Path, seed: int
) -> None:
    """Frames carry their index; 30 fps with a keyframe every second and B-frames. The first frame
    out is the one shown at --from, the last the one shown just before --to."""
    source = samples.get("indexed.mp4")
    before = sha(source)
    rng = random.Random(seed)
    start = rng.randrange(1, 3500)
    end = rng.randrange(start + 40, 7990)
    if start % 1000 == 0 or (start * 3) % 100 == 0:
        start += 7  # never on a keyframe or a frame boundary
    out = tmp_path / "cut.mp4"
    done = vfb("trim", str(source), str(out), "--from", format_timecode(start), "--to",
               format_timecode(end))  # fmt: skip
    assert done.returncode == 0, done.stderr
    first, last = start * 30 // 1000, -(-end * 30 // 1000) - 1
    assert frame_indices(out) == list(range(first, last + 1)), (start, end)
    assert abs(probe(out).duration_ms - (last + 1 - first) * 1000 / 30) <= 34
    assert sha(source) == before  # the source is never modified
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.media
def test_a_fast_trim_says_where_it_really_starts(samples: Samples, tmp_path: Path) -> None:
    out = tmp_path / "fast.mp4"
    done = vfb("trim", str(samples.get("indexed.mp4")), str(out), "--from", "00:00:02.500",
               "--to", "00:00:06.000", "--fast")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "starts at the keyframe at 00:00:02.000, 0.500 s before --from" in done.stdout
    frames = frame_indices(out)
    assert frames[0] == 60  # the frame at the reported start
    assert frames[-1] >= 179


@pytest.mark.media
@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("00:00:05.000", "00:00:04.000", "must come after its start"),
        ("00:00:01.000", "00:00:09.000", "outside the clip"),
        ("00:00:01.000", "1:99", "is not a time"),
    ],
)
def test_a_wrong_range_is_one_plain_line_and_writes_nothing(
    samples: Samples, tmp_path: Path, start: str, end: str, words: str
) -> None:
    out = tmp_path / "cut.mp4"
    done = vfb("trim", str(samples.get("indexed.mp4")), str(out), "--from", start, "--to", end)
    assert done.returncode == 1 and words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_import_from_the_command_line_makes_a_ready_clip(
    settings: Settings, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    done = vfb("import", str(samples.get("browser.webm")), "--session", family.session,
               env=settings_env(settings))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "is ready: 00:00:03" in done.stdout
    [clip] = as_("worker_a1").ok("GET", f"/api/sessions/{family.session}/clips")
    assert clip["status"] == "ready" and clip["video_codec"] == "vp9"  # copied as it came


def test_recording_needs_filming_consent(
    settings: Settings, family: Family, as_: Callable[[str], Caller]
) -> None:
    as_("worker_a1").ok(
        "PATCH", f"/api/consents/{family.consent}", json={"withdrawn_on": "2026-02-01"}
    )
    done = vfb("record", "--synthetic", "--session", family.session, env=settings_env(settings))
    assert done.returncode == 1 and "no carer has given filming consent" in done.stderr
    assert not (settings.data_dir / "media").exists() or not any(
        p.is_file() for p in (settings.data_dir / "media").rglob("*")
    )


def test_a_synthetic_recording_stops_at_its_limit_and_becomes_a_clip(
    settings: Settings, family: Family, as_: Callable[[str], Caller]
) -> None:
    done = vfb("record", "--synthetic", "--max-minutes", "0.05", "--session", family.session,
               env=settings_env(settings))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Stopped at the 00:00:03 limit" in done.stdout
    [clip] = as_("worker_a1").ok("GET", f"/api/sessions/{family.session}/clips")
    assert clip["status"] == "ready" and clip["origin"] == "recording"
    assert abs(clip["duration_ms"] - 3000) <= 150
    assert (clip["width"], clip["height"], clip["audio_codec"]) == (1280, 720, "aac")


# Killed this long after the recorder says it started: one fixed point, 3 s in (six of its
# half-second fragments), the same on every run, rather than a random sleep.
KILL_AFTER_SECONDS = 3.0


def recovered_clips(app: FastAPI, session_id: str) -> list[str]:
    with Session(app.state.engine) as db:
        return list(db.exec(select(Clip.id).where(Clip.session_id == session_id)).all())


def test_a_recorder_killed_mid_recording_loses_at_most_two_seconds(
    app: FastAPI,
    settings: Settings,
    family: Family,
    as_: Callable[[str], Caller],
    clock: FakeClock,
) -> None:
    with subprocess.Popen(
        [*VFB, "record", "--synthetic", "--session", family.session],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **settings_env(settings)},
    ) as recorder:
        assert recorder.stdout is not None
        line = recorder.stdout.readline()
        assert "Recording started" in line, line
        started = time.monotonic()
        try:
            time.sleep(KILL_AFTER_SECONDS)
            assert recorder.poll() is None, "the recorder stopped by itself"
        finally:
            recorder.send_signal(signal.SIGKILL)
        lived_ms = (time.monotonic() - started) * 1000
        recorder.wait()
    # the next start (here: the server's media worker) finds it abandoned and recovers it
    later = (datetime.now(UTC) - clock()).total_seconds() + settings.recording_idle_seconds + 5
    clock.advance(seconds=later)
    # this call or a server worker thread that got there first finds it (one recovers at a time)
    deadline = time.monotonic() + 20
    while not recovered_clips(app, family.session) and time.monotonic() < deadline:
        app.state.jobs.run_once()
        time.sleep(0.1)
    clock.advance(seconds=-later)  # back to when the worker's sign-in is fresh
    worker = as_("worker_a1")
    [clip] = worker.ok("GET", f"/api/sessions/{family.session}/clips")
    clip = wait_ready(worker, clip["id"])
    assert clip["status"] == "ready" and clip["recovered"] is True, clip
    assert lived_ms - 2000 <= clip["duration_ms"] <= lived_ms + 300, (lived_ms, clip)


def test_a_full_disk_stops_the_recording_cleanly_and_keeps_what_was_recorded(
    settings: Settings, family: Family, as_: Callable[[str], Caller]
) -> None:
    """The recording may grow to 3 MB (about 4 s) before every write fails, as on a full disk."""

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (3 << 20, 3 << 20))

    done = vfb("record", "--synthetic", "--max-minutes", "1", "--session", family.session,
               env=settings_env(settings), preexec_fn=small_disk)  # fmt: skip
    assert "The disk is (nearly) full, so recording stopped after 00:00:0" in done.stdout, (
        done.stdout + done.stderr
    )
    assert "Everything recorded so far is kept" in done.stdout
    assert "Traceback" not in done.stderr
    [clip] = as_("worker_a1").ok("GET", f"/api/sessions/{family.session}/clips")
    assert clip["duration_ms"] >= 2000  # the synced part survived
    source = next((settings.data_dir / "media").rglob("source.mp4"))
    assert probe(source).duration_ms >= 2000
