"""A hash chain over audit rows: each row carries the SHA-256 of the previous row's hash and its
own content, so a row edited or deleted behind the app's back breaks the chain where it happened.

The content is the row's fields as canonical JSON (sorted keys, no spaces, UTC times in ISO
8601 with microseconds), so the same row hashes the same on SQLite and PostgreSQL, today and
after any upgrade that keeps these fields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first row

# The fields a row's hash covers, in the order they are listed in CSV exports.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "role",
    "action",
    "target_type",
    "target_id",
    "child_id",
    "team_id",
    "origin",
    "detail",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("audit times must be timezone-aware")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def content_of(row: Mapping[str, Any]) -> bytes:
    """The bytes a row's hash covers: its hashed fields as canonical JSON."""
    fields = {name: _plain(row.get(name)) for name in HASHED_FIELDS}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + content_of(row)).hexdigest()


@dataclass(frozen=True)
class Break:
    """One place the chain does not hold, in words a person can act on."""

    seq: int
    problem: str
    last: int | None = None  # a run of rows: seq to last

    def words(self) -> str:
        where = f"rows {self.seq}–{self.last}" if self.last else f"row {self.seq}"
        return f"{where}: {self.problem}"


def verify(
    rows: Iterable[Mapping[str, Any]], *, head_seq: int | None, head_hash: str | None
) -> list[Break]:
    """Every break in `rows` (in `seq` order): an edited row (its hash no longer matches its
    content), a deleted row (a gap in the sequence, or a row whose previous hash is not the hash
    of the row before it), and rows missing from the end (the head records the last row)."""
    breaks: list[Break] = []
    expected_seq = 1
    prev = GENESIS
    last_seq = 0
    for row in rows:
        seq = int(row["seq"])
        if seq > expected_seq:
            run = seq - 1 if seq > expected_seq + 1 else None
            jump = f"deleted (the chain jumps from row {expected_seq - 1} to row {seq})"
            breaks.append(Break(expected_seq, jump, run))
        elif row["prev_hash"] != prev:
            breaks.append(
                Break(
                    seq - 1,
                    "edited after it was written and its hash made again "
                    f"(row {seq} still links to its old hash)",
                )
                if seq > 1
                else Break(seq, "its link to the start of the chain was changed")
            )
        if row_hash(str(row["prev_hash"]), row) != row["hash"]:
            breaks.append(
                Break(seq, "edited after it was written (its content no longer matches its hash)")
            )
        prev = str(row["hash"])
        expected_seq = seq + 1
        last_seq = seq
    if head_seq is not None and head_seq > last_seq:
        run = head_seq if head_seq > last_seq + 1 else None
        breaks.append(
            Break(last_seq + 1, f"deleted from the end (the last was row {head_seq})", run)
        )
    elif head_hash is not None and head_seq == last_seq and last_seq and head_hash != prev:
        breaks.append(Break(last_seq, "the last row was replaced"))
    return breaks
