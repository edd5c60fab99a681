"""CSV that a spreadsheet opens as data: the one rule every CSV vfb writes goes through, so that a
child's record or a team name can never run as a formula on a manager's computer."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

# What Excel, LibreOffice and Google Sheets take as the start of a formula (a tab or a carriage
# return first is skipped by some of them, so those count too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that starts like a formula gets an apostrophe in front (shown as text, the
    apostrophe hidden). Numbers are left as numbers, negative ones too: a number cannot hold a
    formula, and a count must stay something a spreadsheet can add up."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value  # text that already starts '= keeps its own apostrophe
    return value


def as_written(text: str) -> str:
    """A cell's text as it was before `safe_cell` (for reading vfb's own CSV back)."""
    if text[:1] == "'" and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


class SafeWriter:
    """`csv.writer`, with every cell through `safe_cell`."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])
