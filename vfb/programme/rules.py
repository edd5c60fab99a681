"""Pure checks on dates, states and numbers of the programme record (no web, no database).

Each check raises `InvalidInput` in plain words, or `Conflict` where the request clashes with what
is already recorded; the services call them with plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vfb.errors import Conflict, InvalidInput
from vfb.programme.programme_models import load_model
from vfb.vocabulary import FINISHED, PROGRAMME_TRANSITIONS, ProgrammeStatus, SessionStatus


def fmt(d: date) -> str:
    return d.strftime("%-d %B %Y")


def check_child_dates(
    *, date_of_birth: date, identified_on: date, closed_on: date | None, today: date
) -> None:
    if date_of_birth > today:
        raise InvalidInput(f"The date of birth {fmt(date_of_birth)} is in the future.")
    if identified_on < date_of_birth:
        raise InvalidInput(
            f"The child cannot be identified ({fmt(identified_on)}) before they were born "
            f"({fmt(date_of_birth)})."
        )
    if closed_on is not None and closed_on < identified_on:
        raise InvalidInput(
            f"The case cannot close ({fmt(closed_on)}) before the child was identified "
            f"({fmt(identified_on)})."
        )


def check_assessment_date(*, completed_on: date, date_of_birth: date, today: date) -> None:
    if completed_on < date_of_birth:
        raise InvalidInput("An assessment cannot be completed before the child was born.")
    if completed_on > today:
        raise InvalidInput(f"The assessment date {fmt(completed_on)} is in the future.")


def check_model(model: str) -> None:
    load_model(model)


@dataclass(frozen=True)
class ProgrammeState:
    status: ProgrammeStatus
    accepted: bool | None
    offered_on: date
    ended_on: date | None


def initial_status(accepted: bool | None) -> ProgrammeStatus:
    return ProgrammeStatus.declined if accepted is False else ProgrammeStatus.offered


def change_programme(
    current: ProgrammeState,
    *,
    status: ProgrammeStatus | None,
    accepted: bool | None,
    accepted_given: bool,
    ended_on: date | None,
    ended_on_given: bool,
) -> ProgrammeState:
    """The programme's state after a change, or an error saying why the change cannot be made."""
    new_accepted = accepted if accepted_given else current.accepted
    new_status = status or current.status
    if status is None and accepted_given:
        if accepted is False and current.status is ProgrammeStatus.offered:
            new_status = ProgrammeStatus.declined
        elif accepted is not False and current.status is ProgrammeStatus.declined:
            new_status = ProgrammeStatus.offered
    if new_status is not current.status:
        allowed = PROGRAMME_TRANSITIONS[current.status]
        if new_status not in allowed:
            raise Conflict(
                f"A programme that is {current.status.value} cannot become {new_status.value}; "
                f"it can become: {', '.join(sorted(s.value for s in allowed))}."
            )
    if new_status is ProgrammeStatus.declined:
        if new_accepted is True:
            raise InvalidInput("A declined programme cannot also be accepted.")
        new_accepted = False
    if new_status in (ProgrammeStatus.active, ProgrammeStatus.completed):
        if accepted_given and accepted is not True:
            raise InvalidInput(f"A programme that is {new_status.value} must be accepted.")
        new_accepted = True

    new_ended = ended_on if ended_on_given else current.ended_on
    if new_status in FINISHED:
        if new_ended is None:
            raise InvalidInput(
                f"Say when the programme ended (ended_on) to mark it {new_status.value}."
            )
    elif ended_on_given and ended_on is not None:
        raise InvalidInput(
            f"Only a completed or withdrawn programme has an end date; this one is "
            f"{new_status.value}."
        )
    else:
        new_ended = None
    if new_ended is not None and new_ended < current.offered_on:
        raise InvalidInput(
            f"The programme cannot end ({fmt(new_ended)}) before it was offered "
            f"({fmt(current.offered_on)})."
        )
    return ProgrammeState(new_status, new_accepted, current.offered_on, new_ended)


@dataclass(frozen=True)
class SessionFacts:
    held_on: date
    status: SessionStatus
    duration_minutes: int | None
    filmed_seconds: int | None
    reviewed_with_carer: bool
    review_minutes: int | None
    review_highlights: tuple[str, ...]


def check_session(
    facts: SessionFacts,
    *,
    programme_status: ProgrammeStatus,
    offered_on: date,
    ended_on: date | None,
    today: date,
) -> None:
    if programme_status is ProgrammeStatus.declined:
        raise Conflict("The carer declined this programme, so it has no sessions.")
    if facts.held_on < offered_on:
        raise InvalidInput(
            f"The session date {fmt(facts.held_on)} is before the programme was offered "
            f"({fmt(offered_on)})."
        )
    if ended_on is not None and facts.held_on > ended_on:
        raise Conflict(
            f"The programme ended on {fmt(ended_on)}; a session on {fmt(facts.held_on)} is after "
            "it. Reopen the programme first."
        )
    if facts.status is SessionStatus.planned:
        if any(
            v not in (None, 0, False, ())
            for v in (
                facts.duration_minutes,
                facts.filmed_seconds,
                facts.reviewed_with_carer,
                facts.review_minutes,
                facts.review_highlights,
            )
        ):
            raise InvalidInput(
                "A planned session has not happened yet, so it has no length, filming or review."
            )
        return
    if facts.held_on > today:
        raise InvalidInput(
            f"A session on {fmt(facts.held_on)} has not happened yet: record it as planned."
        )
    if not facts.reviewed_with_carer and (facts.review_minutes or facts.review_highlights):
        raise InvalidInput(
            "Review minutes and highlights belong to a session where video was watched with "
            "the carer (reviewed_with_carer)."
        )


def check_consent_withdrawal(
    *, given_on: date, withdrawn_on: date | None, already_withdrawn_on: date | None, today: date
) -> None:
    if already_withdrawn_on is not None:
        raise Conflict(
            f"This consent was already withdrawn on {fmt(already_withdrawn_on)}; to consent "
            "again, record a new consent."
        )
    if withdrawn_on is None:
        raise InvalidInput("Say when the consent was withdrawn (withdrawn_on).")
    if withdrawn_on < given_on:
        raise InvalidInput(
            f"Consent cannot be withdrawn ({fmt(withdrawn_on)}) before it was given "
            f"({fmt(given_on)})."
        )
    if withdrawn_on > today:
        raise InvalidInput(f"The withdrawal date {fmt(withdrawn_on)} is in the future.")


def check_consent_given(*, given_on: date, today: date) -> None:
    if given_on > today:
        raise InvalidInput(f"Consent cannot be given on a future date ({fmt(given_on)}).")
