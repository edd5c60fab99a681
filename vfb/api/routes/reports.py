"""Reports for managers and supervisors: the statement 3 measure (JSON, or CSV with
`Accept: text/csv`), the team fidelity list, and alerts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from vfb.api.deps import CurrentUser, DbDep, NowDep, PagingDep, wants_csv
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES
from vfb.models.reports import (
    Alert,
    BreakdownsPublic,
    FidelityListPublic,
    OutcomesPublic,
    PeriodPublic,
    PeriodsPublic,
    TrendPoint,
)
from vfb.services.reports import alerts as alerts_report
from vfb.services.reports import fidelity_list as fidelity_report
from vfb.services.reports import outcome_changes, scope
from vfb.services.reports import statement3 as statement3_report
from vfb.vocabulary import ProgrammeStatus, Verdict

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api/reports", tags=["reports"], responses=ERROR_RESPONSES
)

From = Annotated[date, Query(alias="from", description="First day of the period (inclusive)")]
To = Annotated[date, Query(alias="to", description="Last day of the period (inclusive)")]
GroupBy = Literal["care_status", "ethnicity", "disability", "attachment_status", "team", "age_band"]


@router.get(
    "/statement3",
    responses={200: {"content": {"text/csv": {}}, "description": "The report (JSON or CSV)"}},
)
def statement3(
    start: From,
    end: To,
    request: Request,
    db: DbDep,
    user: CurrentUser,
    team_id: str | None = None,
    group_by: GroupBy | None = None,
    suppress: Annotated[
        bool, Query(description="Show counts of 1–4 in the breakdown as `<5`, for publication")
    ] = False,
) -> Any:
    """The QS133 statement 3 measure for the period: `denominator` (preschool children with or at
    risk of attachment difficulties), `numerator` (= `started`: a programme with a held session by
    `to`), `proportion`, `offered`, `completed`, `completed_to_fidelity`, and `groups` when
    `group_by` is given."""
    report = statement3_report.statement3(
        db=db, by=user, start=start, end=end, team_id=team_id, group_by=group_by
    )
    if wants_csv(request):
        name = f"statement3-{start.isoformat()}-{end.isoformat()}.csv"
        return Response(
            statement3_report.export_statement3(db, report, suppress=suppress),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return statement3_report.statement3_public(report, suppress=suppress)


@router.get("/statement3/quarters", response_model=list[TrendPoint])
def statement3_quarters(
    end: To,
    db: DbDep,
    user: CurrentUser,
    team_id: str | None = None,
    count: Annotated[int, Query(ge=1, le=12)] = 4,
) -> list[TrendPoint]:
    """The measure for each of the `count` financial quarters (April–June is Q1) up to the one
    holding `to`."""
    points = []
    for quarter in scope.quarters(end, count):
        report = statement3_report.statement3(
            db=db, by=user, start=quarter.start, end=quarter.end, team_id=team_id
        )
        total = report.total
        points.append(
            TrendPoint(
                from_=quarter.start,
                to=quarter.end,
                label=quarter.label,
                denominator=total.denominator,
                numerator=total.started,
                proportion=None if total.proportion is None else round(total.proportion, 4),
            )
        )
    return points


@router.get("/periods", response_model=PeriodsPublic)
def periods(now: NowDep, _user: CurrentUser) -> PeriodsPublic:
    """Today's financial quarter, the one before it and today's financial year (1 April to 31
    March), with their labels ("2026-27 Q1", "2026-27"): the dashboard's ranges."""
    found = scope.periods(now.date())
    return PeriodsPublic(
        **{name: PeriodPublic(from_=p.start, to=p.end, label=p.label) for name, p in found.items()}
    )


@router.get("/fidelity", response_model=FidelityListPublic)
def fidelity(
    db: DbDep,
    now: NowDep,
    user: CurrentUser,
    paging: PagingDep,
    team_id: str | None = None,
    worker_id: str | None = None,
    status: ProgrammeStatus | None = None,
    verdict: Verdict | None = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> FidelityListPublic:
    """Every programme of the team with its verdict and failing criteria, filterable by worker,
    status, verdict and period (programmes running at some time in it); `verdicts` counts them
    all by verdict."""
    found = fidelity_report.fidelity_list(
        db=db, by=user, today=now.date(), team_id=team_id, worker_id=worker_id, status=status,
        verdict=verdict, start=start, end=end, limit=paging.limit, offset=paging.offset,
    )  # fmt: skip
    return FidelityListPublic(
        data=found.rows,
        count=found.count,
        limit=paging.limit,
        offset=paging.offset,
        verdicts=found.verdicts,
    )


@router.get("/alerts", response_model=list[Alert])
def alerts(db: DbDep, now: NowDep, user: CurrentUser, team_id: str | None = None) -> list[Alert]:
    """Active programmes needing attention: no held session for more than 21 days (`quiet`), or
    failing `assessment_before_start`, `session_length`, `filming`, `shared_review` or
    `trained_worker`."""
    found = alerts_report.alerts(db=db, by=user, today=now.date(), team_id=team_id)
    return found


@router.get("/outcomes", response_model=OutcomesPublic)
def outcomes(
    start: From, end: To, db: DbDep, user: CurrentUser, team_id: str | None = None
) -> OutcomesPublic:
    """For the period's denominator: the mean change in carer scores on each scale for children
    whose programme was completed (those with scores before and after), and the rate of
    placement breakdowns beside the proportion reached."""
    found = outcome_changes.outcomes(db=db, by=user, start=start, end=end, team_id=team_id)
    return OutcomesPublic(
        from_=start,
        to=end,
        scales=found.scales,
        breakdowns=BreakdownsPublic(
            denominator=found.denominator,
            children_with_breakdown=found.children_with_breakdown,
            rate=found.breakdown_rate,
            reached_rate=found.reached_rate,
        ),
    )
