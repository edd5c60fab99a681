"""A file of moments from another tool (ELAN, BORIS, Datavyu, vfb's own), read but not yet added:
each annotation or event under the name it was coded with, turned into moments through a mapping
the worker confirms (name → category, dependent tier → note, caption, child's words or share, or
skip), with what is outside the clip and what was not imported said in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vfb.capture.timecode import format_timecode
from vfb.errors import InvalidInput
from vfb.review.moments import MarkedMoment

SKIP = ""  # a mapping's target that leaves a tier, behaviour or dependent tier out
FIELDS = ("note", "caption", "child_words", "share")  # what a dependent tier can become
FIELD_WORDS = {
    "note": "the note",
    "caption": "the caption",
    "child_words": "the child's words",
    "share": "share with the carer",
}
YES = frozenset({"yes", "y", "true", "1", "share", "shared", "x", "✓"})


@dataclass(frozen=True)
class Coded:
    """One annotation (ELAN) or event (BORIS, Datavyu) as the file has it."""

    start_ms: int
    end_ms: int
    source: str  # the tier, behaviour or column it was coded under
    note: str = ""
    where: str = ""  # e.g. "annotation a12" or "line 24": how a report names it
    fields: tuple[tuple[str, str], ...] = ()  # (dependent tier, its value) for this annotation
    point: bool = False  # known to be a point (BORIS POINT event, a one-frame vfb moment)


@dataclass(frozen=True)
class Source:
    """A name things were coded under, as the mapping dialog lists it."""

    name: str
    count: int
    kind: Literal["moments", "field"]  # a tier of moments, or a tier of one field of theirs
    proposed: str | None  # a category code (moments) or a field (field); None: the worker chooses
    parent: str = ""  # for a field: the tier whose annotations it belongs to


@dataclass
class Reading:
    format: str  # "vfb" (vfb's own export), "eaf", "boris", "datavyu", "columns"
    coded: list[Coded]
    sources: list[Source]
    not_read: list[str] = field(default_factory=list)  # what vfb cannot import, in words
    columns: dict[str, str] = field(default_factory=dict)  # a CSV's column mapping
    header: list[str] = field(default_factory=list)  # a CSV's columns, to choose from


@dataclass
class Plan:
    moments: list[MarkedMoment]
    outside: list[Coded]  # whole or part after the clip's end: skipped with the worker's say-so
    skipped: list[str]  # what will not be imported, and why, in words
    undecided: list[str]  # tiers or behaviours no category was chosen for


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def propose(name: str, categories: dict[str, str]) -> str | None:
    """The category a tier or behaviour is, when its name says so (code or label, any case)."""
    wanted = name.strip().casefold()
    for code, label in categories.items():
        if wanted in (code.casefold(), label.casefold()):
            return code
    return None


def _chosen(reading: Reading, mapping: dict[str, str]) -> dict[str, str | None]:
    return {s.name: mapping.get(s.name, s.proposed) for s in reading.sources}


def plan(
    reading: Reading,
    *,
    mapping: dict[str, str],
    categories: dict[str, str],
    duration_ms: int,
    frame_ms: int = 0,
) -> Plan:
    """The moments the file makes with the worker's mapping over the proposed one."""
    chosen = _chosen(reading, mapping)
    by_name = {s.name: s for s in reading.sources}
    for name, target in mapping.items():
        source = by_name.get(name)
        if source is None:
            raise InvalidInput(f"The file has no tier or behaviour called {name!r}.")
        allowed = categories if source.kind == "moments" else FIELDS
        if target != SKIP and target not in allowed:
            what = (
                "a category of the programme's scheme"
                if source.kind == "moments"
                else ("note, caption, child_words or share")
            )
            raise InvalidInput(f"{name!r} can become {what}, or be skipped; not {target!r}.")
    skipped = list(reading.not_read)
    undecided = [s.name for s in reading.sources if s.kind == "moments" and chosen[s.name] is None]
    for s in reading.sources:
        goal = chosen[s.name]
        if s.kind == "moments" and goal == SKIP:
            skipped.append(f"{s.name}: {plural(s.count, 'annotation')} skipped, as you chose.")
        elif s.kind == "field" and not goal:
            skipped.append(
                f"{s.name} (belongs to {s.parent}): {plural(s.count, 'annotation')} not imported; "
                "choose note, caption, child's words or share for it to keep them."
            )
        elif s.kind == "field" and chosen.get(s.parent) in (SKIP, None):
            skipped.append(f"{s.name}: not imported, as {s.parent} is skipped.")
    moments: list[MarkedMoment] = []
    outside: list[Coded] = []
    for coded in reading.coded:
        category = chosen.get(coded.source)
        if not category:
            continue
        if coded.end_ms > duration_ms:
            outside.append(coded)
            continue
        moments.append(_moment(coded, category, chosen, frame_ms))
    return Plan(moments, outside, skipped, undecided)


def _moment(
    coded: Coded, category: str, chosen: dict[str, str | None], frame_ms: int
) -> MarkedMoment:
    values: dict[str, list[str]] = {f: [] for f in FIELDS}
    if coded.note:
        values["note"].append(coded.note)
    for tier, value in coded.fields:
        target = chosen.get(tier)
        if target and value:
            values[target].append(value)
    # ELAN writes no zero-length annotation, so vfb exports a point as one frame: it comes back
    # a point, as does anything one frame long or less
    point = coded.point or 0 <= coded.end_ms - coded.start_ms <= frame_ms
    try:
        return MarkedMoment(
            coded.start_ms,
            coded.start_ms if point else coded.end_ms,
            category,
            " — ".join(values["note"]),
            any(v.strip().casefold() in YES for v in values["share"]),
            " — ".join(values["caption"]),
            " — ".join(values["child_words"]),
        )
    except InvalidInput as error:
        where = f"{coded.source}, {coded.where}" if coded.where else coded.source
        raise InvalidInput(
            f"{where} (at {format_timecode(coded.start_ms)}): {error.detail}"
        ) from None
