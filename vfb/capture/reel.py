"""A highlight reel: chosen moments of one or more clips, each after a short title card with its
caption (and what the child might say), in one web-playable MP4.

Every moment is cut as a trim is (the first frame is the one shown at its start, the last the one
shown just before its end) by decoding from the keyframe before it and re-encoding, so the cuts are
frame-exact whatever the source's GOPs. Sound follows the picture sample for sample; title cards
are silent."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vfb.capture.files import built_atomically
from vfb.capture.orientation import IDENTITY, as_shown, display_matrix
from vfb.errors import InvalidInput, MediaFailed

Progress = Callable[[float], None]
RATE = 48000
CARD_MS = 2500
BACKGROUND = (251, 250, 247)
RGB = tuple[int, int, int]
INK: RGB = (31, 41, 51)
MUTED: RGB = (82, 96, 109)
CHILD_INK: RGB = (140, 70, 0)  # the child's words: warm, apart from the worker's caption


@dataclass(frozen=True)
class ReelPart:
    """One moment of the reel: `from_ms` inclusive, `to_ms` exclusive, in `source`'s time."""

    source: Path
    from_ms: int
    to_ms: int
    caption: str
    child_words: str = ""  # what the child might say, in the carer's words

    def __post_init__(self) -> None:
        if self.from_ms < 0 or self.to_ms <= self.from_ms:
            raise InvalidInput("Each moment of a reel needs an end after its start.")


@dataclass(frozen=True)
class ReelPlan:
    width: int
    height: int
    fps: int
    card_ms: int = CARD_MS

    def length_ms(self, parts: list[ReelPart]) -> int:
        """The reel's length, known before it is made: each moment with its card."""
        return sum(self.card_ms + p.to_ms - p.from_ms for p in parts)


def plan_for(width: int, height: int, fps: float) -> ReelPlan:
    """At most 720 lines, even dimensions, the source's frame rate (rounded)."""
    scale = min(1.0, 720 / height) if height else 1.0

    def even(n: int) -> int:
        return max(2, int(n * scale) // 2 * 2)

    return ReelPlan(width=even(width), height=even(height), fps=max(1, round(fps or 30)))


def title_card(caption: str, width: int, height: int, child_words: str = "") -> Image.Image:
    """The caption in large, calm type, centred; under it, if the carer spoke for the child,
    "Your child might say" and their words in speech marks, in a colour of their own."""
    card = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(card)
    size = max(14, height // 12)
    blocks = [(caption, size, INK, 5)]
    if child_words:
        blocks += [("Your child might say", max(10, size // 2), MUTED, 1)]
        blocks += [(f"“{child_words}”", max(12, size * 3 // 4), CHILD_INK, 3)]
    lines: list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont, RGB, float]] = []
    for text, text_size, ink, most in blocks:
        font = ImageFont.load_default(size=text_size)
        per_line = max(12, int(width / (text_size * 0.55)))
        for line in textwrap.wrap(text, per_line)[:most] or [""]:
            lines.append((line, font, ink, draw.textbbox((0, 0), line, font=font)[3]))
    spacing = size // 3
    y = (height - sum(line[3] for line in lines) - spacing * (len(lines) - 1)) / 2
    for line, font, ink, line_height in lines:
        line_width = draw.textlength(line, font=font)
        draw.text(((width - line_width) / 2, y), line, font=font, fill=ink)
        y += line_height + spacing
    return card


def make_reel(
    parts: list[ReelPart], dest: Path, plan: ReelPlan, progress: Progress | None = None
) -> int:
    """Write the reel to `dest` (complete or not at all); returns how many frames it has."""
    if not parts:
        raise InvalidInput("Choose at least one moment for the reel.")
    with built_atomically(dest) as part:
        try:
            return _Reel(part, plan, parts, progress).run()
        except av.error.FFmpegError as error:
            raise MediaFailed.because("make the reel", error) from error


class _Reel:
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
        self.layout = _layout_of(parts[0].source)
        self.channels = 1 if self.layout == "mono" else 2
        self.audio = self.output.add_stream("aac", rate=RATE, layout=self.layout)
        self.audio.bit_rate = 128_000
        self.fifo = av.AudioFifo()
        self.frames = 0  # video frames written
        self.samples = 0  # audio samples written
        self.expected = sum(round((p.to_ms - p.from_ms) * plan.fps / 1000) for p in parts)
        self.expected += len(parts) * round(plan.card_ms * plan.fps / 1000)

    def run(self) -> int:
        try:
            for part in self.parts:
                self._card(part.caption, part.child_words)
                self._moment(part)
            self.output.mux(self.video.encode(None))
            self._flush_audio(final=True)
            self.output.mux(self.audio.encode(None))
        finally:
            self.output.close()
        return self.frames

    # -- picture ---------------------------------------------------------------------------

    def _write(self, frame: av.VideoFrame) -> None:
        frame.pts = self.frames
        frame.time_base = Fraction(1, self.plan.fps)
        self.output.mux(self.video.encode(frame))
        self.frames += 1
        if self.progress and self.frames % 15 == 0:
            self.progress(min(0.99, self.frames / max(1, self.expected)))

    def _card(self, caption: str, child_words: str) -> None:
        card = _video_frame(title_card(caption, self.plan.width, self.plan.height, child_words))
        count = round(self.plan.card_ms * self.plan.fps / 1000)
        for _ in range(count):
            self._write(card)
        self._silence_until_frames()

    def _moment(self, part: ReelPart) -> None:
        with av.open(str(part.source)) as container:
            video = container.streams.video[0]
            video.thread_type = "AUTO"
            tb: Fraction = video.time_base  # type: ignore[assignment]
            origin = video.start_time or 0
            t_in = origin + int(Fraction(part.from_ms, 1000) / tb)
            t_out = origin + int(Fraction(part.to_ms, 1000) / tb)
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
        self._sound(part.source, start_ms)

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
            frame = _video_frame(as_shown(frame, width))
        if (frame.width, frame.height, frame.format.name) == (width, height, "yuv420p"):
            return frame
        if abs(frame.width * height - frame.height * width) <= max(width, height):
            return frame.reformat(width=width, height=height, format="yuv420p")
        image = Image.fromarray(frame.to_ndarray(format="rgb24"))  # another shape: letterbox it
        image.thumbnail((width, height))
        canvas = Image.new("RGB", (width, height), (0, 0, 0))
        canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
        return _video_frame(canvas)

    # -- sound -----------------------------------------------------------------------------

    def _target_samples(self) -> int:
        return round(self.frames * RATE / self.plan.fps)

    def _push(self, samples: np.ndarray) -> None:
        if samples.shape[1] == 0:
            return
        chunk = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples), format="fltp", layout=self.layout
        )
        chunk.sample_rate = RATE
        chunk.pts = self.samples
        self.samples += samples.shape[1]
        self.fifo.write(chunk)
        self._flush_audio()

    def _flush_audio(self, *, final: bool = False) -> None:
        while self.fifo.samples >= 1024 or (final and self.fifo.samples):
            chunk = self.fifo.read(1024 if self.fifo.samples >= 1024 else self.fifo.samples)
            if chunk is None:
                return
            self.output.mux(self.audio.encode(chunk))

    def _silence_until_frames(self) -> None:
        gap = self._target_samples() - self.samples
        self._push(np.zeros((self.channels, gap), dtype=np.float32))

    def _sound(self, source: Path, start_ms: float) -> None:
        """The source's sound under the moment's frames (silence if it has none)."""
        wanted = self._target_samples() - self.samples
        start = round(start_ms * RATE / 1000)
        have = np.zeros((self.channels, 0), dtype=np.float32)
        with av.open(str(source)) as container:
            if container.streams.audio:
                audio = container.streams.audio[0]
                resampler = av.AudioResampler(format="fltp", layout=self.layout, rate=RATE)
                origin = audio.start_time or 0
                atb = audio.time_base or Fraction(1, RATE)
                container.seek(
                    max(0, int(max(0.0, start_ms - 500) / 1000 / float(atb))), stream=audio
                )
                pieces: list[np.ndarray] = []
                first: int | None = None
                for frame in container.decode(audio):
                    for out in resampler.resample(frame):
                        if first is None:
                            pts = frame.pts if frame.pts is not None else origin
                            first = round(float((pts - origin) * atb) * RATE)
                        pieces.append(out.to_ndarray())
                    if (
                        first is not None
                        and first + sum(p.shape[1] for p in pieces) >= start + wanted
                    ):
                        break
                if pieces and first is not None:
                    joined = np.concatenate(pieces, axis=1)
                    offset = start - first
                    if offset >= 0:
                        have = joined[:, offset : offset + wanted]
                    else:
                        lead = np.zeros((self.channels, -offset), dtype=np.float32)
                        have = np.concatenate([lead, joined[:, : wanted + offset]], axis=1)
        if have.shape[1] < wanted:
            have = np.concatenate(
                [have, np.zeros((self.channels, wanted - have.shape[1]), dtype=np.float32)], axis=1
            )
        self._push(have.astype(np.float32))


def _layout_of(source: Path) -> str:
    """Mono if the first moment's sound is mono (half the work), otherwise stereo."""
    with av.open(str(source)) as container:
        if container.streams.audio and container.streams.audio[0].channels == 1:
            return "mono"
    return "stereo"


def _video_frame(image: Image.Image) -> av.VideoFrame:
    rgb = np.asarray(image.convert("RGB"))
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
