"""What part of a file a `Range` header asks for, by RFC 9110 §14 read strictly: one range of
bytes, digits only; anything else is ignored (the whole file) or, past the end, unsatisfiable."""

from __future__ import annotations

import re
from dataclasses import dataclass

# RFC 9110 §14.1.1: int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length.
# Written out digit by digit: `\d` and int() would also take "٣", "+3", " 3" and "3_0".
_RANGE_SPEC = re.compile(r"([0-9]*)-([0-9]*)")
_BIGGER_THAN_ANY_FILE = 1 << 63


@dataclass(frozen=True)
class Whole:
    """Serve the whole file (200): no Range, a malformed one, or more than one range."""


@dataclass(frozen=True)
class Part:
    """Serve bytes `first` to `last`, both included (206)."""

    first: int
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class Unsatisfiable:
    """Nothing of the file is in the range (416, `Content-Range: bytes */size`)."""


Answer = Whole | Part | Unsatisfiable


def _number(digits: str) -> int:
    """Digits as a number; beyond any file's size, a number too big to matter (int() of a
    header's worth of digits would be slow, or refused)."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= 18 else _BIGGER_THAN_ANY_FILE


def requested_range(header: str | None, size: int) -> Answer:
    """The part of a file of `size` bytes that `header` (the Range field's value) asks for.

    One range only: a multi-range request is answered whole (RFC 9110 lets a server ignore
    Range), as is any header that is not `bytes=first-last`, `bytes=first-` or `bytes=-suffix`
    with digits only (a syntax error makes the header ignored, §14.2). Empty list elements are
    skipped, as the list syntax says (§5.6.1). A `last` past the end stops at the end; a suffix
    longer than the file is the whole file, as a part."""
    if header is None:
        return Whole()
    unit, equals, ranges = header.strip().partition("=")
    if not equals or unit.lower() != "bytes":
        return Whole()
    specs = [spec.strip(" \t") for spec in ranges.split(",")]
    specs = [spec for spec in specs if spec]
    if len(specs) != 1:
        return Whole()
    found = _RANGE_SPEC.fullmatch(specs[0])
    if found is None:
        return Whole()
    first_digits, last_digits = found.groups()
    if not first_digits:
        if not last_digits:
            return Whole()  # "bytes=-" is no range at all
        suffix = _number(last_digits)
        if suffix == 0 or size == 0:
            return Unsatisfiable()
        return Part(max(size - suffix, 0), size - 1)
    first = _number(first_digits)
    last = _number(last_digits) if last_digits else None
    if last is not None and last < first:
        return Whole()  # invalid, so ignored (§14.1.1)
    if first >= size:
        return Unsatisfiable()
    return Part(first, size - 1 if last is None else min(last, size - 1))
