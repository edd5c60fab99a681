"""Who can see and change what. Anything outside a user's reach is reported as not found.

- worker: the children allocated to them, and children of programmes they deliver;
- supervisor: their team's children, read-only;
- manager: their team's children, read and write (allocating workers too);
- admin: teams and users only, never case records.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar, cast

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

Found = TypeVar("Found")


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


class Reach(Generic[Found]):
    """The lookup of one kind of record through `_reach`, called as its name says:
    `get_child(db=db, child_id=…, by=user)`."""

    def __init__(self, record: type[Any], what: str) -> None:
        self.record, self.what = record, what

    def __call__(self, *, db: Session, by: User, **ident: str) -> Found:
        ((name, value),) = ident.items()
        assert name == f"{self.what}_id", f"look a {self.what} up by {self.what}_id, not {name}"
        return cast(Found, _reach(db, self.record, value, self.what, by))


get_child: Reach[Child] = Reach(Child, "child")
get_programme: Reach[Programme] = Reach(Programme, "programme")
get_session: Reach[ProgrammeSession] = Reach(ProgrammeSession, "session")
get_carer: Reach[Carer] = Reach(Carer, "carer")
get_consent: Reach[Consent] = Reach(Consent, "consent")
get_assessment: Reach[Assessment] = Reach(Assessment, "assessment")
get_clip: Reach[tuple[Clip, Programme]] = Reach(Clip, "clip")  # footage comes with its programme
get_recording: Reach[tuple[Recording, Programme]] = Reach(Recording, "recording")
