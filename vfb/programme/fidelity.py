"""Fidelity: was a programme delivered as its model describes? (docs/domain.md, "Fidelity: the
`nice-ng26` programme model".)

Pure functions over plain records. Only held sessions count; cancelled and did-not-attend visits
are reported beside them. For an unfinished programme a criterion that can still be met is
`pending` and one already broken is `fail`; a finished (completed or withdrawn) programme is
judged on what it had, so what is missing there fails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from vfb.programme.programme_models import ProgrammeModel
from vfb.programme.rules import fmt
from vfb.vocabulary import (
    FINISHED,
    CriterionCode,
    Highlight,
    Location,
    ProgrammeStatus,
    SessionStatus,
    Verdict,
)


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    pending = "pending"


@dataclass(frozen=True)
class Visit:
    number: int
    held_on: date
    status: SessionStatus
    duration_minutes: int | None
    location: Location
    filmed_seconds: int | None
    reviewed_with_carer: bool
    review_highlights: frozenset[Highlight]


@dataclass(frozen=True)
class ProgrammeRecord:
    status: ProgrammeStatus
    visits: Sequence[Visit]
    assessments: Sequence[date]
    worker_trained_on: date | None


@dataclass(frozen=True)
class Criterion:
    code: CriterionCode
    status: Status
    detail: str


@dataclass(frozen=True)
class Scorecard:
    verdict: Verdict
    criteria: list[Criterion]


@dataclass(frozen=True)
class _Context:
    held: list[Visit]
    record: ProgrammeRecord
    model: ProgrammeModel
    finished: bool
    today: date

    @property
    def missing(self) -> Status:
        """What a not-yet-recorded or not-yet-reached requirement is."""
        return Status.failed if self.finished else Status.pending


def minutes(seconds: int) -> str:
    whole, rest = divmod(seconds, 60)
    return f"{whole} minutes" if rest == 0 else f"{whole} min {rest} s"


def _listed(problems: list[str]) -> str:
    return "; ".join(problems)


def assessment_before_start(c: _Context) -> Criterion:
    code = CriterionCode.assessment_before_start
    if not c.held:
        return Criterion(code, c.missing, "No session has been held yet.")
    first = c.held[0].held_on
    before = [d for d in c.record.assessments if d <= first]
    if before:
        return Criterion(
            code,
            Status.passed,
            f"Assessment completed {fmt(max(before))}, on or before the first session "
            f"({fmt(first)}).",
        )
    if c.record.assessments:
        return Criterion(
            code,
            Status.failed,
            f"The assessment ({fmt(min(c.record.assessments))}) came after the first session "
            f"({fmt(first)}).",
        )
    return Criterion(
        code, Status.failed, f"No comprehensive assessment before the first session ({fmt(first)})."
    )


def sessions(c: _Context) -> Criterion:
    code = CriterionCode.sessions
    not_counted = [
        v
        for v in c.record.visits
        if v.status in (SessionStatus.cancelled, SessionStatus.did_not_attend)
    ]
    detail = f"{len(c.held)} of {c.model.min_sessions} sessions held"
    if not_counted:
        cancelled = sum(v.status is SessionStatus.cancelled for v in not_counted)
        missed = len(not_counted) - cancelled
        detail += f" ({cancelled} cancelled and {missed} not attended, which do not count)"
    if len(c.held) >= c.model.min_sessions:
        return Criterion(code, Status.passed, detail + ".")
    return Criterion(code, c.missing, detail + ".")


def _every_held_session(
    c: _Context, code: CriterionCode, *, broken: list[str], unrecorded: list[str], passed: str
) -> Criterion:
    """The shape of a rule every held session must meet: any break fails it; a figure not yet
    recorded leaves it missing (pending, or failed once finished)."""
    if broken:
        return Criterion(code, Status.failed, _listed(broken + unrecorded) + ".")
    if unrecorded:
        return Criterion(code, c.missing, _listed(unrecorded) + ".")
    if not c.held:
        return Criterion(code, c.missing, "No session has been held yet.")
    return Criterion(code, Status.passed, passed)


def session_length(c: _Context) -> Criterion:
    floor = c.model.min_session_minutes
    return _every_held_session(
        c,
        CriterionCode.session_length,
        broken=[
            f"session {v.number} lasted {v.duration_minutes} minutes"
            for v in c.held
            if v.duration_minutes is not None and v.duration_minutes < floor
        ],
        unrecorded=[
            f"session {v.number}'s length is not recorded"
            for v in c.held
            if v.duration_minutes is None
        ],
        passed=f"Every held session lasted {floor} minutes or more.",
    )


def span(c: _Context) -> Criterion:
    code = CriterionCode.span
    low, high = c.model.span_months
    if not c.held:
        return Criterion(code, c.missing, "No session has been held yet.")
    first, last = c.held[0].held_on, c.held[-1].held_on
    earliest, latest = first + relativedelta(months=low), first + relativedelta(months=high)
    window = f"between {fmt(earliest)} and {fmt(latest)}"
    if earliest <= last <= latest:
        return Criterion(
            code,
            Status.passed,
            f"First session {fmt(first)}, last {fmt(last)}: within {low} to {high} months.",
        )
    if last > latest:
        return Criterion(
            code,
            Status.failed,
            f"First session {fmt(first)}, last {fmt(last)}: more than {high} months (the last "
            f"session should be {window}).",
        )
    if c.finished or c.today > latest:
        return Criterion(
            code,
            Status.failed,
            f"First session {fmt(first)}, last {fmt(last)}: less than {low} months (the last "
            f"session should have been {window}).",
        )
    return Criterion(
        code, Status.pending, f"First session {fmt(first)}; the last should be {window}."
    )


def filming(c: _Context) -> Criterion:
    low, high = c.model.filmed_seconds
    return _every_held_session(
        c,
        CriterionCode.filming,
        broken=[
            f"session {v.number} filmed {minutes(v.filmed_seconds)}"
            for v in c.held
            if v.filmed_seconds is not None and not low <= v.filmed_seconds <= high
        ],
        unrecorded=[
            f"session {v.number}'s filming is not recorded"
            for v in c.held
            if v.filmed_seconds is None
        ],
        passed=f"Every held session filmed {minutes(low)} to {minutes(high)} of interaction.",
    )


def shared_review(c: _Context) -> Criterion:
    return _every_held_session(
        c,
        CriterionCode.shared_review,
        broken=[
            f"session {v.number} had no shared review" for v in c.held if not v.reviewed_with_carer
        ],
        unrecorded=[],
        passed="Every held session included watching video with the carer.",
    )


def highlights(c: _Context) -> Criterion:
    code = CriterionCode.highlights
    any_of = ", ".join(sorted(h.value for h in c.model.highlights_any_of))
    all_of = " and ".join(sorted(h.value for h in c.model.highlights_all_of))
    problems = []
    for v in c.held:
        if not v.reviewed_with_carer:
            continue
        if not v.review_highlights & c.model.highlights_any_of:
            problems.append(f"session {v.number}'s review highlighted none of {any_of}")
        for needed in sorted(c.model.highlights_all_of - v.review_highlights):
            problems.append(f"session {v.number}'s review highlighted no {needed.value}")
    if problems:
        return Criterion(code, Status.failed, _listed(problems) + ".")
    if not any(v.reviewed_with_carer for v in c.held):
        return Criterion(code, c.missing, "No shared review yet.")
    return Criterion(
        code,
        Status.passed,
        f"Every shared review highlighted {all_of} and at least one of {any_of}.",
    )


def positive_change(c: _Context) -> Criterion:
    code = CriterionCode.positive_change
    start = c.model.positive_change_from_session
    acknowledged = [
        v
        for v in c.held[start - 1 :]
        if v.reviewed_with_carer and Highlight.positive_change in v.review_highlights
    ]
    if acknowledged:
        return Criterion(
            code,
            Status.passed,
            f"Positive change acknowledged in session {acknowledged[0].number}.",
        )
    return Criterion(
        code,
        c.missing,
        f"No shared review from the {_ordinal(start)} held session on has acknowledged positive "
        "change" + (" yet." if not c.finished else "."),
    )


def home(c: _Context) -> Criterion:
    place = c.model.location
    return _every_held_session(
        c,
        CriterionCode.home,
        broken=[
            f"session {v.number} was not at {place.value}" for v in c.held if v.location != place
        ],
        unrecorded=[],
        passed=f"Every held session took place at {place.value}.",
    )


def trained_worker(c: _Context) -> Criterion:
    code = CriterionCode.trained_worker
    trained = c.record.worker_trained_on
    if not c.held:
        if trained is None:
            return Criterion(code, c.missing, "The worker has no recorded video feedback training.")
        return Criterion(
            code, c.missing, f"The worker was trained on {fmt(trained)}; no session held yet."
        )
    first = c.held[0].held_on
    if trained is None:
        return Criterion(code, Status.failed, "The worker has no recorded video feedback training.")
    if trained > first:
        return Criterion(
            code,
            Status.failed,
            f"The worker was trained on {fmt(trained)}, after the first session ({fmt(first)}).",
        )
    return Criterion(
        code,
        Status.passed,
        f"The worker was trained on {fmt(trained)}, before the first session ({fmt(first)}).",
    )


CRITERIA: tuple[Callable[[_Context], Criterion], ...] = (
    assessment_before_start,
    sessions,
    session_length,
    span,
    filming,
    shared_review,
    highlights,
    positive_change,
    home,
    trained_worker,
)


def score(record: ProgrammeRecord, model: ProgrammeModel, *, today: date) -> Scorecard:
    """Every criterion of `model` for `record`, and the programme's verdict."""
    held = _held(record)
    finished = record.status in FINISHED
    context = _Context(held=held, record=record, model=model, finished=finished, today=today)
    criteria = [criterion(context) for criterion in CRITERIA]
    return Scorecard(verdict=_verdict(record.status, criteria), criteria=criteria)


def _held(record: ProgrammeRecord) -> list[Visit]:
    return sorted(
        (v for v in record.visits if v.status is SessionStatus.held),
        key=lambda v: (v.held_on, v.number),
    )


def _verdict(status: ProgrammeStatus, criteria: list[Criterion]) -> Verdict:
    if status in (ProgrammeStatus.offered, ProgrammeStatus.declined):
        return Verdict.not_started
    failed = any(c.status is Status.failed for c in criteria)
    if status is ProgrammeStatus.active:
        return Verdict.off_track if failed else Verdict.on_track
    everything_passed = all(c.status is Status.passed for c in criteria)
    return Verdict.met if everything_passed else Verdict.not_met


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


# -- the verdict kept beside a programme, and today's -------------------------------------------

# The one rule that changes with the date: while `span` is pending (the last session is not yet
# `span_months[0]` after the first), it fails once today is after its deadline, the latest day the
# last session may be held. That turns an active programme that was on track off track; any other
# verdict stays as it is. The reports' SQL applies this same table (vfb/services/reports/).
LATE_SPAN_TURNS: dict[Verdict, Verdict] = {Verdict.on_track: Verdict.off_track}


@dataclass(frozen=True)
class StoredJudgement:
    """What is kept beside a programme so that reports need not score it again: its scorecard as
    if no time had passed since the last held session, and the deadline of a pending `span`."""

    card: Scorecard
    span_deadline: date | None

    @property
    def failing(self) -> list[Criterion]:
        return [c for c in self.card.criteria if c.status is Status.failed]


def stored_judgement(record: ProgrammeRecord, model: ProgrammeModel) -> StoredJudgement:
    card = score(record, model, today=date.min)  # as if no time had passed
    span_now = next(c for c in card.criteria if c.code is CriterionCode.span)
    held = _held(record)
    deadline = None
    if span_now.status is Status.pending and held:
        deadline = held[0].held_on + relativedelta(months=model.span_months[1])
    return StoredJudgement(card, deadline)


def span_is_late(span_deadline: date | None, *, today: date) -> bool:
    return span_deadline is not None and span_deadline < today


def verdict_now(stored: Verdict, span_deadline: date | None, *, today: date) -> Verdict:
    """Today's verdict, from the stored one and the deadline of a pending `span` (the same as
    `score(..., today=today).verdict`)."""
    if span_is_late(span_deadline, today=today):
        return LATE_SPAN_TURNS.get(stored, stored)
    return stored


def failing_now(
    stored: Verdict, failing: list[CriterionCode], span_deadline: date | None, *, today: date
) -> list[CriterionCode]:
    """The stored failing criteria, with `span` added where the date alone turned the verdict."""
    if verdict_now(stored, span_deadline, today=today) is not stored:
        return [*failing, CriterionCode.span]
    return failing
