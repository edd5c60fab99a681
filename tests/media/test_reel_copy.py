"""A reel of one camera's clips is joined the way the exact trim cuts: the whole GOPs inside each
moment are copied byte for byte, only the frames around them and the title cards are encoded (with
parameter sets of their own), and it is still frame-exact, with each moment's sound under it.
Clips that cannot be joined as they are (other settings) are re-encoded, just as exactly."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from tests.support.media import ffmpeg, frame_indices, make_indexed_clip
from vfb.capture.reel import ReelPart, make_reel, plan_for

pytestmark = pytest.mark.media
FPS = 30
CARD = 75  # 2.5 s at 30 fps


def packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(container.streams.video[0]) if p.size]


def gop_packets(path: Path) -> list[list[bytes]]:
    """The source's packets, GOP by GOP (decode order)."""
    gops: list[list[bytes]] = []
    with av.open(str(path)) as container:
        for packet in container.demux(container.streams.video[0]):
            if packet.size:
                if packet.is_keyframe:
                    gops.append([])
                gops[-1].append(bytes(packet))
    return gops


def loudness(path: Path, from_ms: int, to_ms: int) -> float:
    """The sound's RMS level between two times of the reel."""
    with av.open(str(path)) as container:
        audio = container.streams.audio[0]
        rate = audio.rate
        samples = np.concatenate(
            [f.to_ndarray().reshape(-1) for f in container.decode(audio)]
        ).astype(np.float64)
    piece = samples[from_ms * rate // 1000 : to_ms * rate // 1000]
    return float(np.sqrt(np.mean(piece**2)))


def test_a_reel_of_one_cameras_clips_copies_their_whole_gops_and_is_frame_exact(
    tmp_path: Path,
) -> None:
    first = make_indexed_clip(tmp_path / "first.mp4", seconds=8, gop=30)
    second = make_indexed_clip(tmp_path / "second.mp4", seconds=8, gop=30)
    parts = [
        ReelPart(first, 1010, 4100, "You waited"),  # frames 30–122: GOPs 2 and 3 are whole
        ReelPart(second, 2000, 2500, "You smiled"),  # frames 60–74, inside one GOP
        ReelPart(first, 7000, 8000, "You named it"),  # frames 210–239, to the clip's end
    ]
    reel = tmp_path / "reel.mp4"
    frames = make_reel(parts, reel, plan_for(320, 240, FPS))

    shown = frame_indices(reel)
    moments = [list(range(30, 123)), list(range(60, 75)), list(range(210, 240))]
    assert frames == len(shown) == 3 * CARD + sum(len(m) for m in moments)
    at = 0
    for moment in moments:
        at += CARD  # the card's frames come first
        assert shown[at : at + len(moment)] == moment
        at += len(moment)
    # the whole GOPs inside the first moment are the camera's own bytes, in order
    copied = packets(reel)
    source = gop_packets(first)
    whole = source[2] + source[3]
    start = copied.index(whole[0])
    assert copied[start : start + len(whole)] == whole
    # FFmpeg decodes every frame without a complaint, cards and copied GOPs alike
    ffmpeg("-xerror", "-i", str(reel), "-f", "null", "-")

    with av.open(str(reel)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.duration is not None and audio.duration is not None
        picture_s = float(video.duration * video.time_base)
        sound_s = float(audio.duration * audio.time_base)
    assert abs(picture_s - frames / FPS) < 0.001  # no gaps between cards and moments
    assert abs(sound_s - picture_s) < 0.05
    # silence under each card, the moment's own tone under it
    card_ms = CARD * 1000 // FPS
    assert loudness(reel, 200, card_ms - 200) < 0.001
    assert loudness(reel, card_ms + 200, card_ms + 2800) > 0.1


def test_clips_made_with_other_settings_are_re_encoded_into_one_exact_reel(
    tmp_path: Path,
) -> None:
    camera = make_indexed_clip(tmp_path / "camera.mp4", seconds=4, gop=30)
    other = tmp_path / "other.mp4"  # the same pictures, encoded for another device
    ffmpeg(
        "-i", str(camera), "-c:v", "libx264", "-profile:v", "baseline", "-c:a", "copy", str(other)
    )
    parts = [ReelPart(camera, 1000, 3000, "You waited"), ReelPart(other, 500, 1500, "You smiled")]
    reel = tmp_path / "reel.mp4"
    frames = make_reel(parts, reel, plan_for(320, 240, FPS))
    shown = frame_indices(reel)
    assert frames == len(shown) == 2 * CARD + 60 + 30
    assert shown[CARD : CARD + 60] == list(range(30, 90))
    assert shown[2 * CARD + 60 :] == list(range(15, 45))
    assert not set(packets(reel)) & set(packets(camera)[1:])  # nothing copied: all encoded anew


def onsets(path: Path, near_s: list[float]) -> list[float]:
    """When the sound first gets loud after each of `near_s` less 0.2 s, in seconds."""
    with av.open(str(path)) as container:
        audio = container.streams.audio[0]
        rate = audio.rate
        samples = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio)])
    found = []
    for near in near_s:
        start = int((near - 0.2) * rate)
        loud = np.nonzero(np.abs(samples[start : start + rate // 2]) > 0.2)[0]
        found.append((start + int(loud[0])) / rate if loud.size else -1.0)
    return found


@pytest.mark.parametrize("second", ["same camera", "no sound", "other settings"])
def test_each_moments_sound_is_heard_under_its_own_pictures(tmp_path: Path, second: str) -> None:
    """A 20-ms beep on every second of the clip is heard in the reel when the picture it went
    with is shown: with the clips' AAC frames copied (within half of one, 11 ms), with the sound
    encoded anew because one clip has none, and with every frame re-encoded."""
    pictures = make_indexed_clip(tmp_path / "pictures.mp4", seconds=8, gop=30, audio=False)
    beeps = tmp_path / "beeps.mp4"
    tone = "if(lt(mod(t\\,1)\\,0.02)\\,0.8*sin(2*PI*1000*t)\\,0)"
    ffmpeg(
        "-i", str(pictures), "-f", "lavfi", "-i", f"aevalsrc={tone}:s=48000:d=8",
        "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", str(beeps),
    )  # fmt: skip
    other = beeps
    if second == "no sound":
        other = pictures
    elif second == "other settings":
        other = tmp_path / "other.mp4"
        ffmpeg(
            "-i",
            str(beeps),
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-c:a",
            "copy",
            str(other),
        )
    parts = [ReelPart(beeps, 1010, 4100, "You waited"), ReelPart(other, 5000, 7000, "You smiled")]
    reel = tmp_path / "reel.mp4"
    make_reel(parts, reel, plan_for(320, 240, FPS))
    assert frame_indices(reel)[CARD : CARD + 3] == [30, 31, 32]

    card_s = CARD / FPS
    first = [card_s + n for n in (1.0, 2.0, 3.0)]  # the beeps at 2, 3 and 4 s (shown from 1 s)
    second_start = card_s + 93 / FPS + card_s
    expected = first + ([] if other is pictures else [second_start + 1.0])
    for heard, due in zip(onsets(reel, expected), expected, strict=True):
        assert abs(heard - due) <= 0.012, (heard, due)
    if other is pictures:
        assert loudness(reel, round(second_start * 1000), round(second_start * 1000) + 1900) < 0.001
