"""The audit trail: who did what to which record, and who watched which footage, when and from
where, as append-only rows in a SHA-256 chain (the rules are in vfb.audit.chain).

Rows are written in the same transaction as what they record:
- changes to the case records in `RECORD_KINDS` by a database-session event (`install`), whatever
  the write path (API, command line, media worker), with the actor the request or command put on the
  session (`use_actor`);
- reads and exports of records by `record_read`, one row per request however many it returns;
- media access, sign-ins, account changes and everything else by an explicit `append`.

Appending locks the chain's head row (an UPDATE first, so SQLite takes its write lock and
PostgreSQL its row lock before anything is read): rows are numbered without gaps, in commit order.
Each engine is given its installation's keys once (`use_keys`), by the app and by every command.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, func, insert, inspect, text
from sqlmodel import Session, col, select

from vfb.actions import Action
from vfb.audit.chain import HASHED_FIELDS, Anchor, Break, row_mac, verify
from vfb.capture.timecode import format_timecode
from vfb.errors import InvalidInput
from vfb.models import (
    Assessment,
    AuditEvent,
    AuditHead,
    Carer,
    CarerComment,
    CarerScore,
    Child,
    Clip,
    Consent,
    Moment,
    PlacementBreakdown,
    Programme,
    ProgrammeSession,
    Reel,
    User,
)
from vfb.services.protection.access import require
from vfb.services.protection.audit_keys import KeySource

if TYPE_CHECKING:
    from vfb.models.audit import AuditRowPublic
from vfb.services.infra.derived import BUSY as DERIVED_BUSY
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
# What the media worker writes on a clip or reel as it makes it: its own progress, not news.
CLIP_MEDIA_WORK = frozenset(
    {
        "status", "progress", "stage", "detail", "review_media", "claimed_by", "claimed_at",
        "duration_ms", "width", "height", "fps", "video_codec", "audio_codec", "size_bytes",
        "sha256",
    }
)  # fmt: skip
REEL_MEDIA_WORK = frozenset({"status", "progress", "detail", "length_ms", "size_bytes"})


def _clip_made(clip: Clip) -> str:
    if clip.parent_id is None:
        return str(clip.origin)
    span = ""
    if clip.trim_from_ms is not None and clip.trim_to_ms is not None:
        span = f", {format_timecode(clip.trim_from_ms)}–{format_timecode(clip.trim_to_ms)}"
    return f"trim of {clip.parent_id}{span}"


@dataclass(frozen=True)
class Audited:
    """How changes to one kind of record are audited: its name in the trail, the columns whose
    changes are not news (besides QUIET_COLUMNS), and what a create row says (never a value a
    person wrote: an update row names the columns changed, not their contents)."""

    kind: str
    quiet: frozenset[str] = frozenset()
    made: Callable[[Any], str | None] = lambda _: None


RECORD_KINDS: dict[type[Any], Audited] = {
    Child: Audited("child"),
    Carer: Audited("carer"),
    Assessment: Audited("assessment"),
    CarerScore: Audited("carer_score"),
    PlacementBreakdown: Audited("placement_breakdown"),
    Programme: Audited("programme"),
    ProgrammeSession: Audited("session"),
    Consent: Audited("consent"),
    Clip: Audited("clip", CLIP_MEDIA_WORK, _clip_made),
    Moment: Audited("moment"),
    CarerComment: Audited("carer_comment"),
    Reel: Audited("reel", REEL_MEDIA_WORK),
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


_keys: WeakKeyDictionary[Engine, KeySource] = WeakKeyDictionary()


def use_keys(engine: Engine, keys: KeySource) -> None:
    """Rows written through `engine` are signed with `keys`."""
    _keys[engine] = keys


def keys_of(engine: Engine) -> KeySource:
    found = _keys.get(engine)
    if found is None:  # a programming error: an unsigned row must never be written
        raise RuntimeError("this database engine has no audit keys (call audit.use_keys)")
    return found


def hold_head(db: Session) -> None:
    """Lock the chain's head row until the transaction ends (SQLite's write lock, PostgreSQL's row
    lock), for a decision that must be made once across every process before a row is added."""
    db.connection().execute(text("UPDATE audit_head SET seq = seq WHERE id = 1"))


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
    key = keys_of(connection.engine).key_for(int(seq))  # after the head lock: see rotate_key
    row["prev_hash"] = prev
    row["hash"] = row_mac(key, prev, row)
    row["key_id"] = key.id
    connection.execute(insert(AuditEvent).values(**row))
    connection.execute(
        text("UPDATE audit_head SET hash = :hash WHERE id = 1"), {"hash": row["hash"]}
    )
    return int(seq)


# -- changes to case records, whatever wrote them ----------------------------------------------


def _child_of(db: Session, record: Any) -> str | None:
    """The child a record belongs to, up whichever link it holds to a child, programme, session,
    clip or moment."""
    if isinstance(record, Child):
        return str(record.id)
    if getattr(record, "child_id", None):
        return str(record.child_id)
    query = select(Programme.child_id)
    if (programme_id := getattr(record, "programme_id", None)) is not None:
        query = query.where(Programme.id == programme_id)
    else:
        query = query.join(ProgrammeSession, col(ProgrammeSession.programme_id) == Programme.id)
        if (session_id := getattr(record, "session_id", None)) is not None:
            query = query.where(ProgrammeSession.id == session_id)
        else:
            query = query.join(Clip, col(Clip.session_id) == ProgrammeSession.id)
            if (clip_id := getattr(record, "clip_id", None)) is not None:
                query = query.where(Clip.id == clip_id)
            elif (moment_id := getattr(record, "moment_id", None)) is not None:
                query = query.join(Moment, col(Moment.clip_id) == Clip.id)
                query = query.where(Moment.id == moment_id)
            else:
                return None
    found = db.connection().execute(query).scalar()
    return str(found) if found else None


def _changed_fields(record: Any, quiet: frozenset[str]) -> list[str]:
    state = inspect(record)
    return sorted(
        a.key
        for a in state.attrs
        if a.history.has_changes() and a.key not in QUIET_COLUMNS and a.key not in quiet
    )


def install() -> None:
    """Record changes to the case records on every database session from now on (idempotent):
    called by `vfb.services.infra.hooks.install_hooks`, wherever an engine is made."""
    if not event.contains(Session, "before_flush", _record_changes):
        event.listen(Session, "before_flush", _record_changes)


def _record_changes(db: Session, _context: Any, _instances: Any) -> None:
    if db.info.get(DERIVED_BUSY):  # vfb's own refresh of derived fields is not news
        return
    changes: list[tuple[str, Any, str | None]] = []
    for record in db.new:
        if (audited := RECORD_KINDS.get(type(record))) is not None:
            changes.append(("create", record, audited.made(record)))
    for record in db.dirty:
        if (audited := RECORD_KINDS.get(type(record))) and db.is_modified(record):
            fields = _changed_fields(record, audited.quiet)
            if fields:
                changes.append(("update", record, "changed: " + ", ".join(fields)))
    for record in db.deleted:
        if type(record) in RECORD_KINDS:
            changes.append(("delete", record, None))
    if not changes:
        return
    with db.no_autoflush:
        for verb, record, detail in changes:
            kind = RECORD_KINDS[type(record)].kind
            append(
                db,
                f"{kind}.{verb}",
                target_type=kind,
                target_id=str(record.id),
                child_id=_child_of(db, record),
                detail=detail,
            )


# -- reads and exports -------------------------------------------------------------------------


def record_read(
    db: Session,
    action: str,
    *,
    target_type: str | None = None,
    target_id: str | None = None,
    child_id: str | None = None,
    detail: str | None = None,
) -> None:
    """One row for a request that reads or exports records, however many it returns, committed
    at once (a read commits nothing else). Call it after the access check, before loading the
    records: the commit expires what the session holds."""
    append(
        db, action, target_type=target_type, target_id=target_id, child_id=child_id, detail=detail
    )
    db.commit()


# -- reading and checking ----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    team_id: str | None = None  # None: every team (the operator)
    child_id: str | None = None
    actor_id: str | None = None
    action: str | None = None
    on_or_after: date | None = None
    on_or_before: date | None = None

    def words(self) -> str | None:
        """What was asked for (the team aside: the row is the team's), for the trail itself."""
        said = [
            f"{name} {value}"
            for name, value in (
                ("child", self.child_id),
                ("user", self.actor_id),
                ("action", self.action),
                ("from", self.on_or_after),
                ("to", self.on_or_before),
            )
            if value is not None
        ]
        return ", ".join(said) or None


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


def read_events(
    db: Session, wanted: AuditFilter, zone: ZoneInfo, *, by: User, limit: int, offset: int
) -> tuple[list[AuditRowPublic], int]:
    """`list_events` for `by` to read, with names and words where they may see them
    (vfb/services/protection/audit_names.py), on record as `audit.read` once the page is read (so a
    page does not show its own reading)."""
    from vfb.services.protection.audit_names import (
        described,  # it reads the records this module audits
    )

    rows, count = list_events(db, wanted, zone, limit=limit, offset=offset)
    page = described(db, rows, by)
    record_read(db, "audit.read", child_id=wanted.child_id, detail=wanted.words())
    return page, count


def manager_trail(
    by: User,
    *,
    child_id: str | None = None,
    actor_id: str | None = None,
    action: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> AuditFilter:
    """What a manager asked of their team's trail; refused to anyone else, and when the first
    day comes after the last."""
    require(by, Action.audit)
    if start and end and start > end:
        raise InvalidInput("The first day comes after the last day.")
    return AuditFilter(
        team_id=by.team_id,
        child_id=child_id,
        actor_id=actor_id,
        action=action,
        on_or_after=start,
        on_or_before=end,
    )


def export_csv(db: Session, engine: Engine, wanted: AuditFilter, zone: ZoneInfo) -> Iterator[str]:
    """The export goes on record now; its lines are read later, in a session of their own (the
    request's has closed by the time the file streams)."""
    record_export(db, wanted)

    def lines() -> Iterator[str]:
        with Session(engine) as streaming:
            yield from csv_rows(streaming, wanted, zone)

    return lines()


def record_export(db: Session, wanted: AuditFilter) -> None:
    """An export of the trail is on record (`audit.export`) before its first row is written, so
    the file holds its own making."""
    asked = wanted.words()
    detail = f"CSV, {asked}" if asked else "CSV"
    record_read(db, "audit.export", child_id=wanted.child_id, detail=detail)


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


def verify_chain(db: Session, anchors: list[Anchor] | None = None) -> Verification:
    """Check every row against its MAC, its link to the row before and every anchor (see
    vfb.audit.chain)."""
    head = db.get(AuditHead, 1)
    keyring = keys_of(db.connection().engine).keyring()
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
        keyring=keyring,
        head_seq=head.seq if head else None,
        head_hash=head.hash if head else None,
        anchors=anchors or [],
    )
    return Verification(counted, breaks)


def rotate_key(db: Session) -> tuple[int, str, str | None]:
    """A new key for every row from the next one on, and a row saying so (signed with it); the
    caller commits. Holding the head lock, no other append can pick the old key for that row.
    Returns the first row the new key signs, its id and the old key's id."""
    connection = db.connection()
    head_seq = connection.execute(
        text("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq")
    ).scalar_one()
    source = keys_of(connection.engine)
    old = source.keyring().current
    new = source.add_key(int(head_seq) + 1)
    was = f"; key {old.id} signed the rows before" if old else ""
    append(
        db,
        "audit.key_rotated",
        detail=f"from row {new.first_seq} the chain is signed with key {new.id}{was}",
    )
    return new.first_seq, new.id, old.id if old else None
