"""ELAN's `.eaf`, the ELAN way: one tier per category with the scheme as a controlled vocabulary,
and each moment's note, caption, child's words and share as dependent tiers of its annotation
(so they move with it); and any ELAN file read back, unaligned time slots interpolated."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from bisect import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from vfb.errors import InvalidInput
from vfb.review.imports import Coded, Reading, Source, plural, propose
from vfb.review.moments import MarkedMoment

XSI = "http://www.w3.org/2001/XMLSchema-instance"
MOMENT_TYPE = "vfb-moment"
CATEGORY_CV = "vfb-categories"
SHARE_CV = "vfb-share"
# the dependent tiers vfb writes, as "<prefix>@<category>": (field, linguistic type)
DEPENDENTS = {
    "note": ("note", "vfb-note"),
    "caption": ("caption", "vfb-caption"),
    "child-words": ("child_words", "vfb-child-words"),
    "share": ("share", "vfb-share"),
}
NAMED_FIELDS = {"note": "note", "notes": "note", "comment": "note", "comments": "note"} | {
    "caption": "caption", "captions": "caption", "child words": "child_words",
    "child-words": "child_words", "child_words": "child_words", "share": "share",
}  # fmt: skip
CONSTRAINTS = {
    "Time_Subdivision": "Time subdivision of parent annotation's time interval, no time gaps "
    "allowed within this interval",
    "Symbolic_Subdivision": "Symbolic subdivision of a parent annotation. Annotations refering "
    "to the same parent are ordered",
    "Symbolic_Association": "1-1 association with a parent annotation",
    "Included_In": "Time alignable annotations within the parent annotation's time interval, "
    "gaps are allowed",
}


MEDIA_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def clip_file_name(clip_id: str, ext: str = ".mp4") -> str:
    """The name a clip's file downloads as, and the one an .eaf export links it by."""
    return f"clip-{clip_id}{ext}"


def media_type_of(name: str) -> str:
    """The MIME type of a clip's file, by its name's ending (MP4 or WebM)."""
    return MEDIA_TYPES.get(name[name.rfind(".") :].lower(), "video/mp4")


def frame_ms(fps: float | None) -> int:
    """One frame, in whole ms (a point moment's length in ELAN); 40 ms when the rate is unknown."""
    return max(1, round(1000 / fps)) if fps and fps > 0 else 40


# -- export -------------------------------------------------------------------------------------


def to_eaf(
    moments: Iterable[MarkedMoment],
    *,
    media_name: str,
    categories: dict[str, str],
    one_frame_ms: int = 40,
    author: str = "vfb",
) -> str:
    """`categories` is the scheme's code → label, each a tier (empty ones too, to code in)."""
    ordered = sorted(moments, key=lambda m: (m.start_ms, m.end_ms, m.category, m.note))
    codes = list(categories) + sorted({m.category for m in ordered} - set(categories))
    root = ET.Element(
        "ANNOTATION_DOCUMENT",
        {
            "AUTHOR": author,
            "DATE": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "FORMAT": "3.0",
            "VERSION": "3.0",
            f"{{{XSI}}}noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        },
    )
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    ET.SubElement(
        header,
        "MEDIA_DESCRIPTOR",
        {
            "MEDIA_URL": media_name,
            "MIME_TYPE": media_type_of(media_name),
            "RELATIVE_MEDIA_URL": f"./{media_name}",
        },
    )
    spans = [(m.start_ms, m.start_ms + one_frame_ms if m.is_point else m.end_ms) for m in ordered]
    order = ET.SubElement(root, "TIME_ORDER")
    slots: dict[int, str] = {}
    for ms in sorted({t for span in spans for t in span}):
        slots[ms] = f"ts{len(slots) + 1}"
        ET.SubElement(order, "TIME_SLOT", {"TIME_SLOT_ID": slots[ms], "TIME_VALUE": str(ms)})
    tiers = {code: _tier(root, code, MOMENT_TYPE) for code in codes}
    dependents = {
        (prefix, code): _tier(root, f"{prefix}@{code}", kind, parent=code)
        for code in codes
        for prefix, (_, kind) in DEPENDENTS.items()
    }
    count = 0
    for m, (start, end) in zip(ordered, spans, strict=True):
        count += 1
        own = f"a{count}"
        holder = ET.SubElement(tiers[m.category], "ANNOTATION")
        annotation = ET.SubElement(holder, "ALIGNABLE_ANNOTATION")
        annotation.attrib.update(
            {
                "ANNOTATION_ID": own,
                "CVE_REF": m.category,
                "TIME_SLOT_REF1": slots[start],
                "TIME_SLOT_REF2": slots[end],
            }
        )
        ET.SubElement(annotation, "ANNOTATION_VALUE").text = m.category
        values = {
            "note": m.note,
            "caption": m.caption,
            "child-words": m.child_words,
            "share": "yes" if m.share_with_carer else "",
        }
        for prefix, value in values.items():
            if not value:
                continue
            count += 1
            ref = ET.SubElement(
                ET.SubElement(dependents[(prefix, m.category)], "ANNOTATION"),
                "REF_ANNOTATION",
                {"ANNOTATION_ID": f"a{count}", "ANNOTATION_REF": own},
            )
            if prefix == "share":
                ref.set("CVE_REF", "yes")
            ET.SubElement(ref, "ANNOTATION_VALUE").text = value
    ET.SubElement(header, "PROPERTY", {"NAME": "lastUsedAnnotationId"}).text = str(count)
    _types(root)
    ET.SubElement(root, "LANGUAGE", {"LANG_ID": "eng", "LANG_LABEL": "English (eng)"})
    for stereotype, words in CONSTRAINTS.items():
        ET.SubElement(root, "CONSTRAINT", {"DESCRIPTION": words, "STEREOTYPE": stereotype})
    _vocabulary(root, CATEGORY_CV, "The coding scheme's categories", categories)
    _vocabulary(root, SHARE_CV, "Shown to the carer", {"yes": "Shown to the carer"})
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    # XML reads a bare carriage return as a line feed: written as a reference, it stays one
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text.replace("\r", "&#13;") + "\n"


def _tier(root: ET.Element, name: str, kind: str, parent: str = "") -> ET.Element:
    attributes = {"LINGUISTIC_TYPE_REF": kind, "TIER_ID": name}
    if parent:
        attributes["PARENT_REF"] = parent
    return ET.SubElement(root, "TIER", attributes)


def _types(root: ET.Element) -> None:
    ET.SubElement(
        root,
        "LINGUISTIC_TYPE",
        {
            "CONTROLLED_VOCABULARY_REF": CATEGORY_CV,
            "GRAPHIC_REFERENCES": "false",
            "LINGUISTIC_TYPE_ID": MOMENT_TYPE,
            "TIME_ALIGNABLE": "true",
        },
    )
    for prefix, (_, kind) in DEPENDENTS.items():
        attributes = {
            "CONSTRAINTS": "Symbolic_Association",
            "GRAPHIC_REFERENCES": "false",
            "LINGUISTIC_TYPE_ID": kind,
            "TIME_ALIGNABLE": "false",
        }
        if prefix == "share":
            attributes["CONTROLLED_VOCABULARY_REF"] = SHARE_CV
        ET.SubElement(root, "LINGUISTIC_TYPE", attributes)


def _vocabulary(root: ET.Element, name: str, words: str, entries: dict[str, str]) -> None:
    cv = ET.SubElement(root, "CONTROLLED_VOCABULARY", {"CV_ID": name})
    ET.SubElement(cv, "DESCRIPTION", {"LANG_REF": "eng"}).text = words
    for code, label in entries.items():
        entry = ET.SubElement(cv, "CV_ENTRY_ML", {"CVE_ID": code})
        ET.SubElement(entry, "CVE_VALUE", {"DESCRIPTION": label, "LANG_REF": "eng"}).text = code


# -- import -------------------------------------------------------------------------------------


def parse(text: str) -> ET.Element:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise InvalidInput("This .eaf file declares a DTD or entities, which vfb does not read.")
    try:
        root = ET.fromstring(text)  # noqa: S314 (no DTD, so no entities: refused above)
    except ET.ParseError as error:
        raise InvalidInput(f"This is not an ELAN .eaf file vfb can read ({error}).") from None
    if root.tag != "ANNOTATION_DOCUMENT":
        raise InvalidInput("This is not an ELAN .eaf file (no ANNOTATION_DOCUMENT).")
    return root


def slot_times(root: ET.Element) -> dict[str, int]:
    """Every time slot's time: ELAN leaves the inner slots of a subdivided annotation without
    one (it spreads them evenly when it shows them); so does this, along each tier's chain of
    annotations, then by the slots' order in the file for any left."""
    order = [s.get("TIME_SLOT_ID") or "" for s in root.iter("TIME_SLOT")]
    times: dict[str, int] = {}
    for slot in root.iter("TIME_SLOT"):
        value = slot.get("TIME_VALUE")
        if value is not None:
            try:
                number = float(value)
                if not math.isfinite(number):
                    raise ValueError(value)
                times[slot.get("TIME_SLOT_ID") or ""] = round(number)
            except ValueError:
                raise InvalidInput(f"Time slot {slot.get('TIME_SLOT_ID')} has no number.") from None
    if len(times) == len(order):
        return times
    for tier in root.iter("TIER"):
        following: dict[str, str] = {}
        for a in tier.iter("ALIGNABLE_ANNOTATION"):
            following[a.get("TIME_SLOT_REF1") or ""] = a.get("TIME_SLOT_REF2") or ""
        for start in [s for s in following if s in times]:
            path: list[str] = []
            here = following.get(start)
            while here and here not in times and here not in path:
                path.append(here)
                here = following.get(here)
            if here in times and path:
                _spread(times, path, times[start], times[here])
    known = [n for n, ident in enumerate(order) if ident in times]
    for n, ident in enumerate(order):
        if ident in times:
            continue
        place = bisect(known, n)
        if 0 < place < len(known):
            before, after = known[place - 1], known[place]
            t0, t1 = times[order[before]], times[order[after]]
            times[ident] = round(t0 + (t1 - t0) * (n - before) / (after - before))
    return times


def _spread(times: dict[str, int], path: list[str], start: int, end: int) -> None:
    steps = len(path) + 1
    for n, slot in enumerate(path, start=1):
        times[slot] = round(start + (end - start) * n / steps)


def read_eaf(text: str, categories: dict[str, str]) -> Reading:
    """What an ELAN file holds, each time-aligned tier proposed as the category it names."""
    root = parse(text)
    times = slot_times(root)
    types = {t.get("LINGUISTIC_TYPE_ID"): t for t in root.iter("LINGUISTIC_TYPE")}
    ours = any(t.get("TIER_ID", "").startswith("note@") for t in root.iter("TIER")) and (
        MOMENT_TYPE in types
    )
    aligned: dict[str, tuple[str, int]] = {}  # annotation → (its tier, its place in coded)
    refers: dict[str, str] = {}  # a REF annotation → the annotation it depends on
    coded: list[Coded] = []
    not_read: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    untimed: dict[str, int] = defaultdict(int)
    tiers = list(root.iter("TIER"))
    for tier in tiers:
        name = tier.get("TIER_ID") or ""
        own_tier = ours and tier.get("LINGUISTIC_TYPE_REF") == MOMENT_TYPE
        for a in tier.iter("ALIGNABLE_ANNOTATION"):
            ident = a.get("ANNOTATION_ID") or ""
            start, end = (
                times.get(a.get("TIME_SLOT_REF1") or ""),
                times.get(a.get("TIME_SLOT_REF2") or ""),
            )
            if start is None or end is None or end < start:
                untimed[name] += 1
                continue
            value = a.findtext("ANNOTATION_VALUE") or ""
            aligned[ident] = (name, len(coded))
            counts[name] += 1
            coded.append(
                Coded(
                    start,
                    end,
                    name,
                    "" if own_tier else value.strip(),
                    where=f"annotation {ident}",
                )
            )
        for a in tier.iter("REF_ANNOTATION"):
            refers[a.get("ANNOTATION_ID") or ""] = a.get("ANNOTATION_REF") or ""
    for name, count in untimed.items():
        not_read.append(f"{name}: {plural(count, 'annotation')} with no time, not imported.")

    def anchor(ident: str) -> str | None:
        seen: set[str] = set()
        while ident in refers and ident not in seen:
            seen.add(ident)
            ident = refers[ident]
        return ident if ident in aligned else None

    extra: dict[int, list[tuple[str, str]]] = defaultdict(list)
    sources: list[Source] = []
    for tier in tiers:
        name = tier.get("TIER_ID") or ""
        refs = list(tier.iter("REF_ANNOTATION"))
        if counts.get(name):
            sources.append(Source(name, counts[name], "moments", propose(name, categories)))
        if not refs:
            continue
        joined: dict[int, list[str]] = defaultdict(list)
        parents: set[str] = set()
        for a in refs:
            target = anchor(a.get("ANNOTATION_ID") or "")
            if target is None:
                continue
            parent, place = aligned[target]
            parents.add(parent)
            joined[place].append((a.findtext("ANNOTATION_VALUE") or "").strip())
        for place, values in joined.items():
            extra[place].append((name, " ".join(v for v in values if v)))
        if joined:
            sources.append(
                Source(
                    name,
                    len(refs),
                    "field",
                    _field_of(name),
                    parent=", ".join(sorted(parents)),
                )
            )
    coded = [
        Coded(c.start_ms, c.end_ms, c.source, c.note, c.where, tuple(extra[n]), c.point)
        if n in extra
        else c
        for n, c in enumerate(coded)
    ]
    return Reading("vfb" if ours else "eaf", coded, sources, not_read)


def _field_of(tier: str) -> str | None:
    prefix = tier.partition("@")[0] if "@" in tier else ""
    if prefix in DEPENDENTS:
        return DEPENDENTS[prefix][0]
    return NAMED_FIELDS.get(tier.strip().casefold())
