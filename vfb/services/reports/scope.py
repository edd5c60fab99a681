"""Who may see which team's reports, and the periods a report may cover."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from vfb.actions import Action
from vfb.errors import InvalidInput, NotFound
from vfb.models import Team, User
from vfb.programme.periods import (
    Period,
    financial_year,
    quarter_before,
    quarter_of,
    quarters_up_to,
)
from vfb.programme.rules import fmt
from vfb.services.protection.access import require


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
