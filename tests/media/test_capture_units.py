"""The subtle parts of the media layer, unit by unit: timecodes, H.264 parameter sets, durable
appends, and where a smart cut re-encodes."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
from PIL import Image

from tests.support.media import Samples, frame_indices, lavfi_clip
from vfb.capture import h264
from vfb.capture.files import append_durably, built_atomically
from vfb.capture.review_media import THUMBNAILS, _thumbnails
from vfb.capture.timecode import format_timecode, parse_timecode
from vfb.capture.trim import TrimMode, trim
from vfb.errors import InvalidInput

pytestmark = pytest.mark.media


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("00:00:00.000", 0),
        ("00:01:02.5", 62500),
        ("1:02:03.004", 3723004),
        ("2:03.5", 123500),
        ("83.25", 83250),
        ("83", 83000),
    ],
)
def test_timecodes_parse_to_milliseconds(text: str, ms: int) -> None:
    assert parse_timecode(text) == ms


@pytest.mark.parametrize("text", ["", "1:99", "abc", "00:00:01.0000", "-1", "1:2:3:4"])
def test_a_bad_timecode_is_refused_plainly(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"HH:MM:SS\.mmm|seconds go up to 59"):
        parse_timecode(text)


def test_timecodes_format_back() -> None:
    assert format_timecode(3723004) == "01:02:03.004"
    assert parse_timecode(format_timecode(1234567)) == 1234567


def test_an_avcc_record_reads_back_what_it_wrote_with_an_added_parameter_set(
    samples: Samples,
) -> None:
    with av.open(str(samples.get("indexed.mp4"))) as container:
        extradata = bytes(container.streams.video[0].codec_context.extradata or b"")
    config = h264.AvcConfig.parse(extradata)
    assert config.serialise() == extradata
    assert [h264.sps_id(s) for s in config.sps] == [0]
    assert [h264.pps_id(p) for p in config.pps] == [0]
    # an SPS/PPS pair with id 1 (x264's sps-id), as a smart cut adds
    sps = config.sps[0][:4] + b"\xa0" + config.sps[0][5:]  # ue(1) = "010" at the id's place
    grown = h264.AvcConfig.parse(config.with_sets(sps, b"\x68\x5b").serialise())
    assert len(grown.sps) == 2 and len(grown.pps) == 2
    assert h264.pps_id(grown.pps[1]) == 1


def test_annexb_splits_on_both_start_codes() -> None:
    stream = b"\x00\x00\x00\x01\x67\xaa\x00\x00\x01\x68\xbb\x00\x00\x00\x01\x65\xcc\xdd"
    assert h264.split_annexb(stream) == [b"\x67\xaa", b"\x68\xbb", b"\x65\xcc\xdd"]
    assert h264.to_length_prefixed([b"\x65\xcc"], 4) == b"\x00\x00\x00\x02\x65\xcc"


def test_a_durable_append_drops_bytes_that_were_never_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "chunks"
    assert append_durably(path, b"first", at=0) == 5
    with path.open("ab") as f:
        f.write(b"half-written chunk before a crash")
    assert append_durably(path, b"second", at=5) == 11
    assert path.read_bytes() == b"firstsecond"


def test_a_failed_build_leaves_neither_the_file_nor_its_part(tmp_path: Path) -> None:
    final = tmp_path / "clip.mp4"
    with pytest.raises(RuntimeError), built_atomically(final) as part:
        part.write_bytes(b"half")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_a_cut_on_keyframes_copies_everything_and_one_between_re_encodes_only_its_ends(
    samples: Samples, tmp_path: Path
) -> None:
    source = samples.get("indexed.mp4")  # a keyframe every 30 frames (1 s)
    aligned = trim(source, tmp_path / "a.mp4", from_ms=1000, to_ms=6000)
    assert (aligned.reencoded_frames, aligned.frames) == (0, 150)
    between = trim(source, tmp_path / "b.mp4", from_ms=1500, to_ms=5500)
    assert between.reencoded_frames == 15 + 15  # 1.5–2 s and 5–5.5 s
    assert frame_indices(tmp_path / "b.mp4") == list(range(45, 165))
    inside = trim(source, tmp_path / "c.mp4", from_ms=2100, to_ms=2500, mode=TrimMode.exact)
    assert inside.reencoded_frames == inside.frames == 12


@pytest.mark.parametrize(
    ("gop_frames", "times_ms"),
    [
        (15, list(range(0, 20000, 2000))),  # keyframes twice a second: one in four is used
        (90, list(range(0, 20000, 3000))),  # a GOP longer than the interval: every keyframe
    ],
)
def test_the_thumbnail_strip_takes_the_keyframe_that_starts_each_interval(
    tmp_path: Path, gop_frames: int, times_ms: list[int]
) -> None:
    clip = lavfi_clip(
        tmp_path / "clip.mp4",
        seconds=20,
        extra=("-c:v", "libx264", "-preset", "ultrafast", "-g", str(gop_frames), "-an"),
    )
    strip = _thumbnails(clip, tmp_path, lambda _: None)
    assert strip.times_ms == times_ms
    with Image.open(tmp_path / THUMBNAILS) as sheet:
        size = sheet.size
    assert size == (strip.columns * strip.width, -(-len(times_ms) // 10) * strip.height)
