"""Who can see and change what. Anything outside a user's reach is reported as not found.

- worker: the children allocated to them, and children of programmes they deliver;
- supervisor: their team's children, read-only;
- manager: their team's children, read and write (allocating workers too);
- admin: teams and users only, never case records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import Session, col, select

from vfb.actions import ACTIONS, Action
from vfb.errors import ConsentMissing, NotAllowed, NotFound
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
from vfb.vocabulary import ConsentScope, Role


def child_in_reach(by: User) -> ColumnElement[bool]:
    """A SQL condition on `Child` that holds for the children `by` may see."""
    if by.role == Role.worker:
        delivers = select(Programme.child_id).where(Programme.worker_id == by.id)
        return or_(col(Child.worker_id) == by.id, col(Child.id).in_(delivers))
    if by.role in (Role.supervisor, Role.manager):
        return col(Child.team_id) == by.team_id
    return false()


def require(by: User, action: Action) -> None:
    """Refuse (403) a user whose role may not do `action`, in the words of the actions table."""
    rule = ACTIONS[action]
    if by.role not in rule.roles:
        raise NotAllowed(rule.refusal_for(by.role))


def require_consent(
    *,
    db: Session,
    action: Action,
    programme: Programme,
    by: User | None,
    today: date,
    doing: str | None = None,
) -> None:
    """Refuse (409) unless the carer's consent `action` needs (actions table) is in force today
    for `programme`; `by` None is the operator at the command line, to whom it applies too."""
    rule = ACTIONS[action]
    delivers = by is None or by.id == programme.worker_id
    if by is not None and not rule.needs_consent(by.role, delivers=delivers):
        return
    if rule.consent is None:
        return
    if not consent_in_force(db=db, programme_id=programme.id, scope=rule.consent, today=today):
        raise ConsentMissing(
            f"vfb cannot {doing or rule.doing}: no carer has given "
            f"{rule.consent.value.replace('_', ' ')} consent for this programme (or it was "
            "withdrawn). Record their consent first."
        )


def consent_in_force(*, db: Session, programme_id: str, scope: ConsentScope, today: date) -> bool:
    """Whether a carer's `scope` consent for the programme is in force on `today`."""
    found = db.exec(
        select(Consent.id).where(
            Consent.programme_id == programme_id,
            Consent.scope == scope,
            col(Consent.given_on) <= today,
            or_(col(Consent.withdrawn_on).is_(None), col(Consent.withdrawn_on) > today),
        )
    ).first()
    return found is not None


def require_case_writer(by: User) -> None:
    require(by, Action.case_write)


def require_admin(by: User) -> None:
    require(by, Action.accounts)


# The way up from each kind of record to the child it belongs to: the record's column that names
# its parent, and the parent's kind. Every lookup below follows this table to `Child`.
_PARENT: dict[type[Any], tuple[str, type[Any]]] = {
    Programme: ("child_id", Child),
    Carer: ("child_id", Child),
    Assessment: ("child_id", Child),
    ProgrammeSession: ("programme_id", Programme),
    Consent: ("programme_id", Programme),
    Clip: ("session_id", ProgrammeSession),
    Recording: ("session_id", ProgrammeSession),
}


def _reach(db: Session, record: type[Any], ident: str, what: str, by: User) -> Any:
    """The row of `record` called `ident` (with its programme, for footage), if `by` reaches
    the child it belongs to; otherwise not found."""
    with_programme = _PARENT.get(record, (None, None))[1] is ProgrammeSession
    statement: Any = select(record, Programme) if with_programme else select(record)
    kind = record
    while kind is not Child:
        column, parent = _PARENT[kind]
        statement = statement.join(parent, col(parent.id) == getattr(kind, column))
        kind = parent
    found = db.exec(statement.where(col(record.id) == ident, child_in_reach(by))).first()
    if found is None:
        raise NotFound.of(what, ident)
    return (found[0], found[1]) if with_programme else found


def get_child(*, db: Session, child_id: str, by: User) -> Child:
    return _reach(db, Child, child_id, "child", by)  # type: ignore[no-any-return]


def get_programme(*, db: Session, programme_id: str, by: User) -> Programme:
    return _reach(db, Programme, programme_id, "programme", by)  # type: ignore[no-any-return]


def get_session(*, db: Session, session_id: str, by: User) -> ProgrammeSession:
    return _reach(db, ProgrammeSession, session_id, "session", by)  # type: ignore[no-any-return]


def get_carer(*, db: Session, carer_id: str, by: User) -> Carer:
    return _reach(db, Carer, carer_id, "carer", by)  # type: ignore[no-any-return]


def get_consent(*, db: Session, consent_id: str, by: User) -> Consent:
    return _reach(db, Consent, consent_id, "consent", by)  # type: ignore[no-any-return]


def get_assessment(*, db: Session, assessment_id: str, by: User) -> Assessment:
    return _reach(db, Assessment, assessment_id, "assessment", by)  # type: ignore[no-any-return]


def get_clip(*, db: Session, clip_id: str, by: User) -> tuple[Clip, Programme]:
    return _reach(db, Clip, clip_id, "clip", by)  # type: ignore[no-any-return]


def get_recording(*, db: Session, recording_id: str, by: User) -> tuple[Recording, Programme]:
    return _reach(db, Recording, recording_id, "recording", by)  # type: ignore[no-any-return]
