"""Fidelity to the nice-ng26 model, criterion by criterion and boundary by boundary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from tests.support import Caller, Family, session_body
from vfb.programme.fidelity import (
    ProgrammeRecord,
    Scorecard,
    Status,
    Visit,
    failing_now,
    score,
    stored_judgement,
    verdict_now,
)
from vfb.programme.programme_models import load_model
from vfb.vocabulary import Highlight as H
from vfb.vocabulary import Location, ProgrammeStatus, SessionStatus, Verdict

MODEL = load_model("nice-ng26")
FIRST = date(2026, 1, 5)
GOOD_HIGHLIGHTS = frozenset({H.sensitivity, H.strengths, H.positive_change})


def visit(n: int, held_on: date, **changes: object) -> Visit:
    good = Visit(
        number=n,
        held_on=held_on,
        status=SessionStatus.held,
        duration_minutes=60,
        location=Location.home,
        filmed_seconds=600,
        reviewed_with_carer=True,
        review_highlights=GOOD_HIGHLIGHTS,
    )
    return replace(good, **changes)  # type: ignore[arg-type]


def ten_visits(first: date = FIRST, last: date | None = None) -> list[Visit]:
    """Ten good held sessions from `first` to `last` (default: 3.5 months later)."""
    last = last or first + relativedelta(months=3, days=15)
    step = (last - first) / 9
    return [visit(n + 1, first + step * n) for n in range(9)] + [visit(10, last)]


def record(
    visits: list[Visit],
    status: ProgrammeStatus = ProgrammeStatus.completed,
    assessments: tuple[date, ...] = (date(2025, 12, 1),),
    trained_on: date | None = date(2025, 6, 1),
) -> ProgrammeRecord:
    return ProgrammeRecord(
        status=status, visits=visits, assessments=assessments, worker_trained_on=trained_on
    )


def card(rec: ProgrammeRecord, today: date = date(2026, 9, 1)) -> Scorecard:
    return score(rec, MODEL, today=today)


def status_of(rec: ProgrammeRecord, code: str, today: date = date(2026, 9, 1)) -> Status:
    return next(c for c in card(rec, today).criteria if c.code == code).status


def detail_of(rec: ProgrammeRecord, code: str) -> str:
    return next(c for c in card(rec).criteria if c.code == code).detail


def test_a_programme_delivered_as_described_is_met() -> None:
    result = card(record(ten_visits()))
    assert [c.code for c in result.criteria] == [
        "assessment_before_start",
        "sessions",
        "session_length",
        "span",
        "filming",
        "shared_review",
        "highlights",
        "positive_change",
        "home",
        "trained_worker",
    ]
    assert {c.status for c in result.criteria} == {Status.passed}
    assert result.verdict is Verdict.met


@pytest.mark.parametrize(("minutes", "expected"), [(59, Status.failed), (60, Status.passed)])
def test_session_length_boundary(minutes: int, expected: Status) -> None:
    visits = ten_visits()
    visits[3] = replace(visits[3], duration_minutes=minutes)
    assert status_of(record(visits), "session_length") is expected
    if expected is Status.failed:
        assert detail_of(record(visits), "session_length") == "session 4 lasted 59 minutes."


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(599, Status.failed), (600, Status.passed), (1200, Status.passed), (1201, Status.failed)],
)
def test_filming_boundaries(seconds: int, expected: Status) -> None:
    visits = ten_visits()
    visits[6] = replace(visits[6], filmed_seconds=seconds)
    assert status_of(record(visits), "filming") is expected


def test_filming_evidence_in_plain_words() -> None:
    visits = ten_visits()
    visits[6] = replace(visits[6], filmed_seconds=480)
    visits[8] = replace(visits[8], filmed_seconds=1261)
    assert detail_of(record(visits), "filming") == (
        "session 7 filmed 8 minutes; session 9 filmed 21 min 1 s."
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2026, 1, 5), date(2026, 4, 5), Status.passed),  # exactly 3 months
        (date(2026, 1, 5), date(2026, 5, 5), Status.passed),  # exactly 4 months
        (date(2026, 1, 5), date(2026, 4, 4), Status.failed),  # a day short
        (date(2026, 1, 5), date(2026, 5, 6), Status.failed),  # a day over
        (date(2026, 1, 31), date(2026, 4, 30), Status.passed),  # 31 Jan + 3 months = 30 Apr
        (date(2026, 1, 31), date(2026, 4, 29), Status.failed),
        (date(2025, 10, 31), date(2026, 2, 28), Status.passed),  # 31 Oct + 4 months = 28 Feb
        (date(2025, 10, 31), date(2026, 3, 1), Status.failed),
        (date(2023, 10, 31), date(2024, 2, 29), Status.passed),  # a leap year: 29 Feb
    ],
)
def test_span_in_calendar_months(first: date, last: date, expected: Status) -> None:
    assert status_of(record(ten_visits(first, last)), "span") is expected


def test_span_of_an_active_programme_is_pending_until_it_cannot_be_met() -> None:
    visits = ten_visits()[:5]  # first 5 Jan, last about 19 Feb
    active = record(visits, ProgrammeStatus.active)
    assert status_of(active, "span", today=date(2026, 3, 1)) is Status.pending
    assert status_of(active, "span", today=date(2026, 5, 5)) is Status.pending
    assert status_of(active, "span", today=date(2026, 5, 6)) is Status.failed
    over = record([visit(1, FIRST), visit(2, date(2026, 5, 6))], ProgrammeStatus.active)
    assert status_of(over, "span", today=date(2026, 5, 6)) is Status.failed


def test_cancelled_and_missed_visits_never_count() -> None:
    visits = [
        *ten_visits()[:9],
        visit(10, date(2026, 4, 1), status=SessionStatus.cancelled, duration_minutes=0),
        visit(11, date(2026, 4, 8), status=SessionStatus.did_not_attend, filmed_seconds=0),
        visit(12, date(2026, 4, 9), status=SessionStatus.planned, duration_minutes=None),
    ]
    rec = record(visits)
    assert status_of(rec, "sessions") is Status.failed
    assert detail_of(rec, "sessions") == (
        "9 of 10 sessions held (1 cancelled and 1 not attended, which do not count)."
    )
    assert status_of(rec, "session_length") is Status.passed
    assert status_of(rec, "filming") is Status.passed


def test_assessment_on_the_first_day_counts_and_after_it_does_not() -> None:
    assert status_of(record(ten_visits(), assessments=(FIRST,)), "assessment_before_start") is (
        Status.passed
    )
    late = record(ten_visits(), assessments=(FIRST + timedelta(days=1),))
    assert status_of(late, "assessment_before_start") is Status.failed
    assert "came after the first session" in detail_of(late, "assessment_before_start")
    assert status_of(record(ten_visits(), assessments=()), "assessment_before_start") is (
        Status.failed
    )


def test_shared_review_highlights_and_positive_change() -> None:
    visits = ten_visits()
    visits[2] = replace(visits[2], reviewed_with_carer=False, review_highlights=frozenset())
    rec = record(visits)
    assert detail_of(rec, "shared_review") == "session 3 had no shared review."
    assert status_of(rec, "highlights") is Status.passed  # no review, nothing to highlight

    visits = ten_visits()
    visits[1] = replace(visits[1], review_highlights=frozenset({H.sensitivity}))
    visits[4] = replace(visits[4], review_highlights=frozenset({H.strengths}))
    visits[5] = replace(visits[5], review_highlights=frozenset({H.communication, H.strengths}))
    assert detail_of(record(visits), "highlights") == (
        "session 2's review highlighted no strengths; session 5's review highlighted none of "
        "communication, responsiveness, sensitivity."
    )

    only_first = [
        replace(v, review_highlights=frozenset({H.sensitivity, H.strengths})) for v in ten_visits()
    ]
    only_first[0] = replace(only_first[0], review_highlights=GOOD_HIGHLIGHTS)
    assert status_of(record(only_first), "positive_change") is Status.failed
    active = record(only_first[:4], ProgrammeStatus.active)
    assert status_of(active, "positive_change") is Status.pending
    only_first[1] = replace(only_first[1], review_highlights=GOOD_HIGHLIGHTS)
    assert status_of(record(only_first), "positive_change") is Status.passed


def test_home_and_trained_worker() -> None:
    visits = ten_visits()
    visits[5] = replace(visits[5], location=Location.other)
    assert detail_of(record(visits), "home") == "session 6 was not at home."
    assert status_of(record(ten_visits(), trained_on=FIRST), "trained_worker") is Status.passed
    after = record(ten_visits(), trained_on=FIRST + timedelta(days=1))
    assert status_of(after, "trained_worker") is Status.failed
    assert status_of(record(ten_visits(), trained_on=None), "trained_worker") is Status.failed


def test_missing_figures_are_pending_while_active_and_fail_once_finished() -> None:
    visits = ten_visits()[:4]
    visits[2] = replace(visits[2], duration_minutes=None, filmed_seconds=None)
    active = record(visits, ProgrammeStatus.active)
    assert status_of(active, "session_length") is Status.pending
    assert status_of(active, "filming") is Status.pending
    assert status_of(active, "sessions") is Status.pending
    assert card(active, today=date(2026, 2, 20)).verdict is Verdict.on_track
    assert card(active, today=date(2026, 9, 1)).verdict is Verdict.off_track  # span now lost
    finished = record(visits, ProgrammeStatus.withdrawn)
    assert status_of(finished, "session_length") is Status.failed
    assert card(finished).verdict is Verdict.not_met


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (ProgrammeStatus.offered, Verdict.not_started),
        (ProgrammeStatus.declined, Verdict.not_started),
        (ProgrammeStatus.active, Verdict.on_track),
        (ProgrammeStatus.completed, Verdict.met),
        (ProgrammeStatus.withdrawn, Verdict.met),  # judged like a completed one on what it had
    ],
)
def test_verdicts(status: ProgrammeStatus, verdict: Verdict) -> None:
    assert card(record(ten_visits(), status)).verdict is verdict


def test_the_verdict_today_from_the_stored_one_is_the_scorecards() -> None:
    """What the reports read (the verdict stored as if no time had passed, and the deadline of a
    pending span) says what the scorecard says on any day, before and after the deadline."""
    short = ten_visits()[:4]
    short[1] = replace(short[1], duration_minutes=45)
    deadline = FIRST + relativedelta(months=4)
    days = (FIRST, deadline - timedelta(days=1), deadline, deadline + timedelta(days=1))
    for visits, status in (
        (ten_visits()[:4], ProgrammeStatus.active),
        (short, ProgrammeStatus.active),
        (ten_visits(), ProgrammeStatus.completed),
    ):
        rec = record(visits, status)
        stored = stored_judgement(rec, MODEL)
        assert stored.span_deadline == (deadline if status is ProgrammeStatus.active else None)
        for today in days:
            scored = card(rec, today)
            assert verdict_now(stored.card.verdict, stored.span_deadline, today=today) is (
                scored.verdict
            )
    on_track = stored_judgement(record(ten_visits()[:4], ProgrammeStatus.active), MODEL)
    late = deadline + timedelta(days=1)
    assert failing_now(on_track.card.verdict, [], on_track.span_deadline, today=late) == ["span"]
    assert failing_now(on_track.card.verdict, [], on_track.span_deadline, today=deadline) == []


def test_an_active_programme_with_a_broken_criterion_is_off_track() -> None:
    visits = ten_visits()[:3]
    visits[1] = replace(visits[1], duration_minutes=45)
    assert card(record(visits, ProgrammeStatus.active)).verdict is Verdict.off_track


def test_a_programme_with_no_held_session_yet() -> None:
    rec = record([], ProgrammeStatus.active)
    assert {c.status for c in card(rec).criteria} == {Status.pending}
    assert {c.status for c in card(record([], ProgrammeStatus.withdrawn)).criteria} == {
        Status.failed
    }


def test_the_scorecard_over_http(as_: Callable[[str], Caller], family: Family) -> None:
    worker = as_("worker_a1")
    path = f"/api/programmes/{family.programme}"
    body = worker.ok("GET", f"{path}/fidelity")
    assert body["verdict"] == "on_track"
    assert body["model"] == "nice-ng26"
    assert [set(c) for c in body["criteria"]] == [{"code", "status", "detail"}] * 10
    statuses = {c["code"]: c["status"] for c in body["criteria"]}
    assert statuses["sessions"] == "pending"
    assert statuses["assessment_before_start"] == "pass"
    worker.ok(
        "POST",
        f"{path}/sessions",
        201,
        json=session_body(held_on="2026-02-27", duration_minutes=45),
    )
    after = worker.ok("GET", f"{path}/fidelity")
    assert after["verdict"] == "off_track"
    length = next(c for c in after["criteria"] if c["code"] == "session_length")
    assert length == {
        "code": "session_length",
        "status": "fail",
        "detail": "session 2 lasted 45 minutes.",
    }
    assert as_("manager_b").get(f"{path}/fidelity").status_code == 404
