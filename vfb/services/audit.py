"""The audit trail: who did what to which record, and who watched which footage, when and from
where, as append-only rows in a SHA-256 chain (the rules are in vfb.audit.chain).

Rows are written in the same transaction as what they record:
- changes to children, programmes, sessions, consents and moments by a database-session event,
  whatever the write path (API, command line, media worker), with the actor the request or command
  put on the session (`use_actor`);
- media access, sign-ins and everything else by an explicit `append`.

Appending locks the chain's head row (an UPDATE first, so SQLite takes its write lock and
PostgreSQL its row lock before anything is read): rows are numbered without gaps, in commit order.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, inspect, text
from sqlmodel import Session, col, select

from vfb.audit.chain import HASHED_FIELDS, Break, row_hash, verify
from vfb.models import (
    AuditEvent,
    AuditHead,
    Child,
    Clip,
    Consent,
    Moment,
    Programme,
    ProgrammeSession,
    User,
)
from vfb.services.derived import BUSY as DERIVED_BUSY
from vfb.spreadsheet import SafeWriter

ACTOR = "vfb.audit.actor"

# Columns that change on their own (timestamps, versions, derived fields): not worth a row.
QUIET_COLUMNS = frozenset(
    {
        "updated_at",
        "version",
        "held_sessions",
        "first_held_on",
        "last_held_on",
        "fidelity_verdict",
        "fidelity_failing",
        "fidelity_notes",
        "span_deadline",
        "turns_1_on",
        "turns_2_on",
        "turns_3_on",
        "turns_4_on",
        "turns_5_on",
        "first_offered_on",
        "first_started_on",
        "first_completed_on",
        "first_completed_met_on",
    }
)
RECORD_KINDS: dict[type[Any], str] = {
    Child: "child",
    Programme: "programme",
    ProgrammeSession: "session",
    Consent: "consent",
    Moment: "moment",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, a carer through a share link, the operator at the
    command line, or vfb itself (the media worker, the daily purge)."""

    name: str
    role: str
    id: str | None = None
    team_id: str | None = None
    origin: str | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC), compare=False)

    @classmethod
    def of(cls, user: User, origin: str | None, clock: Callable[[], datetime]) -> Actor:
        return cls(user.username, user.role.value, user.id, user.team_id, origin, clock)

    @classmethod
    def operator(cls) -> Actor:
        return cls("operator", "operator", origin="cli")

    @classmethod
    def system(cls, clock: Callable[[], datetime] | None = None) -> Actor:
        if clock is None:
            return cls("vfb", "system", origin="server")
        return cls("vfb", "system", origin="server", clock=clock)


def use_actor(db: Session, actor: Actor) -> None:
    """Every row this database session writes is by `actor`."""
    db.info[ACTOR] = actor


_default_actor = [Actor.system()]


def set_default_actor(actor: Actor) -> None:
    """Who acts where no request or command said (the command line sets the operator)."""
    _default_actor[0] = actor


def actor_of(db: Session) -> Actor:
    found = db.info.get(ACTOR)
    return found if isinstance(found, Actor) else _default_actor[0]


def append(
    db: Session,
    action: str,
    *,
    target_type: str | None = None,
    target_id: str | None = None,
    child_id: str | None = None,
    detail: str | None = None,
    actor: Actor | None = None,
) -> int:
    """Add one row to the chain, in the database session's transaction (the caller commits).
    The row's team is the child's, else the actor's. Returns its number."""
    who = actor or actor_of(db)
    connection = db.connection()
    team_id = who.team_id
    if child_id is not None:
        found = connection.execute(select(Child.team_id).where(Child.id == child_id)).scalar()
        team_id = found or team_id
    seq, prev = connection.execute(
        text("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
    ).one()
    row: dict[str, Any] = {
        "seq": int(seq),
        "at": who.clock().astimezone(UTC),
        "actor_id": who.id,
        "actor_name": who.name[:200],
        "role": who.role,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "child_id": child_id,
        "team_id": team_id,
        "origin": (who.origin or "")[:64] or None,
        "detail": detail[:2000] if detail else None,
    }
    row["prev_hash"] = prev
    row["hash"] = row_hash(prev, row)
    connection.execute(insert(AuditEvent).values(**row))
    connection.execute(
        text("UPDATE audit_head SET hash = :hash WHERE id = 1"), {"hash": row["hash"]}
    )
    return int(seq)


# -- changes to case records, whatever wrote them ----------------------------------------------


def _child_of(db: Session, record: Any) -> str | None:
    if isinstance(record, Child):
        return str(record.id)
    if isinstance(record, Programme):
        return str(record.child_id)
    programme_id: str | None = None
    if isinstance(record, ProgrammeSession | Consent):
        programme_id = record.programme_id
    elif isinstance(record, Moment):
        programme_id = (
            db.connection()
            .execute(
                select(ProgrammeSession.programme_id)
                .join(Clip, col(Clip.session_id) == ProgrammeSession.id)
                .where(Clip.id == record.clip_id)
            )
            .scalar()
        )
    if programme_id is None:
        return None
    found = (
        db.connection()
        .execute(select(Programme.child_id).where(Programme.id == programme_id))
        .scalar()
    )
    return str(found) if found else None


def _changed_fields(record: Any) -> list[str]:
    state = inspect(record)
    return sorted(
        a.key for a in state.attrs if a.history.has_changes() and a.key not in QUIET_COLUMNS
    )


@event.listens_for(Session, "before_flush")
def _record_changes(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(DERIVED_BUSY):  # vfb's own refresh of derived fields is not news
        return
    changes: list[tuple[str, Any, str | None]] = []
    for record in session.new:
        if type(record) in RECORD_KINDS:
            changes.append(("create", record, None))
    for record in session.dirty:
        if type(record) in RECORD_KINDS and session.is_modified(record):
            fields = _changed_fields(record)
            if fields:
                changes.append(("update", record, "changed: " + ", ".join(fields)))
    for record in session.deleted:
        if type(record) in RECORD_KINDS:
            changes.append(("delete", record, None))
    if not changes:
        return
    with session.no_autoflush:
        for verb, record, detail in changes:
            kind = RECORD_KINDS[type(record)]
            append(
                session,
                f"{kind}.{verb}",
                target_type=kind,
                target_id=str(record.id),
                child_id=_child_of(session, record),
                detail=detail,
            )


# -- reading and checking ----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    team_id: str | None = None  # None: every team (the operator)
    child_id: str | None = None
    actor_id: str | None = None
    action: str | None = None
    on_or_after: date | None = None
    on_or_before: date | None = None


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _filtered(query: Any, wanted: AuditFilter, zone: ZoneInfo) -> Any:
    if wanted.team_id is not None:
        query = query.where(AuditEvent.team_id == wanted.team_id)
    if wanted.child_id is not None:
        query = query.where(AuditEvent.child_id == wanted.child_id)
    if wanted.actor_id is not None:
        query = query.where(AuditEvent.actor_id == wanted.actor_id)
    if wanted.action is not None:
        query = query.where(col(AuditEvent.action).startswith(wanted.action))
    if wanted.on_or_after is not None:
        query = query.where(col(AuditEvent.at) >= _day_start(wanted.on_or_after, zone))
    if wanted.on_or_before is not None:
        next_day = wanted.on_or_before + timedelta(days=1)
        query = query.where(col(AuditEvent.at) < _day_start(next_day, zone))
    return query


def list_events(
    db: Session, wanted: AuditFilter, zone: ZoneInfo, *, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """The newest rows first, one page of them, and how many match."""
    count = db.exec(_filtered(select(func.count()).select_from(AuditEvent), wanted, zone)).one()
    rows = db.exec(
        _filtered(select(AuditEvent), wanted, zone)
        .order_by(col(AuditEvent.seq).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(count)


CSV_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")


def csv_rows(db: Session, wanted: AuditFilter, zone: ZoneInfo) -> Iterator[str]:
    """Every matching row, oldest first, as CSV lines (a header first), read in batches."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_FIELDS)
    after = 0
    while True:
        batch = db.exec(
            _filtered(select(AuditEvent), wanted, zone)
            .where(col(AuditEvent.seq) > after)
            .order_by(col(AuditEvent.seq))
            .limit(1000)
        ).all()
        for row in batch:
            values = [getattr(row, name) for name in CSV_FIELDS]
            writer.writerow(
                [
                    v.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
                    if isinstance(v, datetime)
                    else ("" if v is None else v)
                    for v in values
                ]
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(batch) < 1000:
            return
        after = batch[-1].seq


@dataclass(frozen=True)
class Verification:
    rows: int
    breaks: list[Break]

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify_chain(db: Session) -> Verification:
    """Check every row against its hash and its link to the row before (see vfb.audit.chain)."""
    head = db.get(AuditHead, 1)
    counted = 0

    def rows() -> Iterator[Any]:  # RowMapping: a Mapping of the row's columns
        nonlocal counted
        table = AuditEvent.__table__  # type: ignore[attr-defined]
        after = 0
        while True:  # plain rows, not records: the check reads a million of them
            batch = (
                db.connection()
                .execute(select(table).where(table.c.seq > after).order_by(table.c.seq).limit(5000))
                .mappings()
                .all()
            )
            counted += len(batch)
            yield from batch
            if len(batch) < 5000:
                return
            after = batch[-1]["seq"]

    breaks = verify(
        rows(),
        head_seq=head.seq if head else None,
        head_hash=head.hash if head else None,
    )
    return Verification(counted, breaks)
