"""Times as people type them (`HH:MM:SS.mmm`) to and from integer milliseconds."""

from __future__ import annotations

import re

from vfb.errors import InvalidInput

_TIMECODE = re.compile(r"^(?:(?:(\d+):)?([0-5]?\d):)?([0-5]?\d|\d+)(?:\.(\d{1,3}))?$")


def parse_timecode(text: str) -> int:
    """`01:02:03.456`, `2:03.5`, `83.25` or `83` → milliseconds."""
    match = _TIMECODE.match(text.strip())
    if match is None:
        raise InvalidInput(f"{text!r} is not a time; write it as HH:MM:SS.mmm, e.g. 00:01:30.500.")
    hours, minutes, seconds, fraction = match.groups()
    if (hours or minutes) and int(seconds) > 59:
        raise InvalidInput(f"{text!r} is not a time: seconds go up to 59.")
    ms = int((fraction or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds)) * 1000 + ms


def format_timecode(ms: int) -> str:
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"
