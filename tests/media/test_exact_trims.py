"""Frame-exact trims and honest durations on the files real cameras make (a webcam whose rate
drops from 30 to 15 fps, MediaRecorder WebM, Matroska copied as it is), by the API and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import av
import pytest
from fastapi import FastAPI

from tests.support import Caller, Family
from tests.support.api import frame_indices_of, imported, wait_ready
from tests.support.cli import vfb
from tests.support.media import (
    Samples,
    frame_indices,
    make_indexed_clip,
    make_variable_rate_clip,
    shown_between,
    variable_rate_times,
)
from vfb.capture.probe import probe
from vfb.capture.trim import trim

# a second of film: 30 fps for half of it, then 20 fps; the last frame ends at 1000 ms
HALF_AND_HALF = ((0, 500, 30), (500, 1000, 20))


def last_frame_end_ms(path: Path) -> int:
    """Where the film really ends: the last frame shown, plus how long it is shown."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        origin = video.start_time or 0
        last = None
        for frame in container.decode(video):
            last = frame
        assert last is not None and last.pts is not None and video.time_base is not None
        return round((last.pts + last.duration - origin) * video.time_base * 1000)


def test_an_exact_trim_of_a_variable_rate_webcam_clip_is_frame_exact_through_the_api(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    """Each cut starts in a 30 fps stretch and runs into a 15 fps one, or the other way round, so
    the re-encoded head meets copied pictures whose decode times sit further back."""
    worker = as_("worker_a1")
    times = variable_rate_times()
    clip = imported(worker, family.session, samples.get("webcam.webm"))
    assert clip["status"] == "ready", clip
    assert clip["duration_ms"] == 30000
    for from_ms, to_ms in [(3500, 9000), (5447, 15097), (12800, 17500), (21000, 26000)]:
        cut = worker.post(
            f"/api/clips/{clip['id']}/trim", json={"from_ms": from_ms, "to_ms": to_ms}
        )
        assert cut.status_code == 201, (from_ms, to_ms, cut.text)
        made = wait_ready(worker, cut.json()["id"])
        wanted = shown_between(times, from_ms, to_ms)
        media = worker.get(f"/api/clips/{made['id']}/media").content
        assert frame_indices_of(media, app) == wanted, (from_ms, to_ms)
        end = times[wanted[-1] + 1]  # the last frame lasts until the next one
        assert (made["trim_from_ms"], made["trim_to_ms"]) == (times[wanted[0]], end)
        assert made["duration_ms"] == end - times[wanted[0]]


@pytest.mark.media
def test_the_cli_cuts_a_variable_rate_webm_exactly_and_does_not_call_it_a_fast_cut(
    samples: Samples, tmp_path: Path
) -> None:
    out = tmp_path / "cut.mp4"
    done = vfb("trim", str(samples.get("webcam.webm")), str(out), "--from", "00:00:15.552",
               "--to", "00:00:28.881")  # fmt: skip
    assert done.returncode == 0, done.stderr
    wanted = shown_between(variable_rate_times(), 15552, 28881)
    assert frame_indices(out) == wanted
    assert "Fast cut" not in done.stdout and "keyframe" not in done.stdout


@pytest.mark.media
def test_an_exact_cli_trim_never_says_it_starts_at_a_keyframe(
    samples: Samples, tmp_path: Path
) -> None:
    out = tmp_path / "cut.mp4"
    done = vfb("trim", str(samples.get("indexed.mp4")), str(out), "--from", "00:00:01.250",
               "--to", "00:00:03.000")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert frame_indices(out) == list(range(37, 90))
    assert "keyframe" not in done.stdout


@pytest.mark.media
@pytest.mark.parametrize("codec", ["libvpx", "libvpx-vp9", "libx264"])
def test_a_cut_keeps_its_last_frame_for_as_long_as_the_source_shows_it(
    tmp_path: Path, codec: str
) -> None:
    """The encoder's flushed pictures come back without a duration; muxed as zero, the last
    frame would be dropped by every player."""
    times = variable_rate_times(HALF_AND_HALF)
    source = make_variable_rate_clip(tmp_path / f"{codec}.mkv", times, codec=codec, audio=False)
    out = tmp_path / "cut.mp4"
    done = vfb("trim", str(source), str(out), "--from", "00:00:00.100", "--to", "00:00:00.950")
    assert done.returncode == 0, done.stderr
    wanted = shown_between(times, 100, 950)
    assert frame_indices(out) == wanted
    assert probe(out).duration_ms == last_frame_end_ms(out) == 950 - 100


@pytest.mark.media
def test_a_cut_of_a_constant_rate_clip_ending_on_a_keyframe_keeps_its_last_frame(
    tmp_path: Path,
) -> None:
    source = make_indexed_clip(tmp_path / "source.mp4", seconds=4, fps=25, gop=25, audio=False)
    out = tmp_path / "cut.mp4"
    for start, end, frames in [("0.5", "3", range(12, 75)), ("1", "3", range(25, 75))]:
        done = vfb("trim", str(source), str(out), "--from", start, "--to", end)
        assert done.returncode == 0, done.stderr
        assert frame_indices(out) == list(frames)
        assert probe(out).duration_ms == last_frame_end_ms(out) == len(frames) * 40


@pytest.mark.parametrize(
    ("name", "codec", "plan"),
    [
        ("copied.mkv", "libx264", "copied as it is"),
        ("browser.webm", "libvpx", "re-encoded"),
        ("browser-vp9.webm", "libvpx-vp9", "re-encoded"),
    ],
)
def test_a_clips_duration_is_where_its_last_frame_ends(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    tmp_path: Path,
    name: str,
    codec: str,
    plan: str,
) -> None:
    worker = as_("worker_a1")
    times = variable_rate_times(HALF_AND_HALF)
    source = make_variable_rate_clip(tmp_path / name, times, codec=codec, audio=False)
    clip = imported(worker, family.session, source)
    assert clip["status"] == "ready", clip
    media = tmp_path / "clip.mp4"
    media.write_bytes(worker.get(f"/api/clips/{clip['id']}/media").content)
    assert frame_indices(media) == list(range(len(times)))
    assert clip["duration_ms"] == last_frame_end_ms(media) == 1000


@pytest.mark.media
def test_a_repeated_timestamp_as_chrome_writes_them_loses_no_frame(tmp_path: Path) -> None:
    """Chrome's MediaRecorder can stamp two frames with the same time; an MP4 cannot hold that,
    so the second is moved on by one tick instead of failing the cut."""
    times = [0, 33, 67, 100, 100, 133, 167, 200, 233, 267]
    source = make_variable_rate_clip(tmp_path / "chrome.webm", times, end_ms=300, audio=False)
    out = tmp_path / "cut.mp4"
    done = vfb("trim", str(source), str(out), "--from", "0", "--to", "0.290")
    assert done.returncode == 0, done.stderr
    assert frame_indices(out) == list(range(len(times)))


@pytest.mark.media
def test_a_cli_cut_of_a_rotated_phone_film_stays_upright(samples: Samples, tmp_path: Path) -> None:
    out = tmp_path / "cut.mp4"
    done = vfb(
        "trim", str(samples.get("rotated-hevc.mov")), str(out), "--from", "0.5", "--to", "1.5"
    )
    assert done.returncode == 0, done.stderr
    facts = probe(out)
    assert (facts.video_codec, facts.width, facts.height, facts.rotation) == ("h264", 240, 320, 90)


def test_a_smart_cut_keeps_every_frame_a_frames_length_in_the_mp4(tmp_path: Path) -> None:
    """An MP4 keeps a frame's duration as the step to the next decode time: the re-encoded head
    and tail are decoded as far ahead of showing as the copied B-frame GOPs are, so no frame is
    left lasting a tick (a browser seeking into it would show the next one)."""
    source = make_indexed_clip(tmp_path / "source.mp4", seconds=6, gop=30)
    cut = trim(source, tmp_path / "cut.mp4", from_ms=1500, to_ms=4500)
    assert 0 < cut.reencoded_frames < cut.frames  # a head and a tail around copied GOPs
    with av.open(str(cut.path)) as container:
        video = container.streams.video[0]
        packets = [p for p in container.demux(video) if p.size]
        tick = round(1 / (video.average_rate * video.time_base))
    steps = {b.dts - a.dts for a, b in pairwise(packets)}
    assert steps == {tick}
