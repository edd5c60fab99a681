"""Reporting periods: the UK financial year (1 April to 31 March) and its quarters (Q1 is April to
June, Q4 January to March), as the statement 3 report and the dashboard use them (docs/domain.md,
"The statement 3 measure").

One rule, here only: the server reports by these quarters and gives the dashboard its ranges, so the
page never works them out itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

FIRST_MONTH = 4  # April


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str  # "2026-27" or "2026-27 Q1"


def year_label(first_year: int) -> str:
    """`2026` → "2026-27" (the financial year that starts on 1 April 2026)."""
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def financial_year_of(day: date) -> int:
    """The calendar year in which `day`'s financial year starts: 1 April 2026 to 31 March 2027
    is 2026 (so a date in January belongs to the year that started the April before)."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year(day: date) -> Period:
    """The financial year holding `day`."""
    first = financial_year_of(day)
    start = date(first, FIRST_MONTH, 1)
    return Period(start, date(first + 1, FIRST_MONTH, 1) - timedelta(1), year_label(first))


def _quarter(first_year: int, number: int) -> Period:
    month = (FIRST_MONTH - 1 + (number - 1) * 3) % 12 + 1
    year = first_year + (number == 4)
    start = date(year, month, 1)
    end = start + relativedelta(months=3) - timedelta(1)
    return Period(start, end, f"{year_label(first_year)} Q{number}")


def quarter_of(day: date) -> Period:
    """The financial quarter holding `day`: 15 May 2026 is "2026-27 Q1", 10 March 2027 is
    "2026-27 Q4"."""
    number = (day.month - FIRST_MONTH) % 12 // 3 + 1
    return _quarter(financial_year_of(day), number)


def quarter_before(period: Period) -> Period:
    return quarter_of(period.start - timedelta(1))


def quarters_up_to(day: date, count: int) -> list[Period]:
    """The `count` financial quarters ending with the one that holds `day`, oldest first."""
    found = [quarter_of(day)]
    while len(found) < count:
        found.append(quarter_before(found[-1]))
    return found[::-1]
