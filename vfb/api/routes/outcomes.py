"""Outcomes recorded for a child: carer scores and placement breakdowns."""

from __future__ import annotations

from fastapi import APIRouter

from vfb.api.deps import CurrentUser, DbDep, IdPath, NowDep
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES
from vfb.models import (
    CarerScoreCreate,
    CarerScorePublic,
    PlacementBreakdownCreate,
    PlacementBreakdownPublic,
)
from vfb.services.record import outcomes

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["outcomes"], responses=ERROR_RESPONSES
)


@router.post("/carer-scores", response_model=CarerScorePublic, status_code=201)
def add_score(
    data: CarerScoreCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> CarerScorePublic:
    """A carer sensitivity/responsiveness score on a named standardised scale, `before` or
    `after` the programme."""
    return CarerScorePublic.model_validate(outcomes.add_score(db=db, data=data, by=user, now=now))


@router.get("/children/{child_id}/carer-scores", response_model=list[CarerScorePublic])
def list_scores(child_id: IdPath, db: DbDep, user: CurrentUser) -> list[CarerScorePublic]:
    found = outcomes.list_scores(db=db, child_id=child_id, by=user)
    return [CarerScorePublic.model_validate(s) for s in found]


@router.post("/placement-breakdowns", response_model=PlacementBreakdownPublic, status_code=201)
def add_breakdown(
    data: PlacementBreakdownCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> PlacementBreakdownPublic:
    """A care placement that broke down, and when."""
    found = outcomes.add_breakdown(db=db, data=data, by=user, now=now)
    return PlacementBreakdownPublic.model_validate(found)


@router.get(
    "/children/{child_id}/placement-breakdowns", response_model=list[PlacementBreakdownPublic]
)
def list_breakdowns(
    child_id: IdPath, db: DbDep, user: CurrentUser
) -> list[PlacementBreakdownPublic]:
    found = outcomes.list_breakdowns(db=db, child_id=child_id, by=user)
    return [PlacementBreakdownPublic.model_validate(b) for b in found]
