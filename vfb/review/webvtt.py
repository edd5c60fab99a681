"""WebVTT tracks of a clip's moments: the carer's captions (what the joint review and the reels
show: the caption, and the child's words as a `<v Child>` voice) and the team's notes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from vfb.capture.timecode import format_timecode
from vfb.review.moments import MarkedMoment

Track = Literal["captions", "notes"]
POINT_SHOWN_MS = 1000  # a point moment's cue shows for a second, so that it can be read
LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def cue_text(text: str) -> str:
    """Text a cue can hold: `&`, `<` and `>` escaped (so `-->` cannot end the cue's timing
    either), and no blank line, which would end the cue."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join(line for line in LINE_BREAKS.split(escaped) if line.strip())


def to_webvtt(
    moments: Iterable[MarkedMoment], labels: dict[str, str] | None = None, track: Track = "captions"
) -> str:
    """`captions`: the moments shared with the carer, each with its caption (or its category's
    name) and the child's words; `notes`: every moment with its category and the worker's note."""
    labels = labels or {}
    lines = ["WEBVTT", ""]
    ordered = sorted(moments, key=lambda m: (m.start_ms, m.end_ms, m.category, m.note))
    number = 0
    for m in ordered:
        label = labels.get(m.category, m.category)
        if track == "captions":
            if not m.share_with_carer:
                continue
            text = cue_text(m.caption or label)
            words = cue_text(" ".join(LINE_BREAKS.split(m.child_words)))
            if words:
                text += f"\n<v Child>{words}</v>"
        else:
            text = cue_text(f"{label}: {m.note}" if m.note else label) or cue_text(label)
        number += 1
        end = m.start_ms + POINT_SHOWN_MS if m.is_point else m.end_ms
        lines += [f"moment-{number}", f"{format_timecode(m.start_ms)} --> {format_timecode(end)}"]
        lines += [text, ""]
    return "\n".join(lines)
