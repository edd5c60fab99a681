"""A keyed chain over audit rows: each row carries the HMAC-SHA-256, under a key kept outside the
database, of the previous row's MAC and its own content; anchors kept outside the database pin
the chain's length, so rows edited, deleted or cut from the end are named, even by the one who
could write to the database.

The content is the row's fields as canonical JSON (sorted keys, no spaces, UTC times in ISO
8601 with microseconds), so the same row signs the same on SQLite and PostgreSQL, today and
after any upgrade that keeps these fields. Rows written before the chain was keyed (`key_id`
empty) were chained by plain SHA-256; they are accepted only before the first keyed row, as the
keyring and every anchor record it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from vfb.audit.keys import AuditKey, Keyring

GENESIS = "0" * 64  # the "previous MAC" of the first row

# The fields a row's MAC covers, in the order they are listed in CSV exports.
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
        return _utc(value)
    return value


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_of(row: Mapping[str, Any]) -> bytes:
    """The bytes a row's MAC covers: its hashed fields as canonical JSON."""
    fields = {name: _plain(row.get(name)) for name in HASHED_FIELDS}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def legacy_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The unkeyed rule rows were chained by before the chain was keyed: anyone can recompute it,
    so it proves nothing on its own."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + content_of(row)).hexdigest()


@lru_cache(maxsize=16)
def _signer(secret: bytes) -> Any:  # hmac.HMAC: keyed once, copied for each row
    return hmac.new(secret, digestmod=hashlib.sha256)


def row_mac(key: AuditKey, prev_mac: str, row: Mapping[str, Any]) -> str:
    signer = _signer(key.secret).copy()
    signer.update(prev_mac.encode() + b"\n" + content_of(row))
    return str(signer.hexdigest())


@dataclass(frozen=True)
class Anchor:
    """The chain's last row as it was at a moment, kept outside the database (a line in the
    anchor file, or printed): a later chain that is shorter, or differs at that row, was cut or
    rewritten."""

    seq: int
    mac: str
    at: datetime
    key_id: str | None
    legacy: int  # rows 1..legacy were written by the unkeyed rule

    def line(self) -> str:
        stamp = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            f"vfb-audit-anchor seq={self.seq} mac={self.mac} at={stamp} "
            f"key={self.key_id or '-'} unkeyed={self.legacy}"
        )

    def when(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


_ANCHOR = re.compile(
    r"vfb-audit-anchor seq=(\d+) mac=([0-9a-f]{64}) at=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) "
    r"key=([0-9a-f]{16}|-) unkeyed=(\d+)"
)


def parse_anchor(line: str) -> Anchor | None:
    """The anchor a line holds (as `Anchor.line` wrote it), or None."""
    found = _ANCHOR.search(line)
    if found is None:
        return None
    seq, mac, at, key_id, legacy = found.groups()
    when = datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return Anchor(int(seq), mac, when, None if key_id == "-" else key_id, int(legacy))


@dataclass(frozen=True)
class Break:
    """One place the chain does not hold, in words a person can act on."""

    seq: int
    problem: str
    last: int | None = None  # a run of rows: seq to last

    def words(self) -> str:
        where = f"rows {self.seq}–{self.last}" if self.last else f"row {self.seq}"
        return f"{where}: {self.problem}"


def _merged(breaks: list[Break]) -> list[Break]:
    """Neighbouring rows with the same problem as one run, so a rewritten chain reads as one."""
    out: list[Break] = []
    for found in breaks:
        before = out[-1] if out else None
        if (
            before is not None
            and before.problem == found.problem
            and (before.last or before.seq) + 1 == found.seq
        ):
            out[-1] = Break(before.seq, before.problem, found.last or found.seq)
        else:
            out.append(found)
    return out


class _Checker:
    """One pass over the rows in `seq` order."""

    def __init__(self, keyring: Keyring, anchors: Sequence[Anchor]) -> None:
        self.keyring = keyring
        self.anchors = {a.seq: a for a in sorted(anchors, key=lambda a: a.at)}
        # The last row the unkeyed rule may have written, as the keyring and anchors record it.
        limits = [a.legacy for a in anchors]
        if keyring.first_keyed_seq:
            limits.append(keyring.first_keyed_seq - 1)
        self.unkeyed_until = min(limits) if limits else None
        self.anchor_breaks: list[Break] = []  # listed after the rows' own, which then read as runs
        self.keyed_seen = False
        self._keys: dict[str, tuple[AuditKey, int, int | None] | None] = {}

    def _key(self, key_id: str) -> tuple[AuditKey, int, int | None] | None:
        if key_id not in self._keys:
            key = self.keyring.by_id(key_id)
            self._keys[key_id] = (key, *self.keyring.rows_of(key)) if key else None
        return self._keys[key_id]

    def signature_problem(self, seq: int, row: Mapping[str, Any]) -> str | None:
        key_id = row.get("key_id")
        if not key_id:
            late = self.keyed_seen or (self.unkeyed_until is not None and seq > self.unkeyed_until)
            if late:
                return "written by the old unkeyed rule after the chain was keyed (forged)"
            if legacy_hash(str(row["prev_hash"]), row) != row["hash"]:
                return "edited after it was written (its content no longer matches its hash)"
            return None
        self.keyed_seen = True
        found = self._key(str(key_id))
        if found is None:
            return f"signed with a key this installation does not have (key {key_id})"
        key, first, last = found
        if seq < first or (last is not None and seq > last):
            span = f"rows {first}–{last}" if last is not None else f"rows from {first}"
            return f"signed with key {key_id}, which signs only {span} (forged)"
        if row_mac(key, str(row["prev_hash"]), row) != row["hash"]:
            return "edited after it was written (its content no longer matches its MAC)"
        return None

    def check_anchor(self, seq: int, row: Mapping[str, Any]) -> None:
        anchor = self.anchors.get(seq)
        if anchor is not None and anchor.mac != row["hash"]:
            self.anchor_breaks.append(
                Break(
                    seq,
                    f"its MAC differs from the one the anchor of {anchor.when()} recorded "
                    "(the chain up to it was rewritten)",
                )
            )

    def check_length(self, last_seq: int) -> None:
        longest = max(self.anchors.values(), key=lambda a: a.seq, default=None)
        if longest is None or longest.seq <= last_seq:
            return
        ends = f"the chain ends at row {last_seq}" if last_seq else "the chain is empty"
        self.anchor_breaks.append(
            Break(
                last_seq + 1,
                f"deleted: {ends}, but the anchor of {longest.when()} recorded row {longest.seq}",
                longest.seq if longest.seq > last_seq + 1 else None,
            )
        )


def verify(
    rows: Iterable[Mapping[str, Any]],
    *,
    keyring: Keyring,
    head_seq: int | None,
    head_hash: str | None,
    anchors: Sequence[Anchor] = (),
) -> list[Break]:
    """Every break in `rows` (in `seq` order): an edited or forged row (its MAC does not match
    its content under the key for its row), a deleted row (a gap in the sequence, or a row whose
    previous MAC is not the MAC of the row before it), rows missing from the end (the head and
    every anchor record how long the chain was), and a row that differs from an anchor."""
    checker = _Checker(keyring, anchors)
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
        problem = checker.signature_problem(seq, row)
        if problem:
            breaks.append(Break(seq, problem))
        checker.check_anchor(seq, row)
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
    checker.check_length(last_seq)
    return _merged(breaks) + checker.anchor_breaks
