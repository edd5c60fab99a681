"""What the review page needs beside the clip, made once so the browser never decodes 20 minutes:
a poster frame, a strip of thumbnails for scrubbing, and the sound's waveform peaks."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import av.error
import numpy as np
from PIL import Image

from vfb.capture.files import built_atomically
from vfb.capture.orientation import as_shown, shown_size
from vfb.errors import MediaFailed

POSTER = "poster.jpg"
THUMBNAILS = "thumbnails.jpg"
PEAKS = "peaks.json"
THUMB_WIDTH = 160
POSTER_WIDTH = 640
MAX_THUMBS = 300
PEAKS_PER_SECOND = 20


@dataclass(frozen=True)
class ThumbnailStrip:
    """A grid image: thumbnail n shows the clip at `times_ms[n]`, row-major, `columns` wide."""

    columns: int
    width: int
    height: int
    times_ms: list[int]


@dataclass(frozen=True)
class ReviewMedia:
    poster: Path
    thumbnails: Path
    peaks: Path
    strip: ThumbnailStrip


def make_review_media(
    clip: Path, folder: Path, progress: Callable[[float], None] | None = None
) -> ReviewMedia:
    report = progress or (lambda _: None)
    try:
        strip = _thumbnails(clip, folder, lambda f: report(0.05 + 0.6 * f))
        _poster(clip, folder, strip)
        report(0.7)
        _peaks(clip, folder, lambda f: report(0.7 + 0.3 * f))
    except av.error.FFmpegError as error:
        raise MediaFailed.because("make this clip's thumbnails and waveform", error) from error
    report(1.0)
    return ReviewMedia(folder / POSTER, folder / THUMBNAILS, folder / PEAKS, strip)


def _thumbnails(clip: Path, folder: Path, progress: Callable[[float], None]) -> ThumbnailStrip:
    """One thumbnail per interval, each from the keyframe that starts it: only those packets
    reach the decoder (decoding every keyframe, or every frame, would take minutes)."""
    with av.open(str(clip)) as container:
        video = container.streams.video[0]
        tb = video.time_base
        assert tb is not None
        origin = video.start_time or 0
        duration_ms = round((video.duration or 0) * tb * 1000) or 1
        interval = max(2000, -(-duration_ms // MAX_THUMBS))
        video.codec_context.skip_frame = "NONKEY"
        images: list[Image.Image] = []
        times: list[int] = []
        wanted = 0  # the packets sent to the decoder: its frames may come a few packets later

        def keep(frames: list[av.VideoFrame]) -> None:
            for frame in frames:
                at = round(((frame.pts or 0) - origin) * tb * 1000)
                if times and at <= times[-1]:
                    continue
                images.append(as_shown(frame, THUMB_WIDTH))
                times.append(at)
                progress(min(1.0, at / duration_ms))

        for packet in container.demux(video):
            if packet.pts is None or not packet.is_keyframe:
                continue
            at = round((packet.pts - origin) * tb * 1000)
            if wanted and at < wanted * interval:
                continue
            wanted += 1
            keep(video.decode(packet))
        keep(video.decode(None))
    if not images:
        raise MediaFailed(f"{clip.name} has no picture vfb could use for thumbnails.")
    columns = min(len(images), 10)
    rows = -(-len(images) // columns)
    width, height = images[0].size
    sheet = Image.new("RGB", (columns * width, rows * height))
    for n, image in enumerate(images):
        sheet.paste(image.resize((width, height)), ((n % columns) * width, (n // columns) * height))
    with built_atomically(folder / THUMBNAILS) as part:
        sheet.save(part, format="JPEG", quality=80)
    strip = ThumbnailStrip(columns=columns, width=width, height=height, times_ms=times)
    with built_atomically(folder / "thumbnails.json") as part:
        part.write_text(json.dumps(asdict(strip)))
    return strip


def _poster(clip: Path, folder: Path, strip: ThumbnailStrip) -> None:
    """The keyframe a tenth of the way in (past any fade-in or the carer sitting down)."""
    with av.open(str(clip)) as container:
        video = container.streams.video[0]
        tb = video.time_base
        assert tb is not None
        target = strip.times_ms[len(strip.times_ms) // 10]
        container.seek(int(target / 1000 / tb) + (video.start_time or 0), stream=video)
        frame = next(container.decode(video))
        image = as_shown(frame, min(POSTER_WIDTH, shown_size(frame)[0]))
    with built_atomically(folder / POSTER) as part:
        image.save(part, format="JPEG", quality=85)


def _peaks(clip: Path, folder: Path, progress: Callable[[float], None]) -> None:
    """Loudest sample per 1/20 s, 0–1000, mono: what a waveform view draws."""
    peaks: list[int] = []
    with av.open(str(clip)) as container:
        if container.streams.audio:
            audio = container.streams.audio[0]
            rate = 8000
            bucket = rate // PEAKS_PER_SECOND
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            duration = float((audio.duration or 0) * (audio.time_base or 0)) or 1.0
            pending = np.zeros(0, dtype=np.float32)
            for frame in container.decode(audio):
                for out in resampler.resample(frame):
                    pending = np.concatenate([pending, out.to_ndarray().reshape(-1)])
                usable = len(pending) // bucket * bucket
                if usable:
                    blocks = np.abs(pending[:usable]).reshape(-1, bucket).max(axis=1)
                    peaks.extend(np.minimum(1000, np.round(blocks * 1000)).astype(int).tolist())
                    pending = pending[usable:]
                    progress(min(1.0, len(peaks) / PEAKS_PER_SECOND / duration))
            if len(pending):
                peaks.append(min(1000, round(float(np.abs(pending).max()) * 1000)))
    body = {"peaks_per_second": PEAKS_PER_SECOND, "scale": 1000, "peaks": peaks}
    with built_atomically(folder / PEAKS) as part:
        part.write_text(json.dumps(body, separators=(",", ":")))
