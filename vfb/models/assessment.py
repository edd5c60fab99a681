"""The comprehensive assessment of a child (QS133 statement 1)."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import InputModel, UTCDateTime, new_id


class AssessmentBase(SQLModel):
    child_id: str = Field(foreign_key="child.id", index=True, max_length=32)
    completed_on: date


class AssessmentCreate(AssessmentBase, InputModel):
    pass


class Assessment(AssessmentBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)


class AssessmentPublic(AssessmentBase):
    id: str
