"""Outcomes for the children in a period's statement 3 denominator: the change in carer scores,
and placement breakdowns beside the children reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from vfb.models import CarerScore, Child, PlacementBreakdown, User
from vfb.models.reports import ScaleChange
from vfb.services.reports.scope import check_period, team_scope
from vfb.services.reports.statement3 import in_denominator


@dataclass(frozen=True)
class Outcomes:
    scales: list[ScaleChange]
    denominator: int
    children_with_breakdown: int
    reached: int

    @property
    def breakdown_rate(self) -> float | None:
        return None if not self.denominator else self.children_with_breakdown / self.denominator

    @property
    def reached_rate(self) -> float | None:
        return None if not self.denominator else self.reached / self.denominator


def outcomes(
    *, db: Session, by: User | None, start: date, end: date, team_id: str | None = None
) -> Outcomes:
    """For the children in the period's denominator: the change in carer scores (each child's mean
    after minus mean before, on each scale) for those whose programme was completed by `end`, and
    how many had a placement breakdown in the period, beside how many were reached."""
    check_period(start, end)
    team = team_scope(db, by, team_id)
    where = [in_denominator(start, end)]
    if team is not None:
        where.append(col(Child.team_id) == team)
    completed = and_(*where, col(Child.first_completed_on) <= end)
    per_child = db.exec(
        select(CarerScore.child_id, CarerScore.scale, CarerScore.timing, func.avg(CarerScore.value))
        .join(Child, col(Child.id) == CarerScore.child_id)
        .where(completed)
        .group_by(CarerScore.child_id, CarerScore.scale, CarerScore.timing)
    ).all()
    found: dict[tuple[str, str], dict[str, float]] = {}
    for child_id, scale, timing, mean in per_child:
        found.setdefault((scale, child_id), {})[
            str(timing.value if hasattr(timing, "value") else timing)
        ] = float(mean)
    by_scale: dict[str, list[tuple[float, float]]] = {}
    for (scale, _), values in found.items():
        if "before" in values and "after" in values:
            by_scale.setdefault(scale, []).append((values["before"], values["after"]))
    scales = [
        ScaleChange(
            scale=scale,
            children=len(pairs),
            mean_before=sum(b for b, _ in pairs) / len(pairs),
            mean_after=sum(a for _, a in pairs) / len(pairs),
            mean_change=sum(a - b for b, a in pairs) / len(pairs),
        )
        for scale, pairs in sorted(by_scale.items())
    ]
    broke = (
        select(PlacementBreakdown.id)
        .where(
            col(PlacementBreakdown.child_id) == Child.id,
            col(PlacementBreakdown.occurred_on) >= start,
            col(PlacementBreakdown.occurred_on) <= end,
        )
        .exists()
    )
    denominator, with_breakdown, reached = db.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((broke, 1), else_=0)), 0),
            func.coalesce(func.sum(case((col(Child.first_started_on) <= end, 1), else_=0)), 0),
        ).where(*where)
    ).one()
    return Outcomes(scales, int(denominator), int(with_breakdown), int(reached))
