"""Who can see and change what. Anything outside a user's reach is reported as not found.

- worker: the children allocated to them, and children of programmes they deliver;
- supervisor: their team's children, read-only;
- manager: their team's children, read and write (allocating workers too);
- admin: teams and users only, never case records.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from vfb.errors import NotAllowed, NotFound
from vfb.models import (
    Assessment,
    Carer,
    Child,
    Clip,
    Consent,
    Programme,
    ProgrammeSession,
    Recording,
    User,
)
from vfb.vocabulary import Role


def child_in_reach(by: User) -> ColumnElement[bool]:
    """A SQL condition on `Child` that holds for the children `by` may see."""
    if by.role == Role.worker:
        delivers = select(Programme.child_id).where(Programme.worker_id == by.id)
        return or_(col(Child.worker_id) == by.id, col(Child.id).in_(delivers))
    if by.role in (Role.supervisor, Role.manager):
        return col(Child.team_id) == by.team_id
    return false()


T = TypeVar("T")


def _one(db: Session, statement: SelectOfScalar[T], what: str, ident: str) -> T:
    found = db.exec(statement).first()
    if found is None:
        raise NotFound.of(what, ident)
    return found


def require_case_writer(by: User) -> None:
    if by.role == Role.supervisor:
        raise NotAllowed("Supervisors can view their team's records but not change them.")
    if by.role == Role.admin:
        raise NotAllowed("Admins manage teams and users; case records belong to the team.")


def require_admin(by: User) -> None:
    if by.role != Role.admin:
        raise NotAllowed("Only an admin can manage teams and users.")


def get_child(*, db: Session, child_id: str, by: User) -> Child:
    statement = select(Child).where(Child.id == child_id, child_in_reach(by))
    return _one(db, statement, "child", child_id)


def get_programme(*, db: Session, programme_id: str, by: User) -> Programme:
    statement = (
        select(Programme)
        .join(Child, col(Child.id) == Programme.child_id)
        .where(Programme.id == programme_id, child_in_reach(by))
    )
    return _one(db, statement, "programme", programme_id)


def get_session(*, db: Session, session_id: str, by: User) -> ProgrammeSession:
    statement = (
        select(ProgrammeSession)
        .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
        .join(Child, col(Child.id) == Programme.child_id)
        .where(ProgrammeSession.id == session_id, child_in_reach(by))
    )
    return _one(db, statement, "session", session_id)


def get_carer(*, db: Session, carer_id: str, by: User) -> Carer:
    statement = (
        select(Carer)
        .join(Child, col(Child.id) == Carer.child_id)
        .where(Carer.id == carer_id, child_in_reach(by))
    )
    return _one(db, statement, "carer", carer_id)


def get_consent(*, db: Session, consent_id: str, by: User) -> Consent:
    statement = (
        select(Consent)
        .join(Programme, col(Programme.id) == Consent.programme_id)
        .join(Child, col(Child.id) == Programme.child_id)
        .where(Consent.id == consent_id, child_in_reach(by))
    )
    return _one(db, statement, "consent", consent_id)


def get_assessment(*, db: Session, assessment_id: str, by: User) -> Assessment:
    statement = (
        select(Assessment)
        .join(Child, col(Child.id) == Assessment.child_id)
        .where(Assessment.id == assessment_id, child_in_reach(by))
    )
    return _one(db, statement, "assessment", assessment_id)


def _with_programme(
    db: Session, record: type[Clip] | type[Recording], ident: str, what: str, by: User
) -> tuple[Any, Programme]:
    """A clip or recording with its programme, if `by` reaches the child they belong to."""
    statement = (
        select(record, Programme)
        .join(ProgrammeSession, col(ProgrammeSession.id) == record.session_id)
        .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
        .join(Child, col(Child.id) == Programme.child_id)
        .where(record.id == ident, child_in_reach(by))
    )
    found = db.exec(statement).first()
    if found is None:
        raise NotFound.of(what, ident)
    return found[0], found[1]


def get_clip(*, db: Session, clip_id: str, by: User) -> tuple[Clip, Programme]:
    return _with_programme(db, Clip, clip_id, "clip", by)


def get_recording(*, db: Session, recording_id: str, by: User) -> tuple[Recording, Programme]:
    return _with_programme(db, Recording, recording_id, "recording", by)
