"""A parent or carer of a child."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import Relationship


class CarerBase(SQLModel):
    display_name: str = Field(min_length=1, max_length=120)
    relationship: Relationship = Field(sa_type=EnumText(Relationship))


class CarerCreate(CarerBase, InputModel):
    child_id: str = Field(max_length=32)


class CarerUpdate(InputModel):
    never_null = frozenset({"display_name", "relationship"})

    display_name: str | None = Field(default=None, min_length=1, max_length=120)
    relationship: Relationship | None = None


class Carer(CarerBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    child_id: str = Field(foreign_key="child.id", index=True, max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)


class CarerPublic(CarerBase):
    id: str
    child_id: str
