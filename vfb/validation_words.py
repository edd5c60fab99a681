"""Pydantic's validation errors in the users' words: one sentence per field ("Enter a username.",
"The password must be at least 10 characters."), never pydantic's own ("Field required")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The fields our models take, in the words of the pages that show them: the label with its article
# ("a username", "the child's reference"), and what kind of answer it is (text, date, choice,
# number, yes/no, list, time) so that a missing one is asked for the right way.
LABELS: dict[str, tuple[str, str]] = {
    "username": ("a username", "text"),
    "password": ("a password", "text"),
    "role": ("a role", "choice"),
    "team_id": ("a team", "choice"),
    "trained_on": ("the date training was completed", "date"),
    "disabled": ("whether the account is switched off", "yes/no"),
    "name": ("a name", "text"),
    "reference": ("the child's reference", "text"),
    "date_of_birth": ("the date of birth", "date"),
    "attachment_status": ("the attachment status", "choice"),
    "identified_on": ("the date the child was identified", "date"),
    "closed_on": ("the date the case was closed", "date"),
    "care_status": ("the care status", "choice"),
    "ethnicity": ("the ethnicity", "text"),
    "disability": ("whether the child has a disability", "choice"),
    "worker_id": ("a worker", "choice"),
    "child_id": ("a child", "choice"),
    "carer_id": ("a carer", "choice"),
    "carer_ids": ("the carers", "list"),
    "display_name": ("the carer's name", "text"),
    "relationship": ("the relationship to the child", "choice"),
    "completed_on": ("the date of the assessment", "date"),
    "offered_on": ("the date the programme was offered", "date"),
    "ended_on": ("the date the programme ended", "date"),
    "accepted": ("whether the carer accepted", "yes/no"),
    "model": ("a programme model", "choice"),
    "coding_scheme": ("a coding scheme", "choice"),
    "programme_id": ("a programme", "choice"),
    "number": ("the session number", "number"),
    "held_on": ("the visit's date", "date"),
    "status": ("a status", "choice"),
    "duration_minutes": ("the visit's length in minutes", "number"),
    "location": ("where the visit was", "choice"),
    "filmed_seconds": ("the seconds filmed", "number"),
    "reviewed_with_carer": ("whether the video was watched with the carer", "yes/no"),
    "review_minutes": ("the minutes of review", "number"),
    "review_highlights": ("the review highlights", "list"),
    "scope": ("what the consent covers", "choice"),
    "given_on": ("the date consent was given", "date"),
    "withdrawn_on": ("the date consent was withdrawn", "date"),
    "start_ms": ("the start time", "time"),
    "end_ms": ("the end time", "time"),
    "at_ms": ("the time", "time"),
    "from_ms": ("the in point", "time"),
    "to_ms": ("the out point", "time"),
    "mode": ("how to cut", "choice"),
    "category": ("a category", "choice"),
    "note": ("the note", "text"),
    "caption": ("the caption", "text"),
    "child_words": ("what the child might say", "text"),
    "share_with_carer": ("whether to share it with the carer", "yes/no"),
    "version": ("the version", "number"),
    "text": ("the comment", "text"),
    "clip_id": ("a clip", "choice"),
    "minutes": ("the minutes watched", "number"),
    "shown_moment_ids": ("the moments shown", "list"),
    "moment_ids": ("the moments", "list"),
    "reel_id": ("a reel", "choice"),
    "expires_in_hours": ("how many hours the link lasts", "number"),
    "mime_type": ("the video type", "text"),
    "scale": ("a measure", "choice"),
    "timing": ("when it was measured", "choice"),
    "value": ("the score", "number"),
    "measured_on": ("the date it was measured", "date"),
    "occurred_on": ("the date it happened", "date"),
    "from": ("the first day", "date"),
    "to": ("the last day", "date"),
    "start": ("the first day", "date"),
    "end": ("the last day", "date"),
    "limit": ("how many to show", "number"),
    "offset": ("where to start", "number"),
}

# What a field with a pattern must look like, for the fields that have one.
PATTERNS = {
    "username": (
        "A username is 2 to 64 letters, digits or . _ @ -, starting with a letter or digit."
    ),
    "mime_type": "The video type must look like video/webm.",
}

WHERE = ("body", "query", "path", "header", "cookie")


@dataclass(frozen=True)
class Field:
    key: str  # the field's name in the request ("username"), or "" for the request as a whole
    label: str  # with its article: "a username"
    kind: str
    where: str  # body, query, path...

    @property
    def the(self) -> str:
        """'the username': for sentences that start with the field."""
        for article in ("a ", "an "):
            if self.label.startswith(article):
                return "the " + self.label.removeprefix(article)
        return self.label

    @property
    def The(self) -> str:
        return self.the[:1].upper() + self.the[1:]


def humanise(name: str) -> str:
    """'expires_in_hours' → 'expires in hours' (for a field missing from LABELS)."""
    words = re.sub(r"_(id|ids)$", "", name).replace("_", " ").strip()
    return words or name


def guess_kind(name: str) -> str:
    if name.endswith("_on") or name.endswith("date"):
        return "date"
    if name.endswith("_ms"):
        return "time"
    if name.endswith(("_minutes", "_seconds", "_hours", "_count", "number")):
        return "number"
    if name.endswith("_ids"):
        return "list"
    if name.endswith("_id"):
        return "choice"
    return "text"


def field_of(loc: Sequence[Any]) -> Field:
    where = str(loc[0]) if loc and loc[0] in WHERE else ""
    names = [p for p in loc[1 if where else 0 :] if isinstance(p, str)]
    if not names:
        return Field("", "", "", where)
    key = names[0]
    label, kind = LABELS.get(key, (f"the {humanise(key)}", guess_kind(key)))
    return Field(key, label, kind, where)


def choices(expected: object) -> str:
    """ "'at_risk', 'identified' or 'edge_of_care'" → 'at risk, identified or edge of care'."""
    return str(expected).replace("'", "").replace("_", " ")


def amount(field: Field, value: object) -> str:
    """A limit in the field's own unit: 86400000 on a time is '24 hours'."""
    if field.kind == "time" and isinstance(value, int | float):
        seconds = value / 1000
        if seconds >= 3600 and seconds % 3600 == 0:
            hours = int(seconds // 3600)
            return f"{hours} hour{'s' if hours != 1 else ''}"
        return f"{seconds:g} seconds"
    return f"{value}"


def sentence(error: Mapping[str, Any]) -> tuple[Field, str]:
    """The field an error is about, and what to tell the user."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    field = field_of(tuple(error.get("loc", ())))
    if kind == "value_error" and "field" in ctx:
        # our own validators (vfb/models/base.py): their words, with the field's own label
        field = field_of((field.where or "body", ctx["field"]))
    if not field.key:
        return field, _whole_request(kind, ctx, field.where)
    if field.where == "path":
        return field, "This address is not right: the page or record it names does not exist."
    return field, _about_field(kind, ctx, field)


def _whole_request(kind: str, ctx: Mapping[str, Any], where: str) -> str:
    if kind == "value_error":
        return _own_words(ctx)
    if kind == "json_invalid":
        return "What was sent could not be read: send the details again."
    if kind == "missing":
        return "Nothing was sent: fill in the form and try again."
    return "What was sent is not in the form vfb expects: fill in the form and try again."


def _own_words(ctx: Mapping[str, Any]) -> str:
    text = str(ctx.get("error", "")).strip() or "That is not valid."
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _about_field(kind: str, ctx: Mapping[str, Any], field: Field) -> str:
    the, The = field.the, field.The
    ask = "Choose" if field.kind in ("date", "choice", "list", "yes/no") else "Enter"
    if kind == "missing":
        return f"{ask} {field.label}."
    if kind == "value_error":
        reason = str(ctx.get("reason", ""))
        if reason == "empty":
            return f"{ask} {field.label}: it cannot be left empty."
        if reason == "control":
            return (
                f"{The} contains a control character (such as a NUL byte or a line break): "
                "remove it and try again."
            )
        return _own_words(ctx)
    if kind == "string_too_short":
        n = int(ctx.get("min_length", 1))
        if n <= 1:
            return f"{ask} {field.label}."
        return f"{The} must be at least {n} characters."
    if kind == "string_too_long":
        return f"{The} must be at most {ctx.get('max_length')} characters."
    if kind == "string_pattern_mismatch":
        return PATTERNS.get(field.key, f"{The} is not in the form vfb expects.")
    if kind in ("string_type", "string_sub_type", "string_unicode"):
        return f"{The} must be text."
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return "This must be a whole number." if not field.key else f"{The} must be a whole number."
    if kind in ("float_parsing", "float_type", "finite_number", "decimal_parsing"):
        return f"{The} must be a number."
    if kind == "greater_than_equal":
        return f"{The} must be {amount(field, ctx.get('ge'))} or more."
    if kind == "greater_than":
        return f"{The} must be more than {amount(field, ctx.get('gt'))}."
    if kind == "less_than_equal":
        return f"{The} must be {amount(field, ctx.get('le'))} or less."
    if kind == "less_than":
        return f"{The} must be less than {amount(field, ctx.get('lt'))}."
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"Choose a real date for {the} (day, month and year)."
    if kind in ("enum", "literal_error"):
        return f"Choose {field.label}: one of {choices(ctx.get('expected', ''))}."
    if kind in ("bool_parsing", "bool_type"):
        return f"Say yes or no for {the}."
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"Choose {field.label}." if field.kind == "list" else f"{The} must be a list."
    if kind == "too_short":
        n = int(ctx.get("min_length", 1))
        return f"Choose {field.label}." if n <= 1 else f"Choose at least {n} for {the}."
    if kind == "too_long":
        return f"{The} can have at most {ctx.get('max_length')}."
    if kind == "extra_forbidden":
        return f"vfb does not take “{field.key}” here: leave it out."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{The} is not in the form vfb expects."
    if kind == "uuid_parsing" or kind == "uuid_type":
        return f"{The} is not one vfb knows."
    return f"{The} is not valid: check it and try again."


def plain_words(errors: Sequence[Mapping[str, Any]]) -> tuple[str, dict[str, str]]:
    """One sentence for the whole request (the first few problems) and one per field."""
    fields: dict[str, str] = {}
    general: list[str] = []
    for error in errors:
        field, words = sentence(error)
        if field.key and field.where != "path":
            fields.setdefault(field.key, words)
        if words not in general:
            general.append(words)
    detail = " ".join(general[:3]) or "What was sent is not valid: check the form and try again."
    if len(general) > 3:
        detail += f" (and {len(general) - 3} more)"
    return detail, fields
