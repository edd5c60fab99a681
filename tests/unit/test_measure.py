"""The statement 3 rules as pure functions, boundary by boundary (docs/domain.md, "The statement 3
measure")."""

from __future__ import annotations

from datetime import date

import pytest

from vfb.programme.measure import (
    ChildRecord,
    Counts,
    Milestones,
    age_band,
    birthday,
    counts_for,
    in_denominator,
)

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def child(born: str, identified: str = "2025-01-01", closed: str | None = None) -> ChildRecord:
    return ChildRecord(
        date.fromisoformat(born),
        date.fromisoformat(identified),
        date.fromisoformat(closed) if closed else None,
    )


def test_a_child_born_on_29_february_turns_5_on_28_february() -> None:
    assert birthday(date(2020, 2, 29), 5) == date(2025, 2, 28)
    leapling = child("2020-02-29", "2024-01-01")
    assert in_denominator(leapling, date(2025, 2, 27), date(2025, 3, 31))  # 27 Feb: still 4
    assert not in_denominator(leapling, date(2025, 2, 28), date(2025, 3, 31))  # 5 that day


def test_turning_5_during_the_period_still_counts_for_the_days_before() -> None:
    turning = child("2021-02-10", "2025-06-01")
    assert in_denominator(turning, *Q1)
    assert age_band(turning, *Q1) == "4-5"
    assert not in_denominator(child("2020-12-31", "2025-06-01"), *Q1)  # 5 before the period


def test_identified_on_the_last_day_and_closed_on_the_first_day_both_count() -> None:
    assert in_denominator(child("2023-05-01", identified="2026-03-31"), *Q1)
    assert not in_denominator(child("2023-05-01", identified="2026-04-01"), *Q1)
    assert in_denominator(child("2023-05-01", closed="2026-01-01"), *Q1)
    assert not in_denominator(child("2023-05-01", closed="2025-12-31"), *Q1)


@pytest.mark.parametrize(
    ("born", "identified", "band"),
    [
        ("2025-01-01", "2025-06-01", "1-2"),  # 1 on the period's first day
        ("2025-01-02", "2025-06-01", "0-1"),  # 1 the next day: still 0 on the first day
        ("2023-01-01", "2026-02-15", "3-4"),  # age on the first day *in the denominator*
        ("2022-02-15", "2026-02-15", "4-5"),
        ("2024-02-29", "2025-06-01", "1-2"),  # a leapling is 1 on 28 Feb in a common year
    ],
)
def test_the_age_band_is_the_age_on_the_first_day_in_the_denominator(
    born: str, identified: str, band: str
) -> None:
    assert age_band(child(born, identified), *Q1) == band


def test_milestones_count_only_by_the_end_of_the_period() -> None:
    record = child("2023-05-01")
    done = Milestones(
        offered_on=date(2026, 3, 31),  # on the last day: counts
        started_on=date(2026, 4, 1),  # the only held session after `to`: not started
        completed_on=None,
    )
    assert counts_for(record, done, *Q1) == Counts(denominator=1, offered=1)
    everything = Milestones(*(date(2025, 12, 1),) * 4)
    assert counts_for(record, everything, *Q1) == Counts(1, 1, 1, 1, 1)
    outside = child("2023-05-01", identified="2026-06-01")
    assert counts_for(outside, everything, *Q1) == Counts()


def test_the_proportion_is_none_without_a_denominator() -> None:
    assert Counts().proportion is None
    assert Counts(denominator=4, started=1).proportion == 0.25
