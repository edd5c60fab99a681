"""A programme's fidelity scorecard, from its stored record."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from vfb.models import User
from vfb.programme.fidelity import Scorecard, score
from vfb.programme.programme_models import ProgrammeModel, load_model
from vfb.services.infra.derived import programme_record
from vfb.services.protection.access import get_programme


def programme_fidelity(
    *, db: Session, programme_id: str, by: User, today: date
) -> tuple[ProgrammeModel, Scorecard]:
    programme = get_programme(db=db, programme_id=programme_id, by=by)
    model = load_model(programme.model)
    return model, score(programme_record(db, programme), model, today=today)
