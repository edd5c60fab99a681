"""A service team (an edge-of-care or adoption support team, say)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import InputModel, UTCDateTime, new_id


class TeamBase(SQLModel):
    name: str = Field(min_length=1, max_length=120)


class TeamCreate(TeamBase, InputModel):
    pass


class Team(TeamBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    name: str = Field(max_length=120, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TeamPublic(TeamBase):
    id: str
