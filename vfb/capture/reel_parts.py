"""What a highlight reel is: its moments, its size and frame rate, and the title card before each
moment (the caption in large, calm type, and what the child might say)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vfb.errors import InvalidInput

Progress = Callable[[float], None]
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


def picture(image: Image.Image) -> av.VideoFrame:
    """A still (a title card, a turned or letterboxed frame) as a frame to encode."""
    rgb = np.asarray(image.convert("RGB"))
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
