"""The UK financial year and its quarters (vfb/programme/periods.py): the one rule the statement 3
report and the dashboard use, on its edges."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from vfb.programme.periods import Period, financial_year, quarter_of, quarters_up_to


def test_the_year_turns_on_1_april_and_january_belongs_to_the_year_before() -> None:
    assert financial_year(date(2027, 3, 31)) == Period(
        date(2026, 4, 1), date(2027, 3, 31), "2026-27"
    )
    assert financial_year(date(2027, 4, 1)) == Period(
        date(2027, 4, 1), date(2028, 3, 31), "2027-28"
    )
    assert financial_year(date(2027, 1, 15)).label == "2026-27"
    assert financial_year(date(1999, 6, 1)).label == "1999-00"


def test_quarters_run_april_to_june_first_and_january_to_march_last() -> None:
    assert quarter_of(date(2026, 4, 1)) == Period(date(2026, 4, 1), date(2026, 6, 30), "2026-27 Q1")
    assert quarter_of(date(2026, 5, 15)).label == "2026-27 Q1"
    assert quarter_of(date(2026, 3, 31)) == Period(
        date(2026, 1, 1), date(2026, 3, 31), "2025-26 Q4"
    )
    assert quarter_of(date(2026, 7, 1)) == Period(date(2026, 7, 1), date(2026, 9, 30), "2026-27 Q2")
    assert quarter_of(date(2026, 12, 31)) == Period(
        date(2026, 10, 1), date(2026, 12, 31), "2026-27 Q3"
    )
    assert quarter_of(date(2027, 1, 1)).label == "2026-27 Q4"


def test_a_leap_year_ends_its_last_quarter_on_31_march_with_29_february_inside() -> None:
    q4 = quarter_of(date(2028, 2, 29))
    assert q4 == Period(date(2028, 1, 1), date(2028, 3, 31), "2027-28 Q4")
    assert financial_year(date(2028, 2, 29)) == Period(
        date(2027, 4, 1), date(2028, 3, 31), "2027-28"
    )


def test_the_trend_is_the_quarters_up_to_the_one_holding_the_day_oldest_first() -> None:
    found = quarters_up_to(date(2026, 5, 20), 4)
    assert [q.label for q in found] == ["2025-26 Q2", "2025-26 Q3", "2025-26 Q4", "2026-27 Q1"]
    assert found[0].start == date(2025, 7, 1) and found[-1].end == date(2026, 6, 30)
    # every day is in exactly one quarter: each starts the day after the one before ends
    long = quarters_up_to(date(2030, 1, 1), 20)
    assert all((b.start - a.end).days == 1 for a, b in pairwise(long))
