"""A moment marked on a clip: a point (`end_ms == start_ms`) or a range, in integer milliseconds,
that validates itself when it is made (peaks.js does the same with a RangeError)."""

from __future__ import annotations

from dataclasses import dataclass

from vfb.errors import InvalidInput

MAX_NOTE = 2000
MAX_CAPTION = 200
MAX_CHILD_WORDS = 200
POINT_BEFORE_MS = 2000  # a point moment is shown from a little before it…
POINT_AFTER_MS = 4000  # …to a little after, in the joint review and in reels


@dataclass(frozen=True)
class MarkedMoment:
    start_ms: int
    end_ms: int
    category: str
    note: str = ""
    share_with_carer: bool = False
    caption: str = ""  # the words the carer sees; the note is the worker's own
    child_words: str = ""  # what the child might say, in the carer's words (VIPP-SD)

    def __post_init__(self) -> None:
        if self.start_ms < 0:
            raise InvalidInput("A moment cannot start before the clip does.")
        if self.end_ms < self.start_ms:
            raise InvalidInput("A moment's end cannot come before its start.")
        if not self.category:
            raise InvalidInput("A moment needs a category.")
        if len(self.note) > MAX_NOTE:
            raise InvalidInput(f"A moment's note can be at most {MAX_NOTE} characters.")
        if len(self.caption) > MAX_CAPTION:
            raise InvalidInput(f"A moment's caption can be at most {MAX_CAPTION} characters.")
        if len(self.child_words) > MAX_CHILD_WORDS:
            raise InvalidInput(
                f"What the child might say can be at most {MAX_CHILD_WORDS} characters."
            )

    @property
    def is_point(self) -> bool:
        return self.end_ms == self.start_ms

    def check_inside(self, duration_ms: int) -> None:
        if self.end_ms > duration_ms:
            raise InvalidInput(
                f"The moment ends at {self.end_ms} ms, after the clip's end ({duration_ms} ms)."
            )


def play_span(start_ms: int, end_ms: int, duration_ms: int) -> tuple[int, int]:
    """The stretch of the clip a moment shows to the carer (joint review and reel): a range as
    marked, a point with a few seconds around it, inside the clip."""
    if end_ms > start_ms:
        return start_ms, min(end_ms, duration_ms)
    start = max(0, start_ms - POINT_BEFORE_MS)
    return start, max(start + 1, min(duration_ms, start_ms + POINT_AFTER_MS))
