"""The home visits of a programme: planned, held, cancelled or not attended."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from vfb.errors import BookedForLater, Conflict
from vfb.models import (
    Programme,
    ProgrammeSession,
    SessionCreate,
    SessionUpdate,
    User,
)
from vfb.programme.rules import SessionFacts, check_session, fmt
from vfb.services.protection.access import get_programme, get_session, require_case_writer
from vfb.vocabulary import ProgrammeStatus, SessionStatus


def _facts(values: dict[str, Any]) -> SessionFacts:
    return SessionFacts(
        held_on=values["held_on"],
        status=SessionStatus(values["status"]),
        duration_minutes=values["duration_minutes"],
        filmed_seconds=values["filmed_seconds"],
        reviewed_with_carer=values["reviewed_with_carer"],
        review_minutes=values["review_minutes"],
        review_highlights=tuple(values["review_highlights"] or ()),
    )


def _check(programme: Programme, values: dict[str, Any], now: datetime) -> None:
    check_session(
        _facts(values),
        programme_status=ProgrammeStatus(programme.status),
        offered_on=programme.offered_on,
        ended_on=programme.ended_on,
        today=now.date(),
    )


def _check_number_free(db: Session, programme_id: str, number: int, not_id: str | None) -> None:
    clash = db.exec(
        select(ProgrammeSession).where(
            ProgrammeSession.programme_id == programme_id, ProgrammeSession.number == number
        )
    ).first()
    if clash is not None and clash.id != not_id:
        raise Conflict(f"This programme already has a session {number}.")


def start_if_offered(programme: Programme, status: SessionStatus, now: datetime) -> None:
    """The first held session is when an offered programme starts."""
    if status is SessionStatus.held and programme.status == ProgrammeStatus.offered:
        programme.status = ProgrammeStatus.active
        programme.accepted = True
        programme.updated_at = now


def hold_booked_visit(
    session: ProgrammeSession,
    programme: Programme,
    now: datetime,
    *,
    once_held: str,
    held_today: bool = False,
) -> None:
    """The one rule for a booked visit in which something happens (a joint review, filming): it
    took place, so it is held from now on. A visit booked for a later day is not held yet, so it is
    refused (`once_held` says what can be done once it is), unless the user confirmed it is being
    held today (`held_today`): then it is held today. The caller commits."""
    if session.status is not SessionStatus.planned:
        return
    today = now.date()
    if session.held_on > today:
        if not held_today:
            raise BookedForLater(
                f"Session {session.number} is booked for {fmt(session.held_on)}; {once_held}"
            )
        _check(programme, session.model_dump() | {"held_on": today, "status": "held"}, now)
        session.held_on = today
    session.status = SessionStatus.held
    session.updated_at = now
    start_if_offered(programme, SessionStatus.held, now)


def add_session(
    *, db: Session, programme_id: str, data: SessionCreate, by: User, now: datetime
) -> ProgrammeSession:
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    require_case_writer(by)
    values = data.model_dump()
    _check(programme, values, now)
    if data.number is None:
        highest = db.exec(
            select(func.max(ProgrammeSession.number)).where(
                ProgrammeSession.programme_id == programme.id
            )
        ).one()
        values["number"] = (highest or 0) + 1
    else:
        _check_number_free(db, programme.id, data.number, None)
    session = ProgrammeSession.model_validate(
        values, update={"programme_id": programme.id, "created_at": now, "updated_at": now}
    )
    start_if_offered(programme, data.status, now)
    db.add(session)
    db.add(programme)
    db.commit()
    db.refresh(session)
    return session


def update_session(
    *, db: Session, session_id: str, data: SessionUpdate, by: User, now: datetime
) -> ProgrammeSession:
    session = get_session(db=db, session_id=session_id, by=by)
    require_case_writer(by)
    programme = db.get(Programme, session.programme_id)
    assert programme is not None
    changes = data.model_dump(exclude_unset=True)
    values = session.model_dump() | changes
    _check(programme, values, now)
    if "number" in changes:
        _check_number_free(db, programme.id, changes["number"], session.id)
    for field, value in changes.items():
        setattr(session, field, value)
    session.updated_at = now
    start_if_offered(programme, SessionStatus(session.status), now)
    db.add(session)
    db.add(programme)
    db.commit()
    db.refresh(session)
    return session


def delete_session(*, db: Session, session_id: str, by: User) -> None:
    session = get_session(db=db, session_id=session_id, by=by)
    require_case_writer(by)
    db.delete(session)
    db.commit()


def list_sessions(*, db: Session, programme_id: str, by: User) -> list[ProgrammeSession]:
    get_programme(db=db, programme_id=programme_id, by=by)
    statement = (
        select(ProgrammeSession)
        .where(ProgrammeSession.programme_id == programme_id)
        .order_by(col(ProgrammeSession.number))
    )
    return list(db.exec(statement).all())
