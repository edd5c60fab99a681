"""The pure rules of the programme record, state by state and boundary by boundary."""

from __future__ import annotations

from datetime import date

import pytest

from vfb.errors import Conflict, InvalidInput
from vfb.programme.rules import (
    ProgrammeState,
    SessionFacts,
    change_programme,
    check_consent_withdrawal,
    check_session,
    initial_status,
)
from vfb.vocabulary import ProgrammeStatus as S
from vfb.vocabulary import SessionStatus

OFFERED_ON = date(2026, 1, 5)


def state(status: S, accepted: bool | None = None, ended_on: date | None = None) -> ProgrammeState:
    return ProgrammeState(status, accepted, OFFERED_ON, ended_on)


def change(current: ProgrammeState, **kwargs: object) -> ProgrammeState:
    return change_programme(
        current,
        status=kwargs.get("status"),  # type: ignore[arg-type]
        accepted=kwargs.get("accepted"),  # type: ignore[arg-type]
        accepted_given="accepted" in kwargs,
        ended_on=kwargs.get("ended_on"),  # type: ignore[arg-type]
        ended_on_given="ended_on" in kwargs,
    )


def test_initial_status_follows_the_answer() -> None:
    assert initial_status(None) is S.offered
    assert initial_status(True) is S.offered
    assert initial_status(False) is S.declined


# The programme's changes of status, spelled out here rather than read from the code
# (docs/domain.md, "The people and records"): every from → to pair, allowed or refused.
# Reopening a finished programme is allowed; skipping from offered to completed is not.
ALLOWED = {
    (S.offered, S.declined),
    (S.offered, S.active),
    (S.offered, S.withdrawn),
    (S.declined, S.offered),
    (S.declined, S.active),
    (S.active, S.completed),
    (S.active, S.withdrawn),
    (S.completed, S.active),
    (S.withdrawn, S.active),
}
REFUSED = {
    (S.offered, S.completed),
    (S.declined, S.completed),
    (S.declined, S.withdrawn),
    (S.active, S.offered),
    (S.active, S.declined),
    (S.completed, S.offered),
    (S.completed, S.declined),
    (S.completed, S.withdrawn),
    (S.withdrawn, S.offered),
    (S.withdrawn, S.declined),
    (S.withdrawn, S.completed),
}
ENDED_ON = date(2026, 4, 1)


def test_the_table_covers_every_pair_once() -> None:
    same = {(s, s) for s in S}
    assert ALLOWED.isdisjoint(REFUSED)
    assert ALLOWED | REFUSED | same == {(a, b) for a in S for b in S}
    assert len(ALLOWED) + len(REFUSED) + len(same) == 25


def settled(status: S) -> ProgrammeState:
    """A programme consistently in `status`: accepted as the status says, ended if finished."""
    accepted = {S.offered: None, S.declined: False}.get(status, True)
    return state(status, accepted, ENDED_ON if status in (S.completed, S.withdrawn) else None)


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_every_transition_is_allowed_or_refused_as_the_table_says(current: S, target: S) -> None:
    ended = {"ended_on": ENDED_ON} if target in (S.completed, S.withdrawn) else {}
    if target is current:  # not a change: the programme stays as it is
        assert change(settled(current), status=target, **ended) == settled(current)
    elif (current, target) in ALLOWED:
        assert change(settled(current), status=target, **ended).status is target
    else:
        assert (current, target) in REFUSED
        with pytest.raises(Conflict, match=f"{current.value} cannot become {target.value}"):
            change(settled(current), status=target, **ended)


def test_reopening_clears_the_end_date_and_active_means_accepted() -> None:
    reopened = change(state(S.completed, True, date(2026, 4, 1)), status=S.active)
    assert (reopened.status, reopened.accepted, reopened.ended_on) == (S.active, True, None)
    started = change(state(S.offered), status=S.active)
    assert started.accepted is True
    with pytest.raises(InvalidInput):
        change(state(S.offered), status=S.active, accepted=False)


def test_end_dates_only_for_finished_programmes_and_not_before_the_offer() -> None:
    with pytest.raises(InvalidInput, match="Only a completed or withdrawn"):
        change(state(S.active, True), ended_on=date(2026, 2, 1))
    with pytest.raises(InvalidInput, match="Say when"):
        change(state(S.active, True), status=S.withdrawn)
    with pytest.raises(InvalidInput, match="before it was offered"):
        change(state(S.active, True), status=S.withdrawn, ended_on=date(2026, 1, 4))
    same_day = change(state(S.active, True), status=S.withdrawn, ended_on=OFFERED_ON)
    assert same_day.ended_on == OFFERED_ON


def facts(**overrides: object) -> SessionFacts:
    values: dict[str, object] = {
        "held_on": date(2026, 2, 1),
        "status": SessionStatus.held,
        "duration_minutes": 60,
        "filmed_seconds": 600,
        "reviewed_with_carer": True,
        "review_minutes": 10,
        "review_highlights": ("sensitivity",),
    }
    values.update(overrides)
    return SessionFacts(**values)  # type: ignore[arg-type]


def check(f: SessionFacts, status: S = S.active, ended_on: date | None = None) -> None:
    check_session(
        f, programme_status=status, offered_on=OFFERED_ON, ended_on=ended_on, today=date(2026, 3, 2)
    )


def test_session_dates_from_the_offer_to_today_or_the_end() -> None:
    check(facts(held_on=OFFERED_ON))
    check(facts(held_on=date(2026, 3, 2)))
    with pytest.raises(InvalidInput):
        check(facts(held_on=date(2026, 1, 4)))
    with pytest.raises(InvalidInput):
        check(facts(held_on=date(2026, 3, 3)))
    check(facts(held_on=date(2026, 2, 1)), S.completed, ended_on=date(2026, 2, 1))
    with pytest.raises(Conflict):
        check(facts(held_on=date(2026, 2, 2)), S.completed, ended_on=date(2026, 2, 1))
    with pytest.raises(Conflict):
        check(facts(), S.declined)


@pytest.mark.parametrize("status", [SessionStatus.cancelled, SessionStatus.did_not_attend])
def test_visits_that_did_not_happen_cannot_be_in_the_future(status: SessionStatus) -> None:
    with pytest.raises(InvalidInput):
        check(facts(status=status, held_on=date(2026, 3, 3)))


def test_planned_sessions_are_empty_and_may_be_any_date_in_range() -> None:
    empty = facts(
        status=SessionStatus.planned,
        held_on=date(2026, 3, 20),
        duration_minutes=None,
        filmed_seconds=None,
        reviewed_with_carer=False,
        review_minutes=None,
        review_highlights=(),
    )
    check(empty)
    with pytest.raises(InvalidInput, match="planned session"):
        check(facts(status=SessionStatus.planned, held_on=date(2026, 3, 20)))


def test_withdrawal_rules() -> None:
    given = date(2026, 1, 5)
    today = date(2026, 3, 2)
    check_consent_withdrawal(
        given_on=given, withdrawn_on=given, already_withdrawn_on=None, today=today
    )
    with pytest.raises(InvalidInput):
        check_consent_withdrawal(
            given_on=given, withdrawn_on=date(2026, 1, 4), already_withdrawn_on=None, today=today
        )
    with pytest.raises(InvalidInput):
        check_consent_withdrawal(
            given_on=given, withdrawn_on=date(2026, 3, 3), already_withdrawn_on=None, today=today
        )
    with pytest.raises(Conflict):
        check_consent_withdrawal(
            given_on=given, withdrawn_on=today, already_withdrawn_on=given, today=today
        )
