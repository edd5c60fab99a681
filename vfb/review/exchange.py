"""A clip's moments as vfb's own CSV (for spreadsheets) and back without losing anything; the
other formats are beside it: ELAN in `elan`, WebVTT in `webvtt`, other tools' CSVs in
`csv_import`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from vfb.capture.timecode import format_timecode
from vfb.errors import InvalidInput
from vfb.review.moments import MarkedMoment
from vfb.spreadsheet import SafeWriter, as_written

CSV_COLUMNS = (
    "start", "end", "start_ms", "end_ms", "category", "note", "share_with_carer", "caption",
    "child_words",
)  # fmt: skip


def _ordered(moments: Iterable[MarkedMoment]) -> list[MarkedMoment]:
    return sorted(moments, key=lambda m: (m.start_ms, m.end_ms, m.category, m.note))


# -- CSV ----------------------------------------------------------------------------------------


def to_csv(moments: Iterable[MarkedMoment]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for m in _ordered(moments):
        writer.writerow(
            [
                format_timecode(m.start_ms),
                format_timecode(m.end_ms),
                m.start_ms,
                m.end_ms,
                m.category,
                m.note,
                "yes" if m.share_with_carer else "no",
                m.caption,
                m.child_words,
            ]
        )
    return out.getvalue()


def from_csv(text: str) -> list[MarkedMoment]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"start_ms", "end_ms", "category"} - set(reader.fieldnames or ())
    if missing:
        raise InvalidInput(f"The CSV has no column {', '.join(sorted(missing))}.")
    moments = []
    for line, row in enumerate(reader, start=2):
        try:
            start, end = int(row["start_ms"]), int(row["end_ms"])
        except (TypeError, ValueError):
            raise InvalidInput(
                f"Line {line} of the CSV: start_ms and end_ms must be whole numbers."
            ) from None
        note = as_written(row.get("note") or "")
        caption = as_written(row.get("caption") or "")
        child_words = as_written(row.get("child_words") or "")
        share = (row.get("share_with_carer") or "").strip().lower() in ("yes", "true", "1")
        try:
            category = (row["category"] or "").strip()
            moments.append(MarkedMoment(start, end, category, note, share, caption, child_words))
        except InvalidInput as error:
            raise InvalidInput(f"Line {line} of the CSV: {error.detail}") from None
    return moments
