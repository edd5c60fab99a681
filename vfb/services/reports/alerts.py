"""Alerts for active programmes: a programme gone quiet, and the fidelity failures a manager acts
on at once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from vfb.models import Child, Programme, User
from vfb.models.reports import Alert
from vfb.programme.programme_models import known_models, load_model
from vfb.programme.rules import fmt
from vfb.services.reports.scope import team_scope
from vfb.vocabulary import CriterionCode, ProgrammeStatus

ALERT_CODES = (
    CriterionCode.assessment_before_start,
    CriterionCode.session_length,
    CriterionCode.filming,
    CriterionCode.shared_review,
    CriterionCode.trained_worker,
)


def alerts(*, db: Session, by: User | None, today: date, team_id: str | None = None) -> list[Alert]:
    """For active programmes: no held session for longer than the programme model's quiet days
    (21 for NICE NG26), and the fidelity failures a manager acts on at once (a short session,
    filming outside 10–20 minutes, a session without a shared review, no assessment before the
    first session, an untrained worker)."""
    team = team_scope(db, by, team_id)
    quiet_since = {
        name: today - timedelta(days=load_model(name).quiet_days) for name in known_models()
    }
    flagged = [col(Programme.fidelity_failing).contains(f" {code} ") for code in ALERT_CODES]
    quiet = or_(
        *(
            and_(
                col(Programme.model) == name,
                or_(
                    col(Programme.last_held_on) < since,
                    and_(col(Programme.last_held_on).is_(None), col(Programme.offered_on) < since),
                ),
            )
            for name, since in quiet_since.items()
        )
    )
    statement = (
        select(Programme, Child.reference, User.username)
        .join(Child, col(Child.id) == Programme.child_id)
        .join(User, col(User.id) == Programme.worker_id)
        .where(Programme.status == ProgrammeStatus.active, or_(quiet, *flagged))
        .order_by(col(Child.reference), Programme.id)
    )
    if team is not None:
        statement = statement.where(col(Child.team_id) == team)
    found = []
    for programme, reference, username in db.exec(statement):
        raised: list[tuple[str, str]] = []
        last, since = programme.last_held_on, quiet_since[programme.model]
        if last is not None and last < since:
            days = (today - last).days
            raised.append(("quiet", f"No session held since {fmt(last)} ({days} days)."))
        elif last is None and programme.offered_on < since:
            offered = fmt(programme.offered_on)
            raised.append(("quiet", f"No session held since it was offered on {offered}."))
        for code in ALERT_CODES:
            if f" {code} " in programme.fidelity_failing:
                detail = programme.fidelity_notes.get(code, code)
                raised.append((code.value, detail[:1].upper() + detail[1:]))
        found += [
            Alert(
                programme_id=programme.id,
                child_id=programme.child_id,
                child_reference=reference,
                worker=username,
                code=code,
                detail=detail,
            )
            for code, detail in raised
        ]
    return found
