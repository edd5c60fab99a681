"""A clip's moments in the formats other tools read: CSV (spreadsheets), WebVTT (a `<track>` for
any player) and ELAN's `.eaf` (one tier per category, the media linked); and back from CSV and
EAF without losing anything (times to the millisecond, notes, categories, sharing)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime

from vfb.capture.timecode import format_timecode
from vfb.errors import InvalidInput
from vfb.review.moments import Moment
from vfb.spreadsheet import SafeWriter, as_written

CSV_COLUMNS = (
    "start", "end", "start_ms", "end_ms", "category", "note", "share_with_carer", "caption",
)  # fmt: skip
SHARE_TIER = "vfb:share_with_carer"  # an EAF tier marking, by category, what the carer may see
CAPTION_TIER = "vfb:caption"  # an EAF tier holding "category: caption" for the carer's words
EAF_NS = "http://www.w3.org/2001/XMLSchema-instance"


def _ordered(moments: Iterable[Moment]) -> list[Moment]:
    return sorted(moments, key=lambda m: (m.start_ms, m.end_ms, m.category, m.note))


# -- CSV ----------------------------------------------------------------------------------------


def to_csv(moments: Iterable[Moment]) -> str:
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
            ]
        )
    return out.getvalue()


def from_csv(text: str) -> list[Moment]:
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
        share = (row.get("share_with_carer") or "").strip().lower() in ("yes", "true", "1")
        try:
            category = (row["category"] or "").strip()
            moments.append(Moment(start, end, category, note, share, caption))
        except InvalidInput as error:
            raise InvalidInput(f"Line {line} of the CSV: {error.detail}") from None
    return moments


# -- WebVTT -------------------------------------------------------------------------------------


def to_webvtt(moments: Iterable[Moment], labels: dict[str, str] | None = None) -> str:
    """Cues for a `<track>`: a point moment shows for one second, so that it can be seen."""
    labels = labels or {}
    lines = ["WEBVTT", ""]
    for n, m in enumerate(_ordered(moments), start=1):
        end = m.end_ms if not m.is_point else m.start_ms + 1000
        label = labels.get(m.category, m.category)
        text = f"{label}: {m.note}" if m.note else label
        text = text.replace("-->", "→").replace("\n\n", "\n")
        lines += [f"moment-{n}", f"{format_timecode(m.start_ms)} --> {format_timecode(end)}"]
        lines += [text, ""]
    return "\n".join(lines)


# -- ELAN EAF -----------------------------------------------------------------------------------


def to_eaf(moments: Iterable[Moment], *, media_url: str, author: str = "vfb") -> str:
    ordered = _ordered(moments)
    root = ET.Element(
        "ANNOTATION_DOCUMENT",
        {
            "AUTHOR": author,
            "DATE": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "FORMAT": "3.0",
            "VERSION": "3.0",
            f"{{{EAF_NS}}}noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        },
    )
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    ET.SubElement(header, "MEDIA_DESCRIPTOR", {"MEDIA_URL": media_url, "MIME_TYPE": "video/mp4"})
    order = ET.SubElement(root, "TIME_ORDER")
    slots: dict[int, str] = {}
    for ms in sorted({t for m in ordered for t in (m.start_ms, m.end_ms)}):
        slots[ms] = f"ts{len(slots) + 1}"
        ET.SubElement(order, "TIME_SLOT", {"TIME_SLOT_ID": slots[ms], "TIME_VALUE": str(ms)})
    tiers: dict[str, ET.Element] = {}
    count = 0

    def annotate(tier: str, m: Moment, value: str) -> None:
        nonlocal count
        if tier not in tiers:
            tiers[tier] = ET.SubElement(
                root, "TIER", {"LINGUISTIC_TYPE_REF": "default-lt", "TIER_ID": tier}
            )
        count += 1
        annotation = ET.SubElement(ET.SubElement(tiers[tier], "ANNOTATION"), "ALIGNABLE_ANNOTATION")
        annotation.attrib.update(
            {
                "ANNOTATION_ID": f"a{count}",
                "TIME_SLOT_REF1": slots[m.start_ms],
                "TIME_SLOT_REF2": slots[m.end_ms],
            }
        )
        ET.SubElement(annotation, "ANNOTATION_VALUE").text = value

    for m in ordered:
        annotate(m.category, m, m.note)
    for m in ordered:
        if m.share_with_carer:
            annotate(SHARE_TIER, m, m.category)
    for m in ordered:
        if m.caption:
            annotate(CAPTION_TIER, m, f"{m.category}: {m.caption}")
    ET.SubElement(
        root,
        "LINGUISTIC_TYPE",
        {
            "GRAPHIC_REFERENCES": "false",
            "LINGUISTIC_TYPE_ID": "default-lt",
            "TIME_ALIGNABLE": "true",
        },
    )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def from_eaf(text: str) -> list[Moment]:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise InvalidInput("This .eaf file declares a DTD or entities, which vfb does not read.")
    try:
        root = ET.fromstring(text)  # noqa: S314 (no DTD, so no entities: refused above)
    except ET.ParseError as error:
        raise InvalidInput(f"This is not an ELAN .eaf file vfb can read ({error}).") from None
    if root.tag != "ANNOTATION_DOCUMENT":
        raise InvalidInput("This is not an ELAN .eaf file (no ANNOTATION_DOCUMENT).")
    times = {slot.get("TIME_SLOT_ID"): slot.get("TIME_VALUE") for slot in root.iter("TIME_SLOT")}

    def span(annotation: ET.Element) -> tuple[int, int]:
        try:
            start = times[annotation.get("TIME_SLOT_REF1")]
            end = times[annotation.get("TIME_SLOT_REF2")]
            return int(start or ""), int(end or "")
        except (KeyError, ValueError):
            raise InvalidInput(
                f"Annotation {annotation.get('ANNOTATION_ID')} of the .eaf file has no time."
            ) from None

    shared: set[tuple[int, int, str]] = set()
    captions: dict[tuple[int, int, str], str] = {}
    found: list[tuple[int, int, str, str]] = []
    for tier in root.iter("TIER"):
        name = tier.get("TIER_ID") or ""
        for annotation in tier.iter("ALIGNABLE_ANNOTATION"):
            start, end = span(annotation)
            value = annotation.findtext("ANNOTATION_VALUE") or ""
            if name == SHARE_TIER:
                shared.add((start, end, value))
            elif name == CAPTION_TIER:
                category, _, caption = value.partition(": ")
                captions[(start, end, category)] = caption
            else:
                found.append((start, end, name, value))
    return [
        Moment(
            start,
            end,
            category,
            note,
            (start, end, category) in shared,
            captions.get((start, end, category), ""),
        )
        for start, end, category, note in found
    ]
