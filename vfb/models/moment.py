"""A moment marked on a clip (a point or a range), in a category of the programme's scheme."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import InputModel, UTCDateTime, new_id

MS = 24 * 3600 * 1000


class MomentBase(SQLModel):
    start_ms: int = Field(ge=0, le=MS)
    end_ms: int = Field(ge=0, le=MS, description="= start_ms for a point")
    category: str = Field(max_length=64)
    note: str = Field(default="", max_length=2000)
    share_with_carer: bool = False


class MomentCreate(InputModel):
    start_ms: int = Field(ge=0, le=MS)
    end_ms: int | None = Field(default=None, ge=0, le=MS, description="Default: a point")
    category: str = Field(max_length=64)
    note: str = Field(default="", max_length=2000)
    share_with_carer: bool = False


class MomentUpdate(InputModel):
    never_null = frozenset({"start_ms", "end_ms", "category", "note", "share_with_carer"})

    version: int = Field(ge=1, description="The version you loaded; a stale one is refused (409)")
    start_ms: int | None = Field(default=None, ge=0, le=MS)
    end_ms: int | None = Field(default=None, ge=0, le=MS)
    category: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)
    share_with_carer: bool | None = None


class Moment(MomentBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    clip_id: str = Field(foreign_key="clip.id", index=True, max_length=32)
    author_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class MomentPublic(MomentBase):
    id: str
    clip_id: str
    author_id: str | None
    version: int
    nice_category: str = Field(description="The NICE highlight this category shows")
