"""How a phone's picture is meant to be seen. A phone films with its sensor's rows and writes the
way it was held as an MP4 display matrix; a browser turns the picture as the matrix says, so vfb
keeps the matrix on copied footage and turns the pictures it decodes (thumbnails, poster, stills,
reels) the same way."""

from __future__ import annotations

from typing import Any

import av
import numpy as np
from PIL import Image

Matrix = tuple[int, int, int, int]  # a, b, c, d of ISO/IEC 14496-12's matrix, each -1, 0 or 1
IDENTITY: Matrix = (1, 0, 0, 1)

# A pixel at column p, row q is shown at column a·p + c·q, row b·p + d·q (then moved into view):
# the eight matrices a phone can write, as the turn or flip that does the same to a picture
_TRANSPOSES: dict[Matrix, Image.Transpose | None] = {
    (1, 0, 0, 1): None,
    (-1, 0, 0, 1): Image.Transpose.FLIP_LEFT_RIGHT,
    (1, 0, 0, -1): Image.Transpose.FLIP_TOP_BOTTOM,
    (-1, 0, 0, -1): Image.Transpose.ROTATE_180,
    (0, -1, 1, 0): Image.Transpose.ROTATE_90,  # a quarter turn anticlockwise
    (0, 1, -1, 0): Image.Transpose.ROTATE_270,  # a quarter turn clockwise
    (0, 1, 1, 0): Image.Transpose.TRANSPOSE,
    (0, -1, -1, 0): Image.Transpose.TRANSVERSE,
}


def display_matrix(frame: av.VideoFrame) -> Matrix:
    """The frame's display matrix reduced to its turn and flip; the identity when it has none
    (or one that is not a whole quarter turn, which no camera writes)."""
    sides: Any = frame.side_data  # typed in PyAV's stubs for motion vectors only
    if "DISPLAYMATRIX" not in sides:
        return IDENTITY
    raw = np.frombuffer(bytes(sides["DISPLAYMATRIX"]), dtype="<i4")
    matrix = tuple(max(-1, min(1, round(int(raw[i]) / 65536))) for i in (0, 1, 3, 4))
    return matrix if matrix in _TRANSPOSES else IDENTITY


def is_mirrored(matrix: Matrix) -> bool:
    """A front camera's picture shown as in a mirror (the determinant is negative)."""
    a, b, c, d = matrix
    return a * d - b * c < 0


def turns_sideways(matrix: Matrix) -> bool:
    """Whether the picture is shown with its width and height swapped."""
    return matrix[0] == 0


def shown_size(frame: av.VideoFrame) -> tuple[int, int]:
    """The frame's width and height as a player shows it."""
    if turns_sideways(display_matrix(frame)):
        return frame.height, frame.width
    return frame.width, frame.height


def upright(image: Image.Image, matrix: Matrix) -> Image.Image:
    """The picture as its display matrix shows it."""
    transpose = _TRANSPOSES[matrix]
    return image if transpose is None else image.transpose(transpose)


def as_shown(frame: av.VideoFrame, width: int | None = None) -> Image.Image:
    """The frame as a player shows it, `width` pixels wide (height in proportion, even) or at
    its own size; scaled before it is turned, so a 4K frame is never turned whole."""
    matrix = display_matrix(frame)
    shown_width, shown_height = shown_size(frame)
    if width is None:
        width, height = shown_width, shown_height
    else:
        height = max(2, round(shown_height * width / shown_width / 2) * 2)
    coded = (height, width) if turns_sideways(matrix) else (width, height)
    image: Image.Image = frame.to_image(width=coded[0], height=coded[1])  # type: ignore[no-untyped-call]
    return upright(image, matrix)
