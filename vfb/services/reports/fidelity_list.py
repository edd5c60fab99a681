"""The team fidelity list: each programme with its verdict today and its failing criteria, read
from what vfb/services/infra/derived.py keeps beside it (the reading names children, so it is in
the audit trail once per request). The verdict today is vfb/programme/fidelity.py's
`verdict_now`; the filter and the tally apply the same rule in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_
from sqlmodel import Session, col, select

from vfb.models import Child, Programme, User
from vfb.models.reports import FidelityRow
from vfb.programme.fidelity import LATE_SPAN_TURNS, failing_now, verdict_now
from vfb.services.protection import audit_trail
from vfb.services.reports.scope import check_period, team_scope
from vfb.vocabulary import CriterionCode, ProgrammeStatus, Verdict


def _verdict_now(today: date) -> ColumnElement[Any]:
    """`fidelity.verdict_now` in SQL: the stored verdict, turned by `LATE_SPAN_TURNS` once the
    deadline of a pending `span` is before today (`fidelity.span_is_late`)."""
    late = and_(col(Programme.span_deadline).is_not(None), col(Programme.span_deadline) < today)
    return case(
        *(
            (and_(col(Programme.fidelity_verdict) == stored.value, late), literal(turned.value))
            for stored, turned in LATE_SPAN_TURNS.items()
        ),
        else_=col(Programme.fidelity_verdict),
    )


@dataclass(frozen=True)
class FidelityList:
    rows: list[FidelityRow]
    count: int
    verdicts: dict[str, int]


def fidelity_list(
    *,
    db: Session,
    by: User | None,
    today: date,
    team_id: str | None = None,
    worker_id: str | None = None,
    status: ProgrammeStatus | None = None,
    verdict: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> FidelityList:
    """Every programme of the team (filtered) with its verdict and failing criteria; `start`–`end`
    keeps programmes running at some time in the period (offered by its end, not ended before
    its start)."""
    team = team_scope(db, by, team_id)
    if start is not None and end is not None:
        check_period(start, end)
    now = _verdict_now(today).label("verdict")
    where: list[ColumnElement[bool]] = []
    if team is not None:
        where.append(col(Child.team_id) == team)
    if worker_id is not None:
        where.append(col(Programme.worker_id) == worker_id)
    if status is not None:
        where.append(col(Programme.status) == status)
    if end is not None:
        where.append(col(Programme.offered_on) <= end)
    if start is not None:
        where.append(or_(col(Programme.ended_on).is_(None), col(Programme.ended_on) >= start))
    base = select(Programme.id).join(Child, col(Child.id) == Programme.child_id).where(*where)
    tally = db.exec(
        select(now, func.count())
        .join(Child, col(Child.id) == Programme.child_id)
        .where(*where)
        .group_by(now)
    ).all()
    verdicts = {str(v): int(n) for v, n in tally}
    if verdict is not None:
        where.append(_verdict_now(today) == verdict)
        base = base.where(_verdict_now(today) == verdict)
    count = db.exec(select(func.count()).select_from(base.subquery())).one()
    statement = (
        select(Programme, Child.reference, User.username)
        .join(Child, col(Child.id) == Programme.child_id)
        .join(User, col(User.id) == Programme.worker_id)
        .where(*where)
        .order_by(col(Child.reference), col(Programme.offered_on), Programme.id)
        .limit(limit)
        .offset(offset)
    )
    rows = []
    for programme, reference, username in db.exec(statement):
        stored = Verdict(programme.fidelity_verdict)
        deadline = programme.span_deadline
        failing = [CriterionCode(code) for code in programme.fidelity_failing.split()]
        rows.append(
            FidelityRow(
                programme_id=programme.id,
                child_id=programme.child_id,
                child_reference=reference,
                worker_id=programme.worker_id,
                worker=username,
                status=programme.status.value,
                offered_on=programme.offered_on,
                ended_on=programme.ended_on,
                held_sessions=programme.held_sessions,
                first_held_on=programme.first_held_on,
                last_held_on=programme.last_held_on,
                verdict=verdict_now(stored, deadline, today=today).value,
                failing=[c.value for c in failing_now(stored, failing, deadline, today=today)],
            )
        )
    shown = f"{count} programme{'' if count == 1 else 's'}"
    audit_trail.record_read(db, "report.fidelity", detail=shown)
    return FidelityList(rows=rows, count=int(count), verdicts=verdicts)
