"""Media no home visit produces is refused at import, in words and with nothing kept; still pictures
are refused; odd-sized screen recordings are made even and imported; media jobs run side by side,
each in a child process under a time and memory limit."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.support import Caller, Family
from tests.support.api import import_file, media_files, wait_ready
from tests.support.media import Samples
from vfb.capture.probe import MediaBounds, probe
from vfb.errors import MediaBeyondLimits, UnreadableMedia
from vfb.settings import Settings

REAL_MEDIA = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-media"


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The standard settings, with what a test gives as `settings` (parametrized indirectly)."""
    return settings.model_copy(update=getattr(request, "param", {}))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("8k-yuv444.mp4", "7680×4320"),
        ("ten-hours.mp4", "10:00:00.000 long"),
        ("fps-240.mp4", "240 frames a second"),
    ],
)
def test_footage_no_home_visit_produces_is_refused_at_import_with_nothing_kept(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    name: str,
    words: str,
) -> None:
    worker = as_("worker_a1")
    path = samples.get(name)
    filmed = worker.ok("GET", f"/api/sessions/{family.session}")["filmed_seconds"]
    started = time.monotonic()
    refused = import_file(worker, family.session, path, expected=422)
    took_ms = (time.monotonic() - started) * 1000
    assert refused["error"] == "media_beyond_limits", refused
    assert words in refused["detail"] and name in refused["detail"], refused
    assert str(app.state.store.root) not in refused["detail"]
    assert took_ms < 5000, took_ms  # refused from the header, not after decoding it
    assert worker.ok("GET", f"/api/sessions/{family.session}/clips") == []
    assert worker.ok("GET", f"/api/sessions/{family.session}")["filmed_seconds"] == filmed
    assert media_files(app) == []
    assert not any(p.is_dir() for p in app.state.store.root.rglob("clips/*"))


@pytest.mark.parametrize("upload_as", ["photo.jpg", "visit.mp4"])
def test_a_still_picture_is_refused_plainly(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    upload_as: str,
    tmp_path: Path,
) -> None:
    worker = as_("worker_a1")
    renamed = tmp_path / upload_as
    renamed.write_bytes(samples.get("photo.jpg").read_bytes())
    refused = import_file(worker, family.session, renamed, expected=422)
    assert refused["error"] == "unreadable_media"
    assert "a still picture, not a video" in refused["detail"], refused
    assert upload_as in refused["detail"]
    assert worker.ok("GET", f"/api/sessions/{family.session}/clips") == []
    assert media_files(app) == []


def test_an_odd_sized_screen_recording_is_made_even_and_imported(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get("odd-size.webm"))
    assert (made["width"], made["height"]) == (161, 121)  # what came in
    clip = wait_ready(worker, made["id"])
    assert clip["status"] == "ready", clip
    assert (clip["width"], clip["height"]) == (160, 120)  # one pixel cropped off each
    assert (clip["video_codec"], clip["audio_codec"]) == ("h264", "aac")
    assert worker.get(f"/api/clips/{clip['id']}/poster").status_code == 200


@pytest.mark.media
@pytest.mark.parametrize(
    ("size", "fps", "duration_ms", "refused"),
    [
        ((3840, 2160), 60, 20 * 60_000, None),
        ((2160, 3840), 60.058, 300, None),  # a 4K60 portrait phone file: 8.29 Mpx
        ((4096, 2304), 30, 1000, None),
        ((2304, 4096), 30, 1000, None),  # portrait: the pixel count is what counts
        ((4096, 2305), 30, 1000, "4096×2305"),
        ((4098, 1000), 30, 1000, "4098 pixels wide"),
        ((1000, 4098), 30, 1000, "4098 pixels high"),
        ((7680, 4320), 30, 1000, "7680×4320"),
        ((1280, 720), 120, 1000, None),
        ((1280, 720), 120.5, 1000, "120.5 frames a second"),
        ((1280, 720), 30, 3 * 3_600_000, None),
        ((1280, 720), 30, 3 * 3_600_000 + 1, "longer than the 3 hours"),
    ],
)
def test_the_bounds_take_every_home_camera_and_refuse_the_rest(
    size: tuple[int, int], fps: float, duration_ms: int, refused: str | None
) -> None:
    reason = MediaBounds().exceeded(*size, fps=fps, duration_ms=duration_ms)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and refused in reason, reason


@pytest.mark.media
def test_every_promised_real_file_is_within_the_bounds_and_every_refused_one_is_refused() -> None:
    manifest = REAL_MEDIA / "MANIFEST.tsv"
    if not manifest.exists():
        pytest.skip("the shared real-media corpus is not here")
    rows = [line.split("\t") for line in manifest.read_text().splitlines()[1:]]
    videos = [(REAL_MEDIA / r[0], r[4]) for r in rows if r[0].startswith(("video/", "refuse/"))]
    assert len(videos) >= 20
    for path, promise in videos:
        if promise == "yes":
            facts = probe(path, path.name, MediaBounds())
            assert facts.fps <= 120, (path.name, facts)
        elif promise == "refuse":
            with pytest.raises(UnreadableMedia):
                probe(path, path.name, MediaBounds())


@pytest.mark.media
def test_a_header_beyond_the_bounds_is_refused_before_any_frame_is_decoded(
    samples: Samples,
) -> None:
    path = samples.get("8k-yuv444.mp4")
    started = time.monotonic()
    with pytest.raises(MediaBeyondLimits) as refused:
        probe(path, "visit.mp4", MediaBounds())
    took_ms = (time.monotonic() - started) * 1000
    print(f"8K 4:4:4 refused in {took_ms:.0f} ms")
    assert "visit.mp4 cannot be used as a clip" in refused.value.detail
    assert os.fspath(path) not in refused.value.detail


@pytest.mark.parametrize(
    "settings",
    [{"media_jobs": 2, "media_job_minutes": 0.15, "media_job_minutes_per_hour": 0}],
    indirect=True,
)
def test_a_stuck_job_is_stopped_with_its_reason_and_holds_up_no_other_clip(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    """The first clip's original never finishes reading (a FIFO nobody writes, as a hung network
    disk does); the clip queued after it is made meanwhile, and the stuck one stopped at 9 s."""
    app.state.jobs.stop()
    worker = as_("worker_a1")
    stuck = import_file(worker, family.session, samples.get("indexed.mp4"))
    source = app.state.store.source_file(family.programme, stuck["id"], ".mp4")
    source.unlink()
    os.mkfifo(source)
    beside = import_file(worker, family.session, samples.get("browser.webm"))
    started = time.monotonic()
    app.state.jobs.start()
    made = wait_ready(worker, beside["id"])
    assert made["status"] == "ready", made
    assert worker.ok("GET", f"/api/clips/{stuck['id']}")["status"] == "processing"
    failed = wait_ready(worker, stuck["id"])
    took = time.monotonic() - started
    assert failed["status"] == "failed", failed
    assert "took longer than the 9 seconds allowed" in failed["detail"], failed
    assert 8 <= took < 30, took
    assert not app.state.store.clip_dir(family.programme, stuck["id"]).exists()


@pytest.mark.parametrize("settings", [{"media_job_memory_mb": 64}], indirect=True)
def test_a_job_that_needs_more_memory_than_allowed_fails_saying_so(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    """64 MB is less than any job needs (the child alone maps about 250 MB)."""
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get("browser.webm"))
    clip = wait_ready(worker, made["id"])
    assert clip["status"] == "failed", clip
    assert "ran out of the memory it allows itself" in clip["detail"], clip
    assert media_files(app) == []
