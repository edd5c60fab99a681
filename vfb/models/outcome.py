"""Outcomes recorded for a child: carer sensitivity/responsiveness scores on a standardised scale
(before and after a programme), and breakdowns of care placements."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import ScoreTiming


class CarerScoreCreate(InputModel):
    child_id: str = Field(max_length=32)
    programme_id: str | None = Field(default=None, max_length=32)
    scale: str = Field(min_length=1, max_length=80, description="e.g. 'Ainsworth sensitivity'")
    value: float = Field(ge=-1000, le=1000)
    measured_on: date
    timing: ScoreTiming = Field(description="`before` or `after` the programme")


class CarerScore(SQLModel, table=True):
    __tablename__ = "carer_score"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    child_id: str = Field(foreign_key="child.id", index=True, max_length=32)
    programme_id: str | None = Field(default=None, foreign_key="programme.id", max_length=32)
    scale: str = Field(max_length=80)
    value: float
    measured_on: date
    timing: ScoreTiming = Field(sa_type=EnumText(ScoreTiming, 8))
    recorded_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)


class CarerScorePublic(SQLModel):
    id: str
    child_id: str
    programme_id: str | None
    scale: str
    value: float
    measured_on: date
    timing: ScoreTiming


class PlacementBreakdownCreate(InputModel):
    child_id: str = Field(max_length=32)
    occurred_on: date
    note: str = Field(default="", max_length=500)


class PlacementBreakdown(SQLModel, table=True):
    __tablename__ = "placement_breakdown"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    child_id: str = Field(foreign_key="child.id", index=True, max_length=32)
    occurred_on: date = Field(index=True)
    note: str = Field(default="", max_length=500)
    recorded_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)


class PlacementBreakdownPublic(SQLModel):
    id: str
    child_id: str
    occurred_on: date
    note: str
