"""The QS133 statement 3 measure for a period, whole and broken down (docs/domain.md),
counted by the database in one indexed pass from the rules of vfb/programme/measure.py and the
milestones vfb/services/infra/derived.py keeps beside each child; and its CSV export, which is in
the audit trail once per request."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_
from sqlmodel import Session, col, select

from vfb.errors import InvalidInput
from vfb.models import Child, Team, User
from vfb.programme.measure import GROUP_FIELDS, Counts
from vfb.services.protection import audit_trail
from vfb.services.reports.scope import check_period, team_scope
from vfb.spreadsheet import SafeWriter

NOT_RECORDED = "not recorded"


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


def in_denominator(start: date, end: date) -> ColumnElement[bool]:
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
    where = [in_denominator(start, end)]
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
