"""What vfb keeps beside the records it is derived from, so that reports are one indexed pass:
each programme's held sessions and stored fidelity verdict, and each child's earliest programme
milestones (for the statement 3 counts).

It is kept by database events (`install`), whatever the write path (API, CLI, the media worker): a
child's birthdays whenever the child is written; and a flush notes which programmes its changes
touch, and just before the commit their derived fields are recomputed with the pure fidelity
rules, in the same transaction.

The stored verdict is computed as if no time had passed since the last held session; the one rule
that changes with the date (`span` fails once today is after the latest allowed last session) is
stored as `span_deadline` and applied when the verdict is read (`fidelity.verdict_now`, and its SQL
form in the reports), so nothing goes stale overnight. Both are vfb/programme/fidelity.py's
(`stored_judgement`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session, col, select

from vfb.models import Assessment, Child, Programme, ProgrammeSession, User
from vfb.programme.fidelity import ProgrammeRecord, Visit, stored_judgement
from vfb.programme.measure import birthdays
from vfb.programme.programme_models import load_model
from vfb.vocabulary import ProgrammeStatus, SessionStatus, Verdict

PENDING = "vfb.derived.pending"
BUSY = "vfb.derived.busy"


def programme_record(db: Session, programme: Programme) -> ProgrammeRecord:
    """The plain record the fidelity rules read, from the stored one."""
    visits = db.exec(
        select(ProgrammeSession).where(ProgrammeSession.programme_id == programme.id)
    ).all()
    assessments = db.exec(select(Assessment).where(Assessment.child_id == programme.child_id)).all()
    worker = db.get(User, programme.worker_id)
    return ProgrammeRecord(
        status=ProgrammeStatus(programme.status),
        visits=[
            Visit(
                number=v.number,
                held_on=v.held_on,
                status=v.status,
                duration_minutes=v.duration_minutes,
                location=v.location,
                filmed_seconds=v.filmed_seconds,
                reviewed_with_carer=v.reviewed_with_carer,
                review_highlights=frozenset(v.review_highlights),
            )
            for v in visits
        ],
        assessments=[a.completed_on for a in assessments],
        worker_trained_on=worker.trained_on if worker else None,
    )


def refresh_programme(db: Session, programme: Programme) -> None:
    record = programme_record(db, programme)
    held = sorted(v.held_on for v in record.visits if v.status is SessionStatus.held)
    programme.held_sessions = len(held)
    programme.first_held_on = held[0] if held else None
    programme.last_held_on = held[-1] if held else None
    judged = stored_judgement(record, load_model(programme.model))
    failing = judged.failing
    programme.fidelity_verdict = judged.card.verdict.value
    programme.fidelity_failing = " " + " ".join(c.code for c in failing) + " " if failing else ""
    programme.fidelity_notes = {c.code.value: c.detail for c in failing}
    programme.span_deadline = judged.span_deadline
    db.add(programme)


def refresh_child(db: Session, child: Child) -> None:
    programmes = db.exec(select(Programme).where(Programme.child_id == child.id)).all()
    done = [p for p in programmes if p.status is ProgrammeStatus.completed and p.ended_on]
    child.first_offered_on = _earliest(p.offered_on for p in programmes)
    child.first_started_on = _earliest(p.first_held_on for p in programmes)
    child.first_completed_on = _earliest(p.ended_on for p in done)
    child.first_completed_met_on = _earliest(
        p.ended_on for p in done if p.fidelity_verdict == Verdict.met.value
    )
    db.add(child)


def _earliest(days: Iterable[date | None]) -> date | None:
    return min((d for d in days if d is not None), default=None)


def refresh(db: Session, programme_ids: set[str], child_ids: Iterable[str] = ()) -> None:
    """Recompute these programmes, and their children's milestones."""
    children = set(child_ids)
    if programme_ids:
        for programme in db.exec(select(Programme).where(col(Programme.id).in_(programme_ids))):
            refresh_programme(db, programme)
            children.add(programme.child_id)
        db.flush()
    if children:
        for child in db.exec(select(Child).where(col(Child.id).in_(children))):
            refresh_child(db, child)


# -- the events --------------------------------------------------------------------------------


def install() -> None:
    """Keep the derived fields from now on (idempotent): called by
    `vfb.services.infra.hooks.install_hooks`, wherever an engine is made."""
    for target, name, listener in _LISTENERS:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def _keep_birthdays(_mapper: object, _connection: object, child: Child) -> None:
    (
        child.turns_1_on,
        child.turns_2_on,
        child.turns_3_on,
        child.turns_4_on,
        child.turns_5_on,
    ) = birthdays(child.date_of_birth)


def _note_changes(db: Session, _context: Any) -> None:
    if db.info.get(BUSY):
        return
    pending = db.info.setdefault(
        PENDING, {"programmes": set(), "children": set(), "workers": set()}
    )
    for record in (*db.new, *db.dirty, *db.deleted):
        if isinstance(record, ProgrammeSession):
            pending["programmes"].add(record.programme_id)
        elif isinstance(record, Programme):
            pending["programmes"].add(record.id)
            pending["children"].add(record.child_id)
        elif isinstance(record, Assessment):
            pending["children"].add(record.child_id)
        elif isinstance(record, User) and inspect(record).attrs.trained_on.history.has_changes():
            pending["workers"].add(record.id)  # only training changes a worker's fidelity


def _refresh_before_commit(db: Session) -> None:
    if db.info.get(BUSY):
        return
    db.flush()  # the commit flushes only after this event: note what this flush changes
    pending = db.info.pop(PENDING, None)
    if not pending or db.info.get(BUSY):
        return
    db.info[BUSY] = True
    try:
        programme_ids = set(pending["programmes"])
        if pending["children"]:
            programme_ids |= set(
                db.exec(
                    select(Programme.id).where(col(Programme.child_id).in_(pending["children"]))
                ).all()
            )
        if pending["workers"]:
            programme_ids |= set(
                db.exec(
                    select(Programme.id).where(col(Programme.worker_id).in_(pending["workers"]))
                ).all()
            )
        refresh(db, programme_ids, set(pending["children"]))
        db.flush()
    finally:
        db.info[BUSY] = False
        db.info.pop(PENDING, None)


_LISTENERS: tuple[tuple[Any, str, Callable[..., None]], ...] = (
    (Child, "before_insert", _keep_birthdays),
    (Child, "before_update", _keep_birthdays),
    (Session, "after_flush", _note_changes),
    (Session, "before_commit", _refresh_before_commit),
)
