"""A preschool child with, or at risk of, attachment difficulties (no names needed)."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import AttachmentStatus, CareStatus, Disability


class ChildBase(SQLModel):
    reference: str = Field(min_length=1, max_length=64, description="Local case number")
    date_of_birth: date
    attachment_status: AttachmentStatus = Field(sa_type=EnumText(AttachmentStatus))
    identified_on: date
    closed_on: date | None = None
    care_status: CareStatus = Field(sa_type=EnumText(CareStatus))
    ethnicity: str | None = Field(default=None, max_length=64)
    disability: Disability = Field(default=Disability.unknown, sa_type=EnumText(Disability, 8))


class ChildCreate(ChildBase, InputModel):
    team_id: str | None = Field(default=None, max_length=32, description="Default: your team")
    worker_id: str | None = Field(
        default=None, max_length=32, description="Default: you, if you are a worker"
    )


class ChildUpdate(InputModel):
    never_null = frozenset(
        {
            "reference",
            "date_of_birth",
            "attachment_status",
            "identified_on",
            "care_status",
            "disability",
            "team_id",
        }
    )

    reference: str | None = Field(default=None, min_length=1, max_length=64)
    date_of_birth: date | None = None
    attachment_status: AttachmentStatus | None = None
    identified_on: date | None = None
    closed_on: date | None = None
    care_status: CareStatus | None = None
    ethnicity: str | None = Field(default=None, max_length=64)
    disability: Disability | None = None
    team_id: str | None = Field(default=None, max_length=32)
    worker_id: str | None = Field(default=None, max_length=32)


class Child(ChildBase, table=True):
    __table_args__ = (UniqueConstraint("team_id", "reference"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    team_id: str = Field(foreign_key="team.id", index=True, max_length=32)
    worker_id: str | None = Field(
        default=None, foreign_key="app_user.id", index=True, max_length=32
    )
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Kept by vfb/services/infra/derived.py so that the statement 3 report is one
    # indexed pass over this table: the birthdays that set the age bands and the end of preschool
    # age, and the earliest date each programme milestone was reached.
    turns_1_on: date | None = None
    turns_2_on: date | None = None
    turns_3_on: date | None = None
    turns_4_on: date | None = None
    turns_5_on: date | None = Field(default=None, index=True)
    first_offered_on: date | None = None
    first_started_on: date | None = None
    first_completed_on: date | None = None
    first_completed_met_on: date | None = None


class ChildPublic(ChildBase):
    id: str
    team_id: str
    worker_id: str | None
