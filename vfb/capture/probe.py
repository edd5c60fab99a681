"""What a media file is: checked by actually decoding a video frame, so a renamed text file, an
audio-only file or a damaged download is refused in plain words before it becomes a clip."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error

from vfb.errors import UnreadableMedia

MAX_WIDTH = 7680  # 8K UHD: anything larger is a damaged or hostile header, not a camera
MAX_HEIGHT = 4320
MAX_PIXELS = MAX_WIDTH * MAX_HEIGHT
TAIL_SECONDS = 5  # how far before the claimed end to look for the last frame


@dataclass(frozen=True)
class MediaFacts:
    """A file's facts. Width and height are as displayed (after any rotation)."""

    path: str
    size_bytes: int
    container: str
    duration_ms: int
    width: int
    height: int
    rotation: int
    fps: float
    video_codec: str
    pixel_format: str | None
    audio_codec: str | None
    audio_sample_rate: int | None
    video_profile: str | None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def _refuse(name: str, why: str) -> UnreadableMedia:
    return UnreadableMedia(f"{name} cannot be used as a clip: {why}")


def probe(path: Path, name: str | None = None) -> MediaFacts:
    """The facts of `path`, or `UnreadableMedia` saying plainly why it is not usable video
    (naming the file as `name`: what the user called it, not where vfb keeps it)."""
    name = name or path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableMedia(f"There is no file {path}.") from None
    if size == 0:
        raise _refuse(name, "the file is empty.")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError) as error:
        reason = "incomplete (it may not have finished copying)" if error else "damaged"
        raise _refuse(name, f"it is not a video file vfb can read, or it is {reason}.") from None
    with container:
        if not container.streams.video:
            what = "it has sound but no picture" if container.streams.audio else "it has no video"
            raise _refuse(name, f"{what}.")
        video = container.streams.video[0]
        context = video.codec_context
        if not (0 < context.width <= MAX_WIDTH and 0 < context.height <= MAX_HEIGHT):
            raise _refuse(
                name,
                f"its header claims a picture of {context.width}×{context.height} pixels, which "
                f"is not a real camera's (vfb accepts up to {MAX_WIDTH}×{MAX_HEIGHT}).",
            )
        first = _first_frame(container, video, name)
        rotation = int(first.rotation) % 360 if first.rotation else 0
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        audio = container.streams.audio[0] if container.streams.audio else None
        duration_ms = _duration_ms(container, video)
        rate = video.average_rate or video.guessed_rate or video.base_rate
        return MediaFacts(
            path=str(path),
            size_bytes=size,
            container=container.format.name,
            duration_ms=duration_ms,
            width=width,
            height=height,
            rotation=rotation,
            fps=round(float(rate), 3) if rate else 0.0,
            video_codec=context.name,
            pixel_format=context.format.name if context.format else None,
            audio_codec=audio.codec_context.name if audio else None,
            audio_sample_rate=audio.codec_context.sample_rate if audio else None,
            video_profile=context.profile,
        )


def _first_frame(
    container: av.container.InputContainer, video: av.VideoStream, name: str
) -> av.VideoFrame:
    try:
        for frame in container.decode(video):
            return frame
    except (av.error.FFmpegError, ValueError) as error:
        del error  # FFmpeg's wording names internals; the user needs the plain reason
        raise _refuse(name, "its video does not decode; the file may be damaged.") from None
    raise _refuse(name, "its video stream holds no picture that decodes; it may be damaged.")


def _duration_ms(container: av.container.InputContainer, video: av.VideoStream) -> int:
    """Where the last frame stops being shown (its time plus its duration), from the packets of
    the last few seconds: headers round to the last decode time, count the sound as well, or
    (a browser's WebM) say nothing."""
    tb: Fraction = video.time_base or Fraction(1, 1000)
    start = video.start_time or 0
    if video.duration:
        claimed: int | None = video.duration
    elif container.duration and container.duration > 0:
        claimed = int(Fraction(container.duration, av.time_base) / tb)
    else:
        claimed = None
    target = start + claimed - int(TAIL_SECONDS / tb) if claimed else start
    try:
        container.seek(max(target, start), stream=video, backward=True)
    except av.error.FFmpegError:
        container.seek(0)
    shown: dict[int, int] = {}
    for packet in container.demux(video):
        # an edit list hides some pictures (decoded, never shown): they are no part of the film
        if packet.pts is not None and packet.size and not packet.is_discard:
            shown[packet.pts] = packet.duration or 0
    if not shown:
        return round((claimed or 0) * tb * 1000)
    times = sorted(shown)
    last = times[-1]
    # a last packet without a duration (Matroska's SimpleBlock) lasts as long as the one before
    lasting = shown[last] or (last - times[-2] if len(times) > 1 else 0)
    return round((last + lasting - start) * tb * 1000)
