"""A highlight reel: moments of a programme cut into one MP4 with a title card before each."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger
from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import ReelStatus


class ReelCreate(InputModel):
    moment_ids: list[str] = Field(min_length=1, max_length=50, description="In the order to show")


class Reel(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    programme_id: str = Field(foreign_key="programme.id", index=True, max_length=32)
    moment_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    status: ReelStatus = Field(default=ReelStatus.building, sa_type=EnumText(ReelStatus, 16))
    progress: float = 0.0
    detail: str | None = Field(default=None, max_length=2000)
    length_ms: int = 0
    size_bytes: int | None = Field(default=None, sa_type=BigInteger)
    created_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=80, description="Making process")
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReelPublic(SQLModel):
    id: str
    programme_id: str
    moment_ids: list[str]
    status: ReelStatus
    progress: float
    detail: str | None
    length_ms: int = Field(description="Moments plus their title cards")
    size_bytes: int | None
    created_at: datetime


class ReelPlanPublic(SQLModel):
    length_ms: int
    moments: int
