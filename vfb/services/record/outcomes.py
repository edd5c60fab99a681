"""Outcomes recorded for a child: carer sensitivity/responsiveness scores (scale, value, date,
before or after the programme) and care placement breakdowns."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from vfb.errors import InvalidInput
from vfb.models import (
    CarerScore,
    CarerScoreCreate,
    PlacementBreakdown,
    PlacementBreakdownCreate,
    Programme,
    User,
)
from vfb.services.protection.access import get_child, require_case_writer


def add_score(*, db: Session, data: CarerScoreCreate, by: User, now: datetime) -> CarerScore:
    child = get_child(db=db, child_id=data.child_id, by=by)
    require_case_writer(by)
    if data.programme_id is not None:
        programme = db.get(Programme, data.programme_id)
        if programme is None or programme.child_id != child.id:
            raise InvalidInput("The programme must be one of this child's.")
    if not data.scale.strip():
        raise InvalidInput("Name the scale the score is on.")
    values = data.model_dump() | {"scale": data.scale.strip()}
    score = CarerScore(**values, recorded_by_id=by.id, created_at=now)
    db.add(score)
    db.commit()
    db.refresh(score)
    return score


def list_scores(*, db: Session, child_id: str, by: User) -> list[CarerScore]:
    child = get_child(db=db, child_id=child_id, by=by)
    statement = (
        select(CarerScore)
        .where(CarerScore.child_id == child.id)
        .order_by(col(CarerScore.measured_on), CarerScore.id)
    )
    return list(db.exec(statement).all())


def add_breakdown(
    *, db: Session, data: PlacementBreakdownCreate, by: User, now: datetime
) -> PlacementBreakdown:
    get_child(db=db, child_id=data.child_id, by=by)
    require_case_writer(by)
    found = PlacementBreakdown(**data.model_dump(), recorded_by_id=by.id, created_at=now)
    db.add(found)
    db.commit()
    db.refresh(found)
    return found


def list_breakdowns(*, db: Session, child_id: str, by: User) -> list[PlacementBreakdown]:
    child = get_child(db=db, child_id=child_id, by=by)
    statement = (
        select(PlacementBreakdown)
        .where(PlacementBreakdown.child_id == child.id)
        .order_by(col(PlacementBreakdown.occurred_on), PlacementBreakdown.id)
    )
    return list(db.exec(statement).all())
