"""Moments from a CSV: vfb's own export, a BORIS events export (START/STOP rows paired, POINT
events as points), a Datavyu export (`<column>.onset`, `.offset` in ms) or any table, read
through a column mapping (which columns hold the times, in s or ms, and the behaviour)."""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from typing import Literal

from vfb.errors import InvalidInput
from vfb.review.imports import Coded, Reading, Source, plural, propose
from vfb.spreadsheet import as_written

Unit = Literal["s", "ms"]
TIMECODE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
STARTS = ("start_ms", "start (s)", "start", "onset", "begin", "time", "start time")
ENDS = ("end_ms", "stop (s)", "end", "stop", "offset", "end time", "stop time")
BEHAVIOURS = ("category", "behavior", "behaviour", "code", "event", "column")
STATUSES = ("status", "behavior type", "behaviour type")
NOTES = ("note", "comment", "comment start", "comments")
SUBJECTS = ("subject",)
VFB_FIELDS = {"caption": "caption", "share_with_carer": "share", "child_words": "child_words"}


@dataclass(frozen=True)
class Columns:
    """Which column holds what ("" for none), as proposed from the header or chosen."""

    format: str  # "vfb", "boris", "datavyu", "columns"
    start: str = ""
    end: str = ""
    behaviour: str = ""
    status: str = ""  # START / STOP / POINT, paired by behaviour (and subject)
    note: str = ""
    subject: str = ""
    unit: Unit = "s"

    def public(self) -> dict[str, str]:
        return asdict(self)


def _find(header: list[str], names: tuple[str, ...]) -> str:
    folded = {h.strip().casefold(): h for h in header}
    return next((folded[n] for n in names if n in folded), "")


def _rows(text: str) -> list[list[str]]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def detect(header: list[str]) -> Columns:
    """The columns a header most likely means, by the names BORIS, Datavyu and vfb give them."""
    names = {h.strip().casefold() for h in header}
    if {"start_ms", "end_ms", "category"} <= names:
        return Columns("vfb", "start_ms", "end_ms", "category", note=_find(header, ("note",)),
                       unit="ms")  # fmt: skip
    if any(h.endswith(".onset") for h in header):
        return Columns("datavyu", unit="ms")
    behaviour = _find(header, BEHAVIOURS)
    status = _find(header, STATUSES)
    start = _find(header, STARTS)
    end = _find(header, ENDS) if not status else ""
    boris = "behavior" in names and ("status" in names or "start (s)" in names)
    unit: Unit = "ms" if "ms" in start.casefold() or "onset" in start.casefold() else "s"
    return Columns(
        "boris" if boris else "columns",
        start,
        end,
        behaviour,
        status,
        _find(header, NOTES),
        _find(header, SUBJECTS),
        unit,
    )


def header_of(text: str) -> tuple[int, list[str]]:
    """The row that names the columns: BORIS writes lines about the observation above it."""
    rows = _rows(text.lstrip("\ufeff"))
    for n, row in enumerate(rows[:200]):
        found = detect(row)
        if found.format == "datavyu" or (found.start and found.behaviour):
            return n, row
    if not rows:
        raise InvalidInput("The CSV is empty.")
    return 0, rows[0]


def _ms(value: str, unit: Unit) -> int | None:
    value = value.strip()
    if not value or value.casefold() in ("na", "nan", "-"):
        return None
    match = TIMECODE.match(value)
    if match:
        hours, minutes, seconds = match.groups()
        return round((int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    # a decimal comma (as spreadsheets in much of Europe write it) is read as a point
    number = float(value.replace(",", ".") if value.count(",") == 1 and "." not in value else value)
    if not math.isfinite(number):
        raise ValueError(value)
    return round(number if unit == "ms" else number * 1000)


def read_csv(text: str, categories: dict[str, str], chosen: Columns | None = None) -> Reading:
    at, header = header_of(text)
    columns = detect(header)
    if chosen is not None:
        columns = replace(chosen, format=columns.format if columns.format != "vfb" else "columns")
    rows = _rows(text.lstrip("\ufeff"))[at + 1 :]
    if columns.format == "datavyu":
        reading = _datavyu(header, rows, at)
    else:
        wanted = (("the start", columns.start), ("the behaviour", columns.behaviour))
        missing = [words for words, column in wanted if column not in header]
        if missing:
            raise InvalidInput(
                f"vfb cannot tell which column holds {' or '.join(missing)}: choose them from "
                f"the file's columns ({', '.join(h for h in header if h)})."
            )
        reading = _table(header, rows, at, columns)
    reading.sources = [
        replace(s, proposed=propose(s.name, categories)) if s.kind == "moments" else s
        for s in reading.sources
    ]
    reading.columns = columns.public()
    reading.header = header
    return reading


def _table(header: list[str], rows: list[list[str]], at: int, columns: Columns) -> Reading:
    index = {h: n for n, h in enumerate(header)}

    def cell(row: list[str], name: str) -> str:
        n = index.get(name)
        return row[n].strip() if name and n is not None and n < len(row) else ""

    coded: list[Coded] = []
    not_read: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    extra_columns = [c for c in VFB_FIELDS if c in index] if columns.format == "vfb" else []
    open_: dict[tuple[str, str], tuple[int, int, str]] = {}
    for line, row in enumerate(rows, start=at + 2):
        if not any(v.strip() for v in row):
            continue
        behaviour = cell(row, columns.behaviour)
        try:
            start = _ms(cell(row, columns.start), columns.unit)
            end = _ms(cell(row, columns.end), columns.unit) if columns.end else start
        except ValueError:
            not_read.append(f"Line {line}: its time is not a number, not imported.")
            continue
        if start is None or end is None or not behaviour:
            not_read.append(f"Line {line}: no time or no behaviour, not imported.")
            continue
        raw_note = cell(row, columns.note)
        note = as_written(raw_note) if columns.format == "vfb" else raw_note
        subject = cell(row, columns.subject)
        if subject and columns.format != "vfb":
            note = f"{subject}: {note}" if note else subject
        status = cell(row, columns.status).upper()
        key = (subject, behaviour)
        where = f"line {line}"
        if status == "START":
            if key in open_:
                not_read.append(f"Line {open_[key][1]}: {behaviour} started again before it "
                                "stopped; that start is not imported.")  # fmt: skip
            open_[key] = (start, line, note)
            continue
        if status == "STOP":
            if key not in open_:
                not_read.append(f"Line {line}: {behaviour} stopped without a start, not imported.")
                continue
            start, begun_on, first_note = open_.pop(key)
            note = " — ".join(dict.fromkeys(n for n in (first_note, note) if n))
            where = f"lines {begun_on}–{line}"
        fields = tuple((c, as_written(cell(row, c))) for c in extra_columns)
        coded.append(Coded(start, end, behaviour, note, where, fields,
                           point=status == "POINT"))  # fmt: skip
        counts[behaviour] += 1
    for (_, behaviour), (_, line, _) in open_.items():
        not_read.append(f"Line {line}: {behaviour} started but never stopped, not imported.")
    sources = [Source(name, count, "moments", None) for name, count in counts.items()]
    for column in extra_columns:
        sources.append(Source(column, len(coded), "field", VFB_FIELDS[column], "every row"))
    return Reading(columns.format, coded, sources, not_read)


def _datavyu(header: list[str], rows: list[list[str]], at: int) -> Reading:
    """Datavyu puts each of its columns side by side: `<name>.ordinal`, `.onset`, `.offset`
    (ms) and a value per code (`<name>.code01`, …); a row holds one cell of each."""
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for n, name in enumerate(header):
        column, dot, part = name.rpartition(".")
        if dot:
            groups[column][part] = n
    coded: list[Coded] = []
    not_read: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    for column, parts in groups.items():
        if "onset" not in parts:
            continue
        codes = [n for part, n in parts.items() if part not in ("ordinal", "onset", "offset")]
        for line, row in enumerate(rows, start=at + 2):

            def cell(n: int, row: list[str] = row) -> str:
                return row[n].strip() if n < len(row) else ""

            if not cell(parts["onset"]):
                continue
            try:
                start = _ms(cell(parts["onset"]), "ms")
                end = _ms(cell(parts["offset"]), "ms") if "offset" in parts else start
            except ValueError:
                not_read.append(f"Line {line}, {column}: its time is not a number, not imported.")
                continue
            if start is None:
                continue
            end = start if end is None or end < start else end
            note = "; ".join(v for v in (cell(n) for n in codes) if v)
            coded.append(Coded(start, end, column, note, f"line {line}"))
            counts[column] += 1
    sources = [Source(name, count, "moments", None) for name, count in counts.items()]
    if not coded:
        not_read.append("No Datavyu cell with an onset was found.")
    return Reading("datavyu", coded, sources, not_read)


def describe(reading: Reading) -> str:
    return f"{plural(len(reading.coded), 'event')} under {plural(len(reading.sources), 'name')}"
