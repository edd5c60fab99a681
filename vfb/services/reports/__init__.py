"""The manager's reports, computed by the database in one indexed pass (never by loading every row
into Python), with the same SQL on SQLite and PostgreSQL:

- the QS133 statement 3 measure for a period, whole and broken down (DOMAIN.md);
- the team fidelity list, each programme with its verdict and failing criteria;
- alerts for active programmes.

A CSV export of the measure and every reading of the fidelity list (which names children) are
in the audit trail, once per request.

The rules are vfb/programme/measure.py's and vfb/programme/fidelity.py's; the counts read the
fields vfb/services/infra/derived.py keeps beside each child and programme.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_
from sqlmodel import Session, col, select

from vfb.actions import Action
from vfb.errors import InvalidInput, NotFound
from vfb.models import CarerScore, Child, PlacementBreakdown, Programme, Team, User
from vfb.models.enums import ProgrammeStatus
from vfb.programme.measure import GROUP_FIELDS, Counts
from vfb.programme.periods import (
    Period,
    financial_year,
    quarter_before,
    quarter_of,
    quarters_up_to,
)
from vfb.programme.rules import fmt
from vfb.services.protection import audit_trail
from vfb.services.protection.access import require
from vfb.spreadsheet import SafeWriter

NOT_RECORDED = "not recorded"
QUIET_DAYS = 21  # an active programme with no held session for longer than this is flagged
ALERT_CODES = (
    "assessment_before_start",
    "session_length",
    "filming",
    "shared_review",
    "trained_worker",
)


# -- who may see which team ---------------------------------------------------------------------


def team_scope(db: Session, by: User | None, team_id: str | None) -> str | None:
    """The team a report covers (None: every team, for the operator at the command line)."""
    if by is None:
        if team_id is not None and db.get(Team, team_id) is None:
            raise NotFound.of("team", team_id)
        return team_id
    require(by, Action.reports)
    if team_id is not None and team_id != by.team_id:
        raise NotFound.of("team", team_id)
    return by.team_id


EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)


def check_period(start: date, end: date) -> None:
    for day in (start, end):
        if not EARLIEST <= day <= LATEST:
            raise InvalidInput(f"Reports cover dates from 1900 to 2200, not {fmt(day)}.")
    if end < start:
        raise InvalidInput(f"The period must end on or after its start ({fmt(start)}).")


# -- statement 3 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    key: str
    counts: Counts


@dataclass(frozen=True)
class Statement3:
    start: date
    end: date
    team_id: str | None
    total: Counts
    group_by: str | None = None
    groups: list[Group] = field(default_factory=list)


def _in_denominator(start: date, end: date) -> ColumnElement[bool]:
    """Some day of `start`–`end` is on or after identification, on or before closure, and before
    the 5th birthday: max(start, identified_on) ≤ min(end, closed_on, turns_5_on − 1 day)."""
    open_then = or_(
        col(Child.closed_on).is_(None),
        and_(col(Child.closed_on) >= start, col(Child.closed_on) >= Child.identified_on),
    )
    return and_(
        col(Child.identified_on) <= end,
        open_then,
        col(Child.turns_5_on) > start,
        col(Child.turns_5_on) > Child.identified_on,
    )


def _first_day(start: date) -> ColumnElement[Any]:
    return case((col(Child.identified_on) > start, Child.identified_on), else_=literal(start))


def _group_key(name: str, start: date) -> ColumnElement[Any]:
    if name == "age_band":
        first = _first_day(start)
        return case(
            (first < Child.turns_1_on, literal("0-1")),
            (first < Child.turns_2_on, literal("1-2")),
            (first < Child.turns_3_on, literal("2-3")),
            (first < Child.turns_4_on, literal("3-4")),
            else_=literal("4-5"),
        )
    if name == "team":
        return Team.__table__.c.name  # type: ignore[attr-defined, no-any-return]
    if name == "ethnicity":
        return func.coalesce(Child.ethnicity, literal(NOT_RECORDED))
    return Child.__table__.c[name]  # type: ignore[attr-defined, no-any-return]


def statement3(
    *,
    db: Session,
    by: User | None,
    start: date,
    end: date,
    team_id: str | None = None,
    group_by: str | None = None,
) -> Statement3:
    check_period(start, end)
    if group_by is not None and group_by not in GROUP_FIELDS:
        raise InvalidInput(f"group_by must be one of: {', '.join(GROUP_FIELDS)}.")
    team = team_scope(db, by, team_id)

    def reached(day: Any) -> Any:
        return func.coalesce(func.sum(case((day <= end, 1), else_=0)), 0)

    counts = [
        func.count(),
        reached(Child.first_offered_on),
        reached(Child.first_started_on),
        reached(Child.first_completed_on),
        reached(Child.first_completed_met_on),
    ]
    where = [_in_denominator(start, end)]
    if team is not None:
        where.append(col(Child.team_id) == team)
    total_row = db.exec(select(*counts).where(*where)).one()
    total = Counts(*(int(v) for v in total_row))
    groups: list[Group] = []
    if group_by is not None:
        key = _group_key(group_by, start).label("key")
        statement = select(key, *counts).where(*where)
        if group_by == "team":
            statement = statement.join(Team, col(Team.id) == Child.team_id)
        statement = statement.group_by(key).order_by(key)
        groups = [
            Group(str(row[0]), Counts(*(int(v) for v in row[1:]))) for row in db.exec(statement)
        ]
    return Statement3(start, end, team, total, group_by, groups)


SMALL = 5  # counts of 1 to 4 are shown as "<5" when published, as UK official statistics do


def counts_public(counts: Counts, *, suppress: bool = False) -> dict[str, Any]:
    """The contract's names; with `suppress`, counts of 1–4 (and proportions made from them)
    become "<5"."""
    values: dict[str, Any] = {
        "denominator": counts.denominator,
        "numerator": counts.started,
        "proportion": None if counts.proportion is None else round(counts.proportion, 4),
        "offered": counts.offered,
        "started": counts.started,
        "completed": counts.completed,
        "completed_to_fidelity": counts.completed_to_fidelity,
    }
    if suppress:
        small = [k for k, v in values.items() if isinstance(v, int) and 0 < v < SMALL]
        for name in small:
            values[name] = "<5"
        if {"denominator", "numerator"} & set(small) and values["proportion"] is not None:
            values["proportion"] = "<5"
    return values


def statement3_public(report: Statement3, *, suppress: bool = False) -> dict[str, Any]:
    return {
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "team_id": report.team_id,
        **counts_public(report.total),
        "group_by": report.group_by,
        "suppressed": suppress,
        "groups": [
            {"key": g.key, **counts_public(g.counts, suppress=suppress)} for g in report.groups
        ],
    }


CSV_COLUMNS = (
    "from", "to", "group_by", "key", "denominator", "numerator", "proportion", "offered",
    "started", "completed", "completed_to_fidelity",
)  # fmt: skip


def statement3_csv(report: Statement3, *, suppress: bool = False) -> str:
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = [("", "all", counts_public(report.total))]
    rows += [
        (report.group_by or "", g.key, counts_public(g.counts, suppress=suppress))
        for g in report.groups
    ]
    for group_by, key, values in rows:
        writer.writerow(
            [report.start.isoformat(), report.end.isoformat(), group_by, key]
            + ["" if values[c] is None else values[c] for c in CSV_COLUMNS[4:]]
        )
    return out.getvalue()


def export_statement3(db: Session, report: Statement3, *, suppress: bool = False) -> str:
    """The report as CSV, on record as an export (`report.statement3`)."""
    said = f"CSV, {report.start.isoformat()} to {report.end.isoformat()}"
    if report.group_by:
        said += f", by {report.group_by}"
    if report.team_id is None:
        said += ", every team"
    elif report.team_id != audit_trail.actor_of(db).team_id:
        said += f", team {report.team_id}"
    audit_trail.record_read(db, "report.statement3", detail=said)
    return statement3_csv(report, suppress=suppress)


def quarters(end: date, count: int) -> list[Period]:
    """The `count` financial quarters (vfb/programme/periods.py) ending with the one that holds
    `end`, oldest first."""
    check_period(end, end)
    return quarters_up_to(end, count)


def periods(today: date) -> dict[str, Period]:
    """The dashboard's ready-made ranges for `today`: this and last financial quarter, this
    financial year."""
    this = quarter_of(today)
    return {
        "this_quarter": this,
        "last_quarter": quarter_before(this),
        "this_year": financial_year(today),
    }


# -- the team fidelity list ---------------------------------------------------------------------


def _verdict_now(today: date) -> ColumnElement[Any]:
    """The stored verdict, with the one date rule applied: `span` fails once today is after the
    deadline, which turns an active programme that was on track off track."""
    late = and_(col(Programme.span_deadline).is_not(None), col(Programme.span_deadline) < today)
    return case(
        (and_(col(Programme.fidelity_verdict) == "on_track", late), literal("off_track")),
        else_=col(Programme.fidelity_verdict),
    )


@dataclass(frozen=True)
class FidelityRow:
    programme_id: str
    child_id: str
    child_reference: str
    worker_id: str
    worker: str
    status: str
    offered_on: date
    ended_on: date | None
    held_sessions: int
    first_held_on: date | None
    last_held_on: date | None
    verdict: str
    failing: list[str]


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
        select(Programme, Child.reference, User.username, now)
        .join(Child, col(Child.id) == Programme.child_id)
        .join(User, col(User.id) == Programme.worker_id)
        .where(*where)
        .order_by(col(Child.reference), col(Programme.offered_on), Programme.id)
        .limit(limit)
        .offset(offset)
    )
    rows = []
    for programme, reference, username, current in db.exec(statement):
        failing = programme.fidelity_failing.split()
        if current == "off_track" and programme.fidelity_verdict == "on_track":
            failing.append("span")
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
                verdict=str(current),
                failing=failing,
            )
        )
    shown = f"{count} programme{'' if count == 1 else 's'}"
    audit_trail.record_read(db, "report.fidelity", detail=shown)
    return FidelityList(rows=rows, count=int(count), verdicts=verdicts)


# -- alerts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    programme_id: str
    child_id: str
    child_reference: str
    worker: str
    code: str
    detail: str


def alerts(*, db: Session, by: User | None, today: date, team_id: str | None = None) -> list[Alert]:
    """For active programmes: no held session for more than 21 days, and the fidelity failures a
    manager acts on at once (a short session, filming outside 10–20 minutes, a session without a
    shared review, no assessment before the first session, an untrained worker)."""
    team = team_scope(db, by, team_id)
    quiet_since = today - timedelta(days=QUIET_DAYS)
    flagged = [col(Programme.fidelity_failing).contains(f" {code} ") for code in ALERT_CODES]
    quiet = or_(
        col(Programme.last_held_on) < quiet_since,
        and_(col(Programme.last_held_on).is_(None), col(Programme.offered_on) < quiet_since),
    )
    statement = (
        select(Programme, Child.reference, User.username)
        .join(Child, col(Child.id) == Programme.child_id)
        .join(User, col(User.id) == Programme.worker_id)
        .where(Programme.status == ProgrammeStatus.active, or_(quiet, *flagged))
        .order_by(col(Child.reference), Programme.id)
    )
    if team is not None:
        statement = statement.where(col(Child.team_id) == team)
    found = []
    for programme, reference, username in db.exec(statement):
        raised: list[tuple[str, str]] = []
        last = programme.last_held_on
        if last is not None and last < quiet_since:
            days = (today - last).days
            raised.append(("quiet", f"No session held since {fmt(last)} ({days} days)."))
        elif last is None and programme.offered_on < quiet_since:
            since = fmt(programme.offered_on)
            raised.append(("quiet", f"No session held since it was offered on {since}."))
        for code in ALERT_CODES:
            if f" {code} " in programme.fidelity_failing:
                detail = programme.fidelity_notes.get(code, code)
                raised.append((code, detail[:1].upper() + detail[1:]))
        found += [
            Alert(programme.id, programme.child_id, reference, username, code, detail)
            for code, detail in raised
        ]
    return found


# -- outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleChange:
    scale: str
    children: int
    mean_before: float
    mean_after: float
    mean_change: float


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
    where = [_in_denominator(start, end)]
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
