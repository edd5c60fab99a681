"""Real phone, camera and browser files (../shared/real-media, described in its MANIFEST.tsv), each
imported through the API: every promised video plays end to end as H.264 + AAC with its moov first,
upright, and trims exactly; every file to refuse is refused in words and leaves nothing behind."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from fastapi import FastAPI

from tests.support import Caller, Family
from tests.support.api import import_file, media_files, wait_ready

FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "real-media"
# the slowest file (HEVC 10-bit, re-encoded to H.264) takes about 10 s on two busy cores
READY_WITHIN = 600

pytestmark = [
    pytest.mark.media,
    pytest.mark.skipif(not (FOLDER / "MANIFEST.tsv").exists(), reason="no ../shared/real-media"),
]


@dataclass(frozen=True)
class RealFile:
    name: str
    promise: str  # yes, no or refuse
    facts: str  # as the manifest's maker probed it

    @property
    def path(self) -> Path:
        return FOLDER / self.name

    @property
    def has_audio(self) -> bool:
        return "audio " in self.facts


def manifest(promises: tuple[str, ...]) -> list[RealFile]:
    if not (FOLDER / "MANIFEST.tsv").exists():
        return []
    with (FOLDER / "MANIFEST.tsv").open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        RealFile(row["file"], row["vfb promises it"], row["probed facts (PyAV 18 / FFmpeg 8)"])
        for row in rows
        if row["vfb promises it"] in promises
    ]


def ids(files: list[RealFile]) -> list[str]:
    return [Path(f.name).stem.partition("__")[2] for f in files]


PROMISED = manifest(("yes",))
NOT_PROMISED = manifest(("no",))
REFUSED = manifest(("refuse",))


# -- reading the pictures ----------------------------------------------------------------------


def top_level_boxes(path: Path) -> Iterator[str]:
    with path.open("rb") as f:
        while header := f.read(8):
            size, kind = int.from_bytes(header[:4], "big"), header[4:].decode("latin-1")
            if size == 1:
                size = int.from_bytes(f.read(8), "big") - 8
            yield kind
            if size == 0:
                return
            f.seek(size - 8, 1)


@dataclass
class Film:
    """What a decode of every frame of a file shows."""

    times_ms: list[float]
    last_end_ms: float
    longest_frame_ms: float


def decode_all(path: Path) -> Film:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        tb: Fraction = video.time_base  # type: ignore[assignment]
        origin = video.start_time or 0
        times: list[float] = []
        longest = 0.0
        end = 0.0
        for frame in container.decode(video):  # an error that stops a player stops this
            assert frame.pts is not None
            at = float((frame.pts - origin) * tb * 1000)
            times.append(at)
            longest = max(longest, float(frame.duration * tb * 1000))
            end = at + float(frame.duration * tb * 1000)
    return Film(times, end, longest)


def small_grey(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    image = frame.reformat(width=width, height=height, format="gray").to_ndarray()
    return image.astype(np.float64)


def first_frame(path: Path) -> av.VideoFrame:
    with av.open(str(path)) as container:
        return next(container.decode(container.streams.video[0]))


def shown_at(path: Path, at_ms: float) -> av.VideoFrame:
    """The frame shown at `at_ms` (from the first frame), found by seeking, not decoding all."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        tb: Fraction = video.time_base  # type: ignore[assignment]
        origin = video.start_time or 0
        container.seek(origin + int(Fraction(round(at_ms), 1000) / tb), stream=video)
        found = None
        for frame in container.decode(video):
            assert frame.pts is not None
            if (frame.pts - origin) * tb * 1000 > at_ms + 0.5:
                break
            found = frame
    assert found is not None, f"{path.name} shows nothing at {at_ms} ms"
    return found


def display_matrix(frame: av.VideoFrame) -> tuple[int, int, int, int] | None:
    """The a, b, c, d of a frame's display matrix (16.16 fixed point, rounded: phones use only
    quarter turns and mirrors), or None."""
    for side in frame.side_data:
        if "DISPLAYMATRIX" in str(side.type):
            m = np.frombuffer(bytes(side), dtype="<i4")
            return tuple(round(int(v) / 65536) for v in (m[0], m[1], m[3], m[4]))  # type: ignore[return-value]
    return None


def as_displayed(image: np.ndarray, matrix: tuple[int, int, int, int] | None) -> np.ndarray:
    """The picture as the display matrix shows it (ISO/IEC 14496-12: a pixel at column p, row q
    goes to column a·p + c·q, row b·p + d·q), worked out here, not by FFmpeg's autorotate."""
    if matrix is None:
        return image
    a, b, c, d = matrix
    rows, columns = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    x, y = a * columns + c * rows, b * columns + d * rows
    x, y = x - x.min(), y - y.min()
    out = np.zeros((y.max() + 1, x.max() + 1), dtype=image.dtype)
    out[y, x] = image[rows, columns]
    return out


def every_turn(image: np.ndarray) -> list[np.ndarray]:
    turns = [np.rot90(image, k) for k in range(4)]
    return turns + [np.fliplr(t) for t in turns]


def likeness(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return -1.0
    if a.std() == 0 or b.std() == 0:  # a flat picture: alike only if both are flat
        return float(a.std() == b.std())
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


# -- the promises ------------------------------------------------------------------------------


@pytest.mark.parametrize("real", PROMISED, ids=ids(PROMISED))
def test_a_promised_video_plays_upright_end_to_end_and_trims_exactly(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    tmp_path: Path,
    real: RealFile,
) -> None:
    worker = as_("worker_a1")
    made = import_file(worker, family.session, real.path)
    clip = wait_ready(worker, made["id"], timeout=READY_WITHIN)
    assert clip["status"] == "ready", clip
    served = worker.get(f"/api/clips/{clip['id']}/media")
    if served.headers["content-type"] == "video/webm":  # a browser's VP8/VP9, copied as it is
        assert clip["video_codec"] == made["video_codec"] in ("vp8", "vp9")
        assert clip["audio_codec"] == made["audio_codec"] in ("opus", "vorbis", None)
        playable = tmp_path / "clip.webm"
        playable.write_bytes(served.content)
        cues, cluster = (
            served.content.find(b"\x1c\x53\xbb\x6b"),
            served.content.find(b"\x1f\x43\xb6\x75"),
        )
        assert 0 < cues < cluster  # its index first: it seeks before it has all arrived
    else:
        assert clip["video_codec"] == "h264"
        assert clip["audio_codec"] == ("aac" if real.has_audio else None)
        playable = tmp_path / "clip.mp4"
        playable.write_bytes(served.content)
        boxes = list(top_level_boxes(playable))
        assert boxes.index("moov") < boxes.index("mdat"), boxes  # plays before it has all arrived

    # plays end to end: every frame the source shows decodes, and the length is the film's
    film = decode_all(playable)
    shown = int(re.search(r"(\d+) frames", real.facts).group(1))  # type: ignore[union-attr]
    # a Samsung slow-motion file hides its last picture with an edit list; copied, it shows
    assert shown <= len(film.times_ms) <= shown + 1
    assert abs(clip["duration_ms"] - film.last_end_ms) <= 1
    assert abs(clip["duration_ms"] - made["duration_ms"]) <= film.longest_frame_ms + 1

    # upright: a picture from a third of the way in (a first one is often black) is the source's
    # as its display matrix (mirror included) shows it
    from_ms = clip["duration_ms"] // 3 + 7
    first = max(i for i, at in enumerate(film.times_ms) if at <= from_ms)
    at_ms = film.times_ms[first]
    source_frame, clip_frame = shown_at(real.path, at_ms), shown_at(playable, at_ms)
    # the clip as a player shows it: its pictures turned by its own display matrix, if it kept one
    clip_matrix = display_matrix(clip_frame)
    sideways = clip_matrix is not None and clip_matrix[0] == 0
    clip_shown = (
        (clip_frame.height, clip_frame.width) if sideways else (clip_frame.width, clip_frame.height)
    )
    assert (clip["width"], clip["height"]) == clip_shown
    matrix = display_matrix(source_frame)
    scale = max(source_frame.width, source_frame.height) // 96 or 1
    width, height = source_frame.width // scale, source_frame.height // scale
    source_small = small_grey(source_frame, width, height)
    wanted = as_displayed(source_small, matrix)
    assert (clip_shown[0] > clip_shown[1]) == (wanted.shape[1] > wanted.shape[0])
    coded = wanted.shape[::-1] if not sideways else wanted.shape
    got = as_displayed(small_grey(clip_frame, *coded), clip_matrix)
    if source_small.std() > 4:  # the Pixel 7 file is black throughout: its sides must do
        best = max(every_turn(source_small), key=lambda turn: likeness(turn, got))
        assert np.array_equal(best, wanted) and likeness(wanted, got) > 0.9

    # trims exactly: a cut of the playable clip starts with the frame shown at its in point and
    # holds every frame shown up to its out point, as a decode of the clip has them
    to_ms = min(clip["duration_ms"], from_ms + 700)
    cut = worker.post(f"/api/clips/{clip['id']}/trim", json={"from_ms": from_ms, "to_ms": to_ms})
    assert cut.status_code == 201, cut.text
    wanted_frames = [i for i, at in enumerate(film.times_ms) if i >= first and at < to_ms]
    trimmed = tmp_path / "cut.mp4"
    trimmed.write_bytes(worker.get(f"/api/clips/{cut.json()['id']}/media").content)
    cut_film = decode_all(trimmed)
    assert len(cut_film.times_ms) == len(wanted_frames), (from_ms, to_ms)
    expected = clip_frame
    assert display_matrix(first_frame(trimmed)) == clip_matrix  # the cut turns as the clip does
    size = (expected.width // 4, expected.height // 4)
    difference = np.abs(small_grey(first_frame(trimmed), *size) - small_grey(expected, *size))
    assert difference.mean() < 3, difference.mean()  # a full-range head read as limited: 4.6


@pytest.mark.parametrize("real", NOT_PROMISED, ids=ids(NOT_PROMISED))
def test_a_file_not_promised_is_still_made_playable_today(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], real: RealFile
) -> None:
    """AVI (XviD + MP3) and MPEG-TS (MPEG-2 + MP2) are not promised, and today they import and
    are re-encoded like any other: this documents it, so a change is noticed."""
    worker = as_("worker_a1")
    clip = wait_ready(worker, import_file(worker, family.session, real.path)["id"])
    assert (clip["status"], clip["video_codec"], clip["audio_codec"]) == ("ready", "h264", "aac")


@pytest.mark.parametrize("real", REFUSED, ids=ids(REFUSED))
def test_a_file_to_refuse_is_refused_in_words_and_leaves_nothing(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], real: RealFile
) -> None:
    worker = as_("worker_a1")
    with real.path.open("rb") as f:
        answer = worker.post(
            f"/api/sessions/{family.session}/clips", files={"file": (real.path.name, f)}
        )
    assert 400 <= answer.status_code < 500, answer.text
    detail = answer.json()["detail"]
    assert real.path.name in detail and "cannot be used as a clip" in detail
    assert not re.search(r"Errno|Traceback|/work/|0x[0-9a-f]{6}", detail), detail
    assert worker.ok("GET", f"/api/sessions/{family.session}/clips") == []
    assert media_files(app) == []
