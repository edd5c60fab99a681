"""A still: the exact frame on screen at a time, decoded at that frame's own timestamp (from the
keyframe before it), never the nearest keyframe. VIG practice uses stills to slow a moment down."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import av
from PIL import Image

from vfb.capture.orientation import as_shown
from vfb.errors import InvalidInput, UnreadableMedia

logger = logging.getLogger(__name__)


def frame_at(path: Path | str, at_ms: int) -> Image.Image:
    """The picture a player shows at `at_ms`: the last frame whose time is at or before it."""
    if at_ms < 0:
        raise InvalidInput("A still's time cannot be before the clip starts.")
    try:
        with av.open(str(path)) as container:
            video = container.streams.video[0]
            tb = float(video.time_base or 0)
            origin = video.start_time or 0
            target = origin + round(at_ms / 1000 / tb) if tb else 0
            container.seek(target, stream=video, backward=True, any_frame=False)
            shown: av.VideoFrame | None = None
            for frame in container.decode(video):
                if frame.pts is None:
                    continue
                if shown is not None and frame.pts > target:
                    break
                shown = frame
                if frame.pts == target:
                    break
            if shown is None:
                raise UnreadableMedia("There is no picture at that time in this clip.")
            return as_shown(shown)
    except av.error.FFmpegError as error:
        logger.warning("a still could not be read: %s", error.strerror)
        raise UnreadableMedia("The clip could not be read for a still; try another time.") from None


def still_jpeg(path: Path | str, at_ms: int, *, quality: int = 92) -> bytes:
    picture = frame_at(path, at_ms)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality)
    return out.getvalue()
