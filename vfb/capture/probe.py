"""What a media file is: checked by actually decoding a video frame, so a renamed text file, an
audio-only file, a photo or a damaged download is refused in plain words before it becomes a clip;
and, against `MediaBounds`, footage longer, larger or faster than any home visit's."""

from __future__ import annotations

import json
import stat
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error

from vfb.capture.orientation import display_matrix, is_mirrored
from vfb.capture.timecode import format_timecode
from vfb.errors import MediaBeyondLimits, UnreadableMedia

MAX_WIDTH = 7680  # 8K UHD: anything larger is a damaged or hostile header, not a camera
MAX_HEIGHT = 4320
MAX_PIXELS = MAX_WIDTH * MAX_HEIGHT
TAIL_SECONDS = 5  # how far before the claimed end to look for the last frame
RATE_SAMPLE_PACKETS = 120
# Demuxers of single pictures (a JPEG is `image2` by its name, `jpeg_pipe` by its bytes).
STILL_DEMUXERS = frozenset({"image2", "image2pipe", "gif", "apng", "webp", "ico"})


@dataclass(frozen=True)
class MediaBounds:
    """What a home visit's footage can be. Anything beyond is refused from its header, before
    any work is spent on it (an 8K 4:4:4 file of 600 KB took 9.5 minutes and 4.3 GB)."""

    max_duration_ms: int = 3 * 3_600_000
    max_pixels: int = 4096 * 2304  # counted, so portrait 2304×4096 fits as landscape does
    max_side: int = 4096
    max_fps: float = 120

    def exceeded(self, width: int, height: int, *, fps: float, duration_ms: int) -> str | None:
        """Why footage of this size, rate and length is beyond the bounds, or None."""
        if width * height > self.max_pixels:
            return (
                f"its picture is {width}×{height} ({width * height / 1e6:.1f} megapixels), more "
                f"than the {self.max_pixels / 1e6:.1f} megapixels (4K) vfb takes"
            )
        for side, what in ((width, "wide"), (height, "high")):
            if side > self.max_side:
                return f"its picture is {side} pixels {what}, more than the {self.max_side} allowed"
        if fps > self.max_fps:
            return f"it has {fps:g} frames a second, more than the {self.max_fps:g} vfb takes"
        if duration_ms > self.max_duration_ms:
            return (
                f"it is {format_timecode(duration_ms)} long, longer than the "
                f"{_span(self.max_duration_ms)} vfb takes for one clip"
            )
        return None


def _span(ms: int) -> str:
    minutes = ms / 60_000
    if minutes >= 60 and minutes % 60 == 0:
        hours = int(minutes // 60)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes:g} minutes"


@dataclass(frozen=True)
class MediaFacts:
    """A file's facts. Width and height are as displayed (after any rotation)."""

    path: str
    size_bytes: int
    container: str
    duration_ms: int
    width: int
    height: int
    rotation: int  # degrees anticlockwise, as FFmpeg reads the display matrix
    mirrored: bool  # shown as in a mirror (a front camera's display matrix)
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


def _beyond(name: str, why: str) -> MediaBeyondLimits:
    return MediaBeyondLimits(
        f"{name} cannot be used as a clip: {why}. No home visit's film is like that; if this is "
        "one, export it from the device at a smaller size or trim it first."
    )


def probe(path: Path, name: str | None = None, bounds: MediaBounds | None = None) -> MediaFacts:
    """The facts of `path`, or `UnreadableMedia` saying plainly why it is not usable video
    (naming the file as `name`: what the user called it, not where vfb keeps it); with `bounds`,
    `MediaBeyondLimits` for footage beyond them."""
    name = name or path.name
    try:
        status = path.stat()
    except FileNotFoundError:
        raise UnreadableMedia(f"There is no file {path}.") from None
    size = status.st_size
    if size == 0 and stat.S_ISREG(status.st_mode):  # a pipe's size says nothing
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
        if bounds is not None:  # the header's size, before a frame is decoded
            why = bounds.exceeded(context.width, context.height, fps=0, duration_ms=0)
            if why:
                raise _beyond(name, why)
        if container.format.name in STILL_DEMUXERS or container.format.name.endswith("_pipe"):
            raise _still(name)
        first = _first_frame(container, video, name)
        rotation = int(first.rotation) % 360 if first.rotation else 0
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        audio = container.streams.audio[0] if container.streams.audio else None
        duration_ms = _duration_ms(container, video)
        fps = round(_frame_rate(container, video), 3)
        if bounds is not None:
            why = bounds.exceeded(width, height, fps=fps, duration_ms=duration_ms)
            if why:
                raise _beyond(name, why)
        return MediaFacts(
            path=str(path),
            size_bytes=size,
            container=container.format.name,
            duration_ms=duration_ms,
            width=width,
            height=height,
            rotation=rotation,
            mirrored=is_mirrored(display_matrix(first)),
            fps=fps,
            video_codec=context.name,
            pixel_format=context.format.name if context.format else None,
            audio_codec=audio.codec_context.name if audio else None,
            audio_sample_rate=audio.codec_context.sample_rate if audio else None,
            video_profile=context.profile,
        )


def _still(name: str) -> UnreadableMedia:
    return _refuse(name, "it is a still picture, not a video. Import the video file itself.")


def _first_frame(
    container: av.container.InputContainer, video: av.VideoStream, name: str
) -> av.VideoFrame:
    """The first frame, once a second one decodes too: a single frame is a photo, not a film."""
    first = None
    try:
        for frame in container.decode(video):
            if first is not None:
                return first
            first = frame
    except (av.error.FFmpegError, ValueError) as error:
        del error  # FFmpeg's wording names internals; the user needs the plain reason
        if first is None:
            raise _refuse(name, "its video does not decode; the file may be damaged.") from None
        return first  # a damaged second frame is for the clip maker to get past
    if first is None:
        raise _refuse(name, "its video stream holds no picture that decodes; it may be damaged.")
    raise _still(name)


def _frame_rate(container: av.container.InputContainer, video: av.VideoStream) -> float:
    """Frames a second, on average. A browser's WebM declares none (its time base, 1000, is not a
    frame rate), so then it is counted from the first packets' timestamps."""
    if video.average_rate:
        return float(video.average_rate)
    container.seek(0)
    stamps = []
    for packet in container.demux(video):
        if packet.pts is not None:
            stamps.append(packet.pts)
            if len(stamps) >= RATE_SAMPLE_PACKETS:
                break
    stamps.sort()
    if len(stamps) >= 2 and video.time_base and stamps[-1] > stamps[0]:
        return float((len(stamps) - 1) / ((stamps[-1] - stamps[0]) * video.time_base))
    rate = video.guessed_rate or video.base_rate
    return float(rate) if rate else 0.0


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
