"""Children, their carers and their assessments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from vfb.api.deps import CurrentUser, DbDep, IdFilter, IdPath, NowDep, PagingDep
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES, ListOf, list_of
from vfb.models import (
    AssessmentCreate,
    AssessmentPublic,
    CarerCreate,
    CarerPublic,
    CarerUpdate,
    ChildCreate,
    ChildPublic,
    ChildUpdate,
)
from vfb.services.protection import access
from vfb.services.record import children as service

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["children"], responses=ERROR_RESPONSES
)


@router.post("/children", response_model=ChildPublic, status_code=201)
def create_child(data: ChildCreate, db: DbDep, now: NowDep, user: CurrentUser) -> ChildPublic:
    return ChildPublic.model_validate(service.create_child(db=db, data=data, by=user, now=now))


@router.get("/children", response_model=ListOf[ChildPublic])
def list_children(
    db: DbDep,
    user: CurrentUser,
    paging: PagingDep,
    team_id: IdFilter = None,
    worker_id: IdFilter = None,
    open: Annotated[bool | None, Query(description="true: open cases; false: closed")] = None,
) -> ListOf[ChildPublic]:
    found = service.list_children(
        db=db,
        by=user,
        team_id=team_id,
        worker_id=worker_id,
        open_only=open,
        limit=paging.limit,
        offset=paging.offset,
    )
    return list_of(ChildPublic, found)


@router.get("/children/{child_id}", response_model=ChildPublic)
def get_child(child_id: IdPath, db: DbDep, user: CurrentUser) -> ChildPublic:
    return ChildPublic.model_validate(service.read_child(db=db, child_id=child_id, by=user))


@router.patch("/children/{child_id}", response_model=ChildPublic)
def update_child(
    child_id: IdPath, data: ChildUpdate, db: DbDep, now: NowDep, user: CurrentUser
) -> ChildPublic:
    return ChildPublic.model_validate(
        service.update_child(db=db, child_id=child_id, data=data, by=user, now=now)
    )


@router.get("/children/{child_id}/carers", response_model=list[CarerPublic])
def list_carers(child_id: IdPath, db: DbDep, user: CurrentUser) -> list[CarerPublic]:
    carers = service.list_carers(db=db, child_id=child_id, by=user)
    return [CarerPublic.model_validate(c) for c in carers]


@router.get("/children/{child_id}/assessments", response_model=list[AssessmentPublic])
def list_assessments(child_id: IdPath, db: DbDep, user: CurrentUser) -> list[AssessmentPublic]:
    found = service.list_assessments(db=db, child_id=child_id, by=user)
    return [AssessmentPublic.model_validate(a) for a in found]


@router.post("/carers", response_model=CarerPublic, status_code=201)
def add_carer(data: CarerCreate, db: DbDep, now: NowDep, user: CurrentUser) -> CarerPublic:
    return CarerPublic.model_validate(service.add_carer(db=db, data=data, by=user, now=now))


@router.get("/carers/{carer_id}", response_model=CarerPublic)
def get_carer(carer_id: IdPath, db: DbDep, user: CurrentUser) -> CarerPublic:
    return CarerPublic.model_validate(service.read_carer(db=db, carer_id=carer_id, by=user))


@router.patch("/carers/{carer_id}", response_model=CarerPublic)
def update_carer(carer_id: IdPath, data: CarerUpdate, db: DbDep, user: CurrentUser) -> CarerPublic:
    carer = access.get_carer(db=db, carer_id=carer_id, by=user)
    return CarerPublic.model_validate(service.update_carer(db=db, carer=carer, data=data, by=user))


@router.post("/assessments", response_model=AssessmentPublic, status_code=201)
def add_assessment(
    data: AssessmentCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> AssessmentPublic:
    return AssessmentPublic.model_validate(
        service.add_assessment(db=db, data=data, by=user, now=now)
    )


@router.get("/assessments/{assessment_id}", response_model=AssessmentPublic)
def get_assessment(assessment_id: IdPath, db: DbDep, user: CurrentUser) -> AssessmentPublic:
    return AssessmentPublic.model_validate(
        access.get_assessment(db=db, assessment_id=assessment_id, by=user)
    )
