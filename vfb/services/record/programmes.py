"""Video feedback programmes: offering one, following it through, and the carers it is for."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from vfb.actions import Action
from vfb.errors import InvalidInput
from vfb.models import (
    Carer,
    Child,
    Programme,
    ProgrammeCarer,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammeUpdate,
    User,
)
from vfb.programme.rules import (
    ProgrammeState,
    change_programme,
    check_model,
    fmt,
    initial_status,
)
from vfb.review.schemes import load_scheme
from vfb.services.infra.paging import Page, page
from vfb.services.protection.access import (
    child_in_reach,
    get_child,
    get_programme,
    require,
    require_case_writer,
)
from vfb.vocabulary import ProgrammeStatus, Role


def _check_worker(db: Session, *, worker_id: str, child: Child, by: User) -> None:
    if worker_id != by.id:
        require(by, Action.case_allocate)
    worker = db.get(User, worker_id)
    if worker is None or worker.team_id != child.team_id or worker.role == Role.admin:
        raise InvalidInput(f"There is no worker with id {worker_id!r} in the child's team.")
    if worker.disabled:
        raise InvalidInput(f"{worker.username} is disabled and cannot deliver a programme.")


def _check_carers(db: Session, *, carer_ids: list[str], child: Child) -> None:
    for carer_id in carer_ids:
        carer = db.get(Carer, carer_id)
        if carer is None or carer.child_id != child.id:
            raise InvalidInput(f"There is no carer with id {carer_id!r} for this child.")


def _set_carers(db: Session, programme_id: str, carer_ids: list[str]) -> None:
    for link in db.exec(select(ProgrammeCarer).where(ProgrammeCarer.programme_id == programme_id)):
        db.delete(link)
    for carer_id in dict.fromkeys(carer_ids):
        db.add(ProgrammeCarer(programme_id=programme_id, carer_id=carer_id))


def public_many(db: Session, found: list[Programme]) -> list[ProgrammePublic]:
    """Programmes as the API shows them, with their carers: one query for the whole list."""
    carers: dict[str, list[str]] = {programme.id: [] for programme in found}
    links = select(ProgrammeCarer).where(col(ProgrammeCarer.programme_id).in_(list(carers)))
    for link in db.exec(links):
        carers[link.programme_id].append(link.carer_id)
    return [
        ProgrammePublic.model_validate(p, update={"carer_ids": sorted(carers[p.id])}) for p in found
    ]


def public(db: Session, programme: Programme) -> ProgrammePublic:
    return public_many(db, [programme])[0]


def create_programme(*, db: Session, data: ProgrammeCreate, by: User, now: datetime) -> Programme:
    child = get_child(db=db, child_id=data.child_id, by=by)
    require_case_writer(by)
    worker_id = data.worker_id or child.worker_id or by.id
    _check_worker(db, worker_id=worker_id, child=child, by=by)
    check_model(data.model)
    load_scheme(data.coding_scheme)
    if data.offered_on < child.date_of_birth:
        raise InvalidInput("A programme cannot be offered before the child was born.")
    if data.offered_on > now.date():
        raise InvalidInput(f"The offer date {fmt(data.offered_on)} is in the future.")
    _check_carers(db, carer_ids=data.carer_ids, child=child)
    programme = Programme(
        child_id=child.id,
        worker_id=worker_id,
        offered_on=data.offered_on,
        accepted=data.accepted,
        model=data.model,
        coding_scheme=data.coding_scheme,
        status=initial_status(data.accepted),
        created_at=now,
        updated_at=now,
    )
    db.add(programme)
    db.flush()
    _set_carers(db, programme.id, data.carer_ids)
    db.commit()
    db.refresh(programme)
    return programme


def update_programme(
    *, db: Session, programme_id: str, data: ProgrammeUpdate, by: User, now: datetime
) -> Programme:
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    require_case_writer(by)
    changes = data.model_dump(exclude_unset=True)
    state = change_programme(
        ProgrammeState(
            ProgrammeStatus(programme.status),
            programme.accepted,
            programme.offered_on,
            programme.ended_on,
        ),
        status=changes.get("status"),
        accepted=changes.get("accepted"),
        accepted_given="accepted" in changes,
        ended_on=changes.get("ended_on"),
        ended_on_given="ended_on" in changes,
    )
    if state.ended_on is not None and state.ended_on > now.date():
        raise InvalidInput(f"The end date {fmt(state.ended_on)} is in the future.")
    child = db.get(Child, programme.child_id)
    assert child is not None
    if "worker_id" in changes:
        _check_worker(db, worker_id=changes["worker_id"], child=child, by=by)
        programme.worker_id = changes["worker_id"]
    if "carer_ids" in changes:
        _check_carers(db, carer_ids=changes["carer_ids"], child=child)
        _set_carers(db, programme.id, changes["carer_ids"])
    programme.status = state.status
    programme.accepted = state.accepted
    programme.ended_on = state.ended_on
    programme.updated_at = now
    db.add(programme)
    db.commit()
    db.refresh(programme)
    return programme


def list_programmes(
    *,
    db: Session,
    by: User,
    child_id: str | None,
    team_id: str | None,
    worker_id: str | None,
    status: ProgrammeStatus | None,
    limit: int,
    offset: int,
) -> Page[Programme]:
    statement = (
        select(Programme)
        .join(Child, col(Child.id) == Programme.child_id)
        .where(child_in_reach(by))
        .order_by(col(Programme.offered_on).desc(), col(Programme.id))
    )
    if child_id is not None:
        statement = statement.where(Programme.child_id == child_id)
    if team_id is not None:
        statement = statement.where(Child.team_id == team_id)
    if worker_id is not None:
        statement = statement.where(Programme.worker_id == worker_id)
    if status is not None:
        statement = statement.where(Programme.status == status)
    return page(db, statement, limit=limit, offset=offset)
