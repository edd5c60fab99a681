"""A highlight reel: chosen moments of one or more clips, each after a short title card with its
caption (and what the child might say), in one web-playable MP4.

Every moment is cut as a trim is: the first frame is the one shown at its start, the last the one
shown just before its end. Where the clips can be (H.264 at the reel's size, upright, with the same
settings) the reel is joined from exact trims, copying each moment's whole GOPs and encoding only
the frames around them and the cards with matching parameter sets (`reel_copy.py`); otherwise
every frame is decoded and re-encoded at the reel's size, here. Sound follows the picture sample
for sample (`reel_sound.py`); title cards are silent."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import av.error
from PIL import Image

from vfb.capture.files import built_atomically
from vfb.capture.orientation import IDENTITY, as_shown, display_matrix
from vfb.capture.reel_copy import CannotCopy, copy_reel
from vfb.capture.reel_parts import (
    CARD_MS,
    CHILD_INK,
    INK,
    Progress,
    ReelPart,
    ReelPlan,
    picture,
    plan_for,
    title_card,
)
from vfb.capture.reel_sound import Soundtrack
from vfb.errors import InvalidInput, MediaFailed

__all__ = [
    "CARD_MS",
    "CHILD_INK",
    "INK",
    "ReelPart",
    "ReelPlan",
    "make_reel",
    "plan_for",
    "title_card",
]


def make_reel(
    parts: list[ReelPart], dest: Path, plan: ReelPlan, progress: Progress | None = None
) -> int:
    """Write the reel to `dest` (complete or not at all); returns how many frames it has."""
    if not parts:
        raise InvalidInput("Choose at least one moment for the reel.")
    with built_atomically(dest) as part:
        try:
            try:
                return copy_reel(parts, part, plan, progress)
            except CannotCopy:
                return _Reel(part, plan, parts, progress).run()
        except av.error.FFmpegError as error:
            raise MediaFailed.because("make the reel", error) from error


class _Reel:
    """Every frame decoded, fitted to the reel's size and encoded again."""

    def __init__(
        self, path: Path, plan: ReelPlan, parts: list[ReelPart], progress: Progress | None
    ) -> None:
        self.plan, self.parts, self.progress = plan, parts, progress
        self.output = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        self.video = self.output.add_stream("libx264", rate=plan.fps)
        self.video.width, self.video.height, self.video.pix_fmt = plan.width, plan.height, "yuv420p"
        # superfast: a reel is watched a few times, not archived; it must be ready while the
        # worker is still in the home (veryfast takes half as long again)
        self.video.options = {"preset": "superfast", "crf": "22", "g": str(plan.fps * 2)}
        self.sound = Soundtrack(self.output, parts[0].source)
        self.frames = 0  # video frames written
        self.expected = sum(round((p.to_ms - p.from_ms) * plan.fps / 1000) for p in parts)
        self.expected += len(parts) * round(plan.card_ms * plan.fps / 1000)

    def run(self) -> int:
        try:
            for part in self.parts:
                self._card(part.caption, part.child_words)
                self._moment(part)
            self.output.mux(self.video.encode(None))
            self.sound.finish()
        finally:
            self.output.close()
        return self.frames

    def _shown(self) -> Fraction:
        """Where the sound must reach: the end of the last frame written, in seconds."""
        return Fraction(self.frames, self.plan.fps)

    def _write(self, frame: av.VideoFrame) -> None:
        frame.pts = self.frames
        frame.time_base = Fraction(1, self.plan.fps)
        self.output.mux(self.video.encode(frame))
        self.frames += 1
        if self.progress and self.frames % 15 == 0:
            self.progress(min(0.99, self.frames / max(1, self.expected)))

    def _card(self, caption: str, child_words: str) -> None:
        card = picture(title_card(caption, self.plan.width, self.plan.height, child_words))
        count = round(self.plan.card_ms * self.plan.fps / 1000)
        for _ in range(count):
            self._write(card)
        self.sound.silence_until(self._shown())

    def _moment(self, part: ReelPart) -> None:
        with av.open(str(part.source)) as container:
            video = container.streams.video[0]
            video.thread_type = "AUTO"
            tb: Fraction = video.time_base  # type: ignore[assignment]
            origin = video.start_time or 0
            t_in = origin + int(Fraction(part.from_ms, 1000) / tb)
            t_out = origin + int(Fraction(part.to_ms, 1000) / tb)
            began = self._shown()
            first_pts: int | None = None
            for frame in self._frames(container, video, t_in, t_out):
                if first_pts is None:
                    first_pts = frame.pts
                self._write(self._fit(frame))
            if first_pts is None:
                raise InvalidInput(
                    f"There is no picture between {part.from_ms} and {part.to_ms} ms."
                )
            start_ms = float((first_pts - origin) * tb * 1000)
        self.sound.sound(part.source, start_ms, began, self._shown())

    @staticmethod
    def _frames(
        container: av.container.InputContainer, video: av.VideoStream, t_in: int, t_out: int
    ) -> Iterator[av.VideoFrame]:
        """Frames shown from `t_in` (inclusive: the frame on screen then) until `t_out`."""
        container.seek(t_in, stream=video, backward=True, any_frame=False)
        held: av.VideoFrame | None = None
        started = False
        for frame in container.decode(video):
            if frame.pts is None:
                continue
            if not started:
                if frame.pts <= t_in:
                    held = frame
                    continue
                started = True
                if held is not None:
                    yield held
            if frame.pts >= t_out:
                return
            yield frame
        if not started and held is not None:
            yield held  # the moment starts on the clip's last frame

    def _fit(self, frame: av.VideoFrame) -> av.VideoFrame:
        width, height = self.plan.width, self.plan.height
        if display_matrix(frame) != IDENTITY:  # a phone's picture, turned as a player turns it
            frame = picture(as_shown(frame, width))
        if (frame.width, frame.height, frame.format.name) == (width, height, "yuv420p"):
            return frame
        if abs(frame.width * height - frame.height * width) <= max(width, height):
            return frame.reformat(width=width, height=height, format="yuv420p")
        image = Image.fromarray(frame.to_ndarray(format="rgb24"))  # another shape: letterbox it
        image.thumbnail((width, height))
        canvas = Image.new("RGB", (width, height), (0, 0, 0))
        canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
        return picture(canvas)
