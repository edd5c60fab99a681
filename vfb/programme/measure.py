"""The QS133 statement 3 measure for one child and one reporting period (docs/domain.md, "The
statement 3 measure"), as pure functions over plain records: who is in the denominator, and which
of the counts they add to.

The report itself is computed by the database (vfb/services/reports/) from the same rules, with
each child's birthdays and programme milestones stored beside it; the tests hold the two to the
same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

AGE_BANDS = ("0-1", "1-2", "2-3", "3-4", "4-5")
GROUP_FIELDS = ("care_status", "ethnicity", "disability", "attachment_status", "team", "age_band")


def birthday(date_of_birth: date, years: int) -> date:
    """The calendar rule: born 29 February 2020, a child turns 5 on 28 February 2025."""
    return date_of_birth + relativedelta(years=years)


def birthdays(date_of_birth: date) -> tuple[date, date, date, date, date]:
    """The 1st to the 5th birthdays."""
    b = [birthday(date_of_birth, n) for n in range(1, 6)]
    return b[0], b[1], b[2], b[3], b[4]


@dataclass(frozen=True)
class ChildRecord:
    date_of_birth: date
    identified_on: date
    closed_on: date | None


@dataclass(frozen=True)
class Milestones:
    """The earliest date each thing happened for the child, over all their programmes."""

    offered_on: date | None = None  # a programme offered
    started_on: date | None = None  # a programme's first held session
    completed_on: date | None = None  # a programme completed (its `ended_on`)
    completed_met_on: date | None = None  # … and delivered to fidelity (verdict `met`)


def denominator_days(child: ChildRecord, start: date, end: date) -> tuple[date, date] | None:
    """The first and last day in `start`–`end` on which the child is identified, not closed, and
    preschool-age; None if there is no such day."""
    first = max(start, child.identified_on)
    last = end
    if child.closed_on is not None:
        last = min(last, child.closed_on)
    last = min(last, birthday(child.date_of_birth, 5) - timedelta(days=1))
    return (first, last) if first <= last else None


def in_denominator(child: ChildRecord, start: date, end: date) -> bool:
    return denominator_days(child, start, end) is not None


def age_band(child: ChildRecord, start: date, end: date) -> str | None:
    """Whole years of age on the period's first day on which the child is in the denominator."""
    days = denominator_days(child, start, end)
    if days is None:
        return None
    years = relativedelta(days[0], child.date_of_birth).years
    return AGE_BANDS[min(max(years, 0), 4)]


@dataclass(frozen=True)
class Counts:
    denominator: int = 0
    offered: int = 0
    started: int = 0  # = the numerator
    completed: int = 0
    completed_to_fidelity: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.denominator + other.denominator,
            self.offered + other.offered,
            self.started + other.started,
            self.completed + other.completed,
            self.completed_to_fidelity + other.completed_to_fidelity,
        )

    @property
    def proportion(self) -> float | None:
        return None if self.denominator == 0 else self.started / self.denominator


def counts_for(child: ChildRecord, done: Milestones, start: date, end: date) -> Counts:
    """What one child adds to the report for `start`–`end` (all zero outside the denominator)."""
    if not in_denominator(child, start, end):
        return Counts()

    def by_end(day: date | None) -> int:
        return int(day is not None and day <= end)

    return Counts(
        denominator=1,
        offered=by_end(done.offered_on),
        started=by_end(done.started_on),
        completed=by_end(done.completed_on),
        completed_to_fidelity=by_end(done.completed_met_on),
    )
