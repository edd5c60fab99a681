"""A programme's fidelity scorecard, from its stored record."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from vfb.models import Assessment, ProgrammeSession, User
from vfb.models.enums import ProgrammeStatus
from vfb.programme.fidelity import ProgrammeRecord, Scorecard, Visit, score
from vfb.programme.programme_models import ProgrammeModel, load_model
from vfb.services.access import get_programme


def programme_fidelity(
    *, db: Session, programme_id: str, by: User, today: date
) -> tuple[ProgrammeModel, Scorecard]:
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    visits = db.exec(
        select(ProgrammeSession).where(ProgrammeSession.programme_id == programme.id)
    ).all()
    assessments = db.exec(select(Assessment).where(Assessment.child_id == programme.child_id))
    worker = db.get(User, programme.worker_id)
    record = ProgrammeRecord(
        status=ProgrammeStatus(programme.status),
        visits=[
            Visit(
                number=v.number,
                held_on=v.held_on,
                status=v.status,
                duration_minutes=v.duration_minutes,
                location=v.location,
                filmed_seconds=v.filmed_seconds,
                reviewed_with_carer=v.reviewed_with_carer,
                review_highlights=frozenset(v.review_highlights),
            )
            for v in visits
        ],
        assessments=[a.completed_on for a in assessments],
        worker_trained_on=worker.trained_on if worker else None,
    )
    model = load_model(programme.model)
    return model, score(record, model, today=today)
