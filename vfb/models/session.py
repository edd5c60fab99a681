"""One home visit of a programme ("session" in the users' words; not a database session)."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from vfb.models.base import EnumList, EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import Highlight, Location, SessionStatus


class SessionBase(SQLModel):
    held_on: date = Field(description="The visit's date (planned date for a planned visit)")
    status: SessionStatus = Field(default=SessionStatus.held, sa_type=EnumText(SessionStatus, 16))
    duration_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    location: Location = Field(default=Location.home, sa_type=EnumText(Location, 8))
    filmed_seconds: int | None = Field(default=None, ge=0, le=24 * 3600)
    reviewed_with_carer: bool = False
    review_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    review_highlights: list[Highlight] = Field(default_factory=list, sa_type=EnumList(Highlight))


class SessionCreate(SessionBase, InputModel):
    number: int | None = Field(default=None, ge=1, le=999, description="Default: the next one")


class SessionUpdate(InputModel):
    never_null = frozenset(
        {"number", "held_on", "status", "location", "reviewed_with_carer", "review_highlights"}
    )

    number: int | None = Field(default=None, ge=1, le=999)
    held_on: date | None = None
    status: SessionStatus | None = None
    duration_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    location: Location | None = None
    filmed_seconds: int | None = Field(default=None, ge=0, le=24 * 3600)
    reviewed_with_carer: bool | None = None
    review_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    review_highlights: list[Highlight] | None = None


class ProgrammeSession(SessionBase, table=True):
    __tablename__ = "session"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    programme_id: str = Field(foreign_key="programme.id", index=True, max_length=32)
    number: int
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SessionPublic(SessionBase):
    id: str
    programme_id: str
    number: int
