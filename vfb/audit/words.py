"""The audit trail in words, for the person reading it: what a row is about (a child's reference,
"clip 3 of 2 Dec 2026", "reel of 5 moments for Sam"), where to open it, and its detail with names
instead of ids ("changed: review highlights").

Worked out when the trail is read, from the stored row and what the reader may see (`Known`, which
the service fills with only the records in the reader's reach): a stored row is never changed (it is
a link in the hash chain), and a record the reader cannot see is never named. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

ID = r"[0-9a-f]{32}"


@dataclass(frozen=True)
class SessionFacts:
    number: int
    held_on: date | None


@dataclass(frozen=True)
class ClipFacts:
    number: int  # its place among its session's clips, oldest first, as the session page counts
    session: SessionFacts


@dataclass(frozen=True)
class ReelFacts:
    moments: int
    carers: tuple[str, ...]  # the programme's carers' names
    clip_id: str | None  # the clip of its first moment: its review page holds the reel


@dataclass(frozen=True)
class LinkFacts:
    carer: str
    reel_id: str


@dataclass(frozen=True)
class Known:
    """What the reader may see, by id (anything else is unnamed)."""

    children: Mapping[str, str] = field(default_factory=dict)  # id → reference
    users: Mapping[str, str] = field(default_factory=dict)  # id → username
    carers: Mapping[str, str] = field(default_factory=dict)  # id → display name
    sessions: Mapping[str, SessionFacts] = field(default_factory=dict)
    clips: Mapping[str, ClipFacts] = field(default_factory=dict)
    reels: Mapping[str, ReelFacts] = field(default_factory=dict)
    links: Mapping[str, LinkFacts] = field(default_factory=dict)
    consents: Mapping[str, str] = field(default_factory=dict)  # id → "Sam's filming consent"
    moments: Mapping[str, str] = field(default_factory=dict)  # id → its clip's id
    comments: Mapping[str, str] = field(default_factory=dict)  # id → its moment's id


@dataclass(frozen=True)
class Row:
    action: str
    target_type: str | None = None
    target_id: str | None = None
    child_id: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Said:
    about: str | None = None  # the record the row is about, in words
    href: str | None = None  # its page, when the reader may open it
    detail: str | None = None  # the rest, in words


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _iso_days(text: str) -> str:
    return re.sub(
        r"\b(\d{4})-(\d{2})-(\d{2})\b",
        lambda m: day(date(int(m[1]), int(m[2]), int(m[3]))),
        text,
    )


FIELD_WORDS = {
    "held_on": "date held",
    "offered_on": "date offered",
    "ended_on": "end date",
    "closed_on": "date closed",
    "identified_on": "date identified",
    "given_on": "date given",
    "withdrawn_on": "date withdrawn",
    "completed_on": "date completed",
    "measured_on": "date measured",
    "occurred_on": "date",
    "date_of_birth": "date of birth",
    "reviewed_with_carer": "reviewed with the carer",
    "share_with_carer": "shared with the carer",
    "start_ms": "start",
    "end_ms": "end",
    "moment_ids": "moments",
    "carer_ids": "carers",
    "display_name": "name",
}


def field_words(name: str) -> str:
    """`review_highlights` → "review highlights", `worker_id` → "worker"."""
    if name in FIELD_WORDS:
        return FIELD_WORDS[name]
    return name.removesuffix("_id").replace("_", " ")


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def session_words(facts: SessionFacts) -> str:
    when = f" of {day(facts.held_on)}" if facts.held_on else ""
    return f"session {facts.number}{when}"


def clip_words(facts: ClipFacts) -> str:
    held = facts.session.held_on
    return (
        f"clip {facts.number} of {day(held)}"
        if held
        else f"clip {facts.number} of session {facts.session.number}"
    )


def reel_words(facts: ReelFacts) -> str:
    said = f"reel of {facts.moments} moment{'' if facts.moments == 1 else 's'}"
    return f"{said} for {_names(facts.carers)}" if facts.carers else said


RECORD_WORDS = {
    "child": "the child's record",
    "carer": "a carer",
    "assessment": "an assessment",
    "carer_score": "a carer score",
    "placement_breakdown": "a placement breakdown",
    "programme": "the programme",
    "consent": "a consent",
    "session": "a session",
    "clip": "a clip",
    "moment": "a moment",
    "carer_comment": "a carer's comment",
    "reel": "a reel",
    "share_link": "a share link",
    "user": "an account",
    "team": "a team",
}


def _about(row: Row, known: Known) -> tuple[str | None, str | None]:
    """The record in words, and its page if the reader may open it."""
    kind, ident = row.target_type, row.target_id or ""
    child = row.child_id if row.child_id in known.children else None
    child_page = f"/children/{child}" if child else None
    if kind == "child" and child:
        return known.children[child], child_page
    if kind == "carer" and ident in known.carers:
        return known.carers[ident], child_page
    if kind == "consent" and ident in known.consents:
        return known.consents[ident], child_page
    if kind == "session" and ident in known.sessions:
        return session_words(known.sessions[ident]), f"/sessions/{ident}"
    if kind == "clip" and ident in known.clips:
        return clip_words(known.clips[ident]), f"/clips/{ident}"
    moment = known.comments.get(ident) if kind == "carer_comment" else ident
    if kind in ("moment", "carer_comment") and moment is not None and moment in known.moments:
        clip_id = known.moments[moment]
        on = f" on {clip_words(known.clips[clip_id])}" if clip_id in known.clips else ""
        said = ("a moment" if kind == "moment" else "a carer's comment") + on
        return said, f"/clips/{clip_id}/review"
    reel = known.links[ident].reel_id if kind == "share_link" and ident in known.links else ident
    if kind in ("reel", "share_link") and reel in known.reels:
        facts = known.reels[reel]
        said = reel_words(facts)
        if kind == "share_link":
            said = f"share link for {known.links[ident].carer}"
        return said, f"/clips/{facts.clip_id}/review" if facts.clip_id else child_page
    if kind in ("user", "team"):  # no page for a manager; the stored detail names them
        return None, None
    if row.action.startswith("report."):
        return "the dashboard", "/dashboard"
    if kind is None:
        return None, None
    return RECORD_WORDS.get(kind, kind.replace("_", " ")), child_page


def _clip_made(detail: str, known: Known) -> str:
    if detail == "upload":
        return "imported from a file"
    if detail == "recording":
        return "recorded in vfb"
    trim = re.fullmatch(rf"trim of ({ID})(?:, (.+))?", detail)
    if trim is None:
        return detail
    parent = known.clips.get(trim[1])
    said = f"trimmed from {clip_words(parent)}" if parent else "trimmed from another clip"
    return f"{said} at {trim[2]}" if trim[2] else said


def _share_made(detail: str, known: Known) -> str:
    made = re.fullmatch(rf"for (.+), reel ({ID}), until (\d{{4}}-\d\d-\d\d) (\d\d:\d\d)Z", detail)
    if made is None:
        return detail
    reel = known.reels.get(made[2])
    what = reel_words(replace(reel, carers=())) if reel else "a reel"
    return f"for {made[1]}: {what}, open until {_iso_days(made[3])} {made[4]} (UTC)"


def _filters(detail: str, known: Known) -> str:
    said = re.sub(
        rf"\bchild ({ID})",
        lambda m: f"child {known.children.get(m[1], '(not in your team)')}",
        detail,
    )
    said = re.sub(
        rf"\buser ({ID})", lambda m: f"person {known.users.get(m[1], '(not in your team)')}", said
    )
    said = re.sub(
        r"\baction ([a-z_.]+)", lambda m: f"kind {m[1].rstrip('.').replace('_', ' ')}", said
    )
    return _iso_days(said)


SIGN_IN_WORDS = {"cookie": "on the sign-in page", "bearer": "with a token (an app or a script)"}


def consent_words(carer: str, scope: str) -> str:
    """ "Sam's filming consent", "Sam's consent to share with the carer"."""
    if scope == "share_with_carer":
        return f"{carer}'s consent to share with them"
    return f"{carer}'s {scope.replace('_', ' ')} consent"


def _detail(row: Row, known: Known) -> str | None:
    detail = row.detail
    if not detail:
        return None
    if row.action == "sign_in" and detail in SIGN_IN_WORDS:
        return SIGN_IN_WORDS[detail]
    verb = row.action.rsplit(".", 1)[-1]
    if verb == "update" and detail.startswith("changed: "):
        fields = [f.strip() for f in detail.removeprefix("changed: ").split(",")]
        return "changed: " + ", ".join(field_words(f) for f in fields if f)
    if row.action == "clip.create":
        return _clip_made(detail, known)
    if row.action == "share_link.create":
        return _share_made(detail, known)
    if row.action in ("audit.read", "audit.export", "report.statement3"):
        return _filters(detail, known)
    if row.action == "moments.export":
        return f"as {detail.replace(' ', ', ')}"
    return detail  # a kind written in words already, or one this does not know: as stored


def describe(row: Row, known: Known) -> Said:
    """The row in words for a reader who may see `known`."""
    about, href = _about(row, known)
    return Said(about=about, href=href, detail=_detail(row, known))
