"""A caseload: the children in a user's reach, each with their programmes' status and next visit.

A fixed number of queries for a whole page, whatever its size: the children, their programmes,
one aggregate over the programmes' held sessions, and their upcoming planned visits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from vfb.models import Child, ChildPublic, Programme, ProgrammeSession, User
from vfb.models.caseload import CaseloadRowPublic, ProgrammeSummary
from vfb.services.infra.paging import Page, page
from vfb.services.protection.access import child_in_reach
from vfb.vocabulary import SessionStatus


def caseload(
    *, db: Session, by: User, include_closed: bool, today: date, limit: int, offset: int
) -> Page[CaseloadRowPublic]:
    statement = select(Child).where(child_in_reach(by))
    if not include_closed:
        statement = statement.where(col(Child.closed_on).is_(None))
    children = page(db, statement.order_by(col(Child.reference)), limit=limit, offset=offset)
    ids = [child.id for child in children.items]
    programmes = db.exec(
        select(Programme)
        .where(col(Programme.child_id).in_(ids))
        .order_by(col(Programme.offered_on).desc())
    ).all()
    programme_ids = [p.id for p in programmes]
    held = col(ProgrammeSession.status) == SessionStatus.held
    stats = {
        row[0]: (row[1], row[2])
        for row in db.exec(
            select(
                ProgrammeSession.programme_id,
                func.sum(case((held, 1), else_=0)),
                func.max(case((held, ProgrammeSession.held_on))),
            )
            .where(col(ProgrammeSession.programme_id).in_(programme_ids))
            .group_by(col(ProgrammeSession.programme_id))
        ).all()
    }
    next_visit: dict[str, ProgrammeSession] = {}
    for visit in db.exec(
        select(ProgrammeSession)
        .where(
            col(ProgrammeSession.programme_id).in_(programme_ids),
            ProgrammeSession.status == SessionStatus.planned,
            col(ProgrammeSession.held_on) >= today,
        )
        .order_by(col(ProgrammeSession.held_on).desc(), col(ProgrammeSession.number).desc())
    ):
        next_visit[visit.programme_id] = visit  # ordered latest first: the earliest wins
    by_child: dict[str, list[ProgrammeSummary]] = {child_id: [] for child_id in ids}
    for programme in programmes:
        count, last_held = stats.get(programme.id, (0, None))
        upcoming = next_visit.get(programme.id)
        by_child[programme.child_id].append(
            ProgrammeSummary(
                id=programme.id,
                status=programme.status,
                offered_on=programme.offered_on,
                worker_id=programme.worker_id,
                held_sessions=int(count or 0),
                last_held_on=last_held,
                next_session_on=upcoming.held_on if upcoming else None,
                next_session_number=upcoming.number if upcoming else None,
            )
        )
    rows = [
        CaseloadRowPublic(child=ChildPublic.model_validate(child), programmes=by_child[child.id])
        for child in children.items
    ]
    return Page(items=rows, count=children.count, limit=limit, offset=offset)
