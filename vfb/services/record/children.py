"""Children on a team's caseload, their carers and their comprehensive assessments. Reading a
child's record or its carers is in the audit trail, once per request."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from vfb.actions import Action
from vfb.errors import Conflict, InvalidInput
from vfb.models import (
    Assessment,
    AssessmentCreate,
    Carer,
    CarerCreate,
    CarerUpdate,
    Child,
    ChildCreate,
    ChildUpdate,
    User,
)
from vfb.programme.rules import check_assessment_date, check_child_dates
from vfb.services.infra.paging import Page, apply_changes, page
from vfb.services.protection import audit_trail
from vfb.services.protection.access import (
    child_in_reach,
    get_carer,
    get_child,
    require,
    require_case_writer,
)
from vfb.vocabulary import Role


def _check_allocation(*, db: Session, team_id: str, worker_id: str | None, by: User) -> None:
    if team_id != by.team_id:
        raise InvalidInput("A child can only be on your own team's caseload.")
    if worker_id is None:
        return
    if worker_id != by.id:
        require(by, Action.case_allocate)
    worker = db.get(User, worker_id)
    if worker is None or worker.team_id != team_id or worker.role == Role.admin:
        raise InvalidInput(f"There is no worker with id {worker_id!r} in this team.")
    if worker.disabled:
        raise InvalidInput(f"{worker.username} is disabled and cannot be allocated children.")


def _check_reference_free(db: Session, *, team_id: str, reference: str, not_id: str | None) -> None:
    statement = select(Child).where(Child.team_id == team_id, Child.reference == reference)
    clash = db.exec(statement).first()
    if clash is not None and clash.id != not_id:
        raise Conflict(f"Your team already has a child with the reference {reference!r}.")


def create_child(*, db: Session, data: ChildCreate, by: User, now: datetime) -> Child:
    require_case_writer(by)
    team_id = data.team_id or by.team_id
    worker_id = (
        data.worker_id
        if data.worker_id is not None
        else (by.id if by.role == Role.worker else None)
    )
    _check_allocation(db=db, team_id=team_id, worker_id=worker_id, by=by)
    check_child_dates(
        date_of_birth=data.date_of_birth,
        identified_on=data.identified_on,
        closed_on=data.closed_on,
        today=now.date(),
    )
    reference = data.reference.strip()
    _check_reference_free(db, team_id=team_id, reference=reference, not_id=None)
    child = Child.model_validate(
        data.model_dump(exclude={"team_id", "worker_id", "reference"}),
        update={
            "reference": reference,
            "team_id": team_id,
            "worker_id": worker_id,
            "created_at": now,
            "updated_at": now,
        },
    )
    db.add(child)
    db.commit()
    db.refresh(child)
    return child


def read_child(*, db: Session, child_id: str, by: User) -> Child:
    child = get_child(db=db, child_id=child_id, by=by)
    audit_trail.record_read(
        db, "child.read", target_type="child", target_id=child.id, child_id=child.id
    )
    return child


def update_child(
    *, db: Session, child_id: str, data: ChildUpdate, by: User, now: datetime
) -> Child:
    child = get_child(db=db, child_id=child_id, by=by)
    require_case_writer(by)
    changes = data.model_dump(exclude_unset=True)
    if "team_id" in changes or "worker_id" in changes:
        _check_allocation(
            db=db,
            team_id=changes.get("team_id", child.team_id),
            worker_id=changes.get("worker_id", child.worker_id),
            by=by,
        )
    check_child_dates(
        date_of_birth=changes.get("date_of_birth", child.date_of_birth),
        identified_on=changes.get("identified_on", child.identified_on),
        closed_on=changes.get("closed_on", child.closed_on),
        today=now.date(),
    )
    if "reference" in changes:
        changes["reference"] = changes["reference"].strip()
        _check_reference_free(
            db, team_id=child.team_id, reference=changes["reference"], not_id=child.id
        )
    apply_changes(child, changes | {"updated_at": now})
    db.add(child)
    db.commit()
    db.refresh(child)
    return child


def list_children(
    *,
    db: Session,
    by: User,
    team_id: str | None,
    worker_id: str | None,
    open_only: bool | None,
    limit: int,
    offset: int,
) -> Page[Child]:
    statement = select(Child).where(child_in_reach(by)).order_by(col(Child.reference))
    if team_id is not None:
        statement = statement.where(Child.team_id == team_id)
    if worker_id is not None:
        statement = statement.where(Child.worker_id == worker_id)
    if open_only is True:
        statement = statement.where(col(Child.closed_on).is_(None))
    elif open_only is False:
        statement = statement.where(col(Child.closed_on).is_not(None))
    return page(db, statement, limit=limit, offset=offset)


def add_carer(*, db: Session, data: CarerCreate, by: User, now: datetime) -> Carer:
    get_child(db=db, child_id=data.child_id, by=by)
    require_case_writer(by)
    carer = Carer.model_validate(
        data, update={"display_name": data.display_name.strip(), "created_at": now}
    )
    db.add(carer)
    db.commit()
    db.refresh(carer)
    return carer


def update_carer(*, db: Session, carer: Carer, data: CarerUpdate, by: User) -> Carer:
    require_case_writer(by)
    apply_changes(carer, data.model_dump(exclude_unset=True))
    db.add(carer)
    db.commit()
    db.refresh(carer)
    return carer


def list_carers(*, db: Session, child_id: str, by: User) -> list[Carer]:
    get_child(db=db, child_id=child_id, by=by)
    audit_trail.record_read(
        db, "carers.read", target_type="child", target_id=child_id, child_id=child_id
    )
    statement = select(Carer).where(Carer.child_id == child_id).order_by(col(Carer.created_at))
    return list(db.exec(statement).all())


def read_carer(*, db: Session, carer_id: str, by: User) -> Carer:
    carer = get_carer(db=db, carer_id=carer_id, by=by)
    audit_trail.record_read(
        db, "carers.read", target_type="carer", target_id=carer.id, child_id=carer.child_id
    )
    return carer


def add_assessment(*, db: Session, data: AssessmentCreate, by: User, now: datetime) -> Assessment:
    child = get_child(db=db, child_id=data.child_id, by=by)
    require_case_writer(by)
    check_assessment_date(
        completed_on=data.completed_on, date_of_birth=child.date_of_birth, today=now.date()
    )
    assessment = Assessment.model_validate(data, update={"created_at": now})
    db.add(assessment)
    db.commit()
    db.refresh(assessment)
    return assessment


def list_assessments(*, db: Session, child_id: str, by: User) -> list[Assessment]:
    get_child(db=db, child_id=child_id, by=by)
    statement = (
        select(Assessment)
        .where(Assessment.child_id == child_id)
        .order_by(col(Assessment.completed_on))
    )
    return list(db.exec(statement).all())
