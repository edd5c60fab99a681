"""One video feedback programme for one child and their carer(s)."""

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import ProgrammeStatus, Verdict


class ProgrammeBase(SQLModel):
    offered_on: date
    accepted: bool | None = Field(default=None, description="null = not yet answered")
    model: str = Field(default="nice-ng26", max_length=32)
    coding_scheme: str = Field(
        default="nice", max_length=32, description="Moment categories: `nice`, `vig` or `vipp-sd`"
    )


class ProgrammeCreate(ProgrammeBase, InputModel):
    child_id: str = Field(max_length=32)
    worker_id: str | None = Field(
        default=None, max_length=32, description="Default: the child's allocated worker"
    )
    carer_ids: list[str] = Field(default_factory=list)


class ProgrammeUpdate(InputModel):
    never_null = frozenset({"status", "worker_id", "carer_ids"})

    status: ProgrammeStatus | None = None
    ended_on: date | None = None
    accepted: bool | None = None
    worker_id: str | None = Field(default=None, max_length=32)
    carer_ids: list[str] | None = None


class Programme(ProgrammeBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    child_id: str = Field(foreign_key="child.id", index=True, max_length=32)
    worker_id: str = Field(foreign_key="app_user.id", index=True, max_length=32)
    status: ProgrammeStatus = Field(sa_type=EnumText(ProgrammeStatus, 16), index=True)
    ended_on: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Kept by vfb/services/infra/derived.py whenever the programme, its sessions, the child's
    # assessments or the worker's training change: what the team fidelity list reads.
    held_sessions: int = 0
    first_held_on: date | None = None
    last_held_on: date | None = None
    fidelity_verdict: str = Field(default=Verdict.not_started.value, max_length=16, index=True)
    fidelity_failing: str = Field(default="", max_length=400, description="' code code '")
    fidelity_notes: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    span_deadline: date | None = Field(
        default=None, description="While `span` is pending: it fails once today is after this"
    )


class ProgrammeCarer(SQLModel, table=True):
    __tablename__ = "programme_carer"

    programme_id: str = Field(foreign_key="programme.id", primary_key=True, max_length=32)
    carer_id: str = Field(foreign_key="carer.id", primary_key=True, max_length=32, index=True)


class ProgrammePublic(ProgrammeBase):
    id: str
    child_id: str
    worker_id: str
    status: ProgrammeStatus
    ended_on: date | None
    carer_ids: list[str]


class CriterionPublic(BaseModel):
    code: str
    status: str = Field(description="pass, fail or pending")
    detail: str


class FidelityPublic(BaseModel):
    programme_id: str
    model: str
    model_title: str
    verdict: str = Field(description="met, not_met, on_track, off_track or not_started")
    criteria: list[CriterionPublic]
