"""The caseload as served: each child with a summary of each of their programmes."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from vfb.models.child import ChildPublic


class ProgrammeSummary(BaseModel):
    """One programme as the caseload shows it."""

    id: str
    status: str
    offered_on: date
    worker_id: str
    held_sessions: int
    last_held_on: date | None
    next_session_on: date | None
    next_session_number: int | None


class CaseloadRowPublic(BaseModel):
    child: ChildPublic
    programmes: list[ProgrammeSummary]
