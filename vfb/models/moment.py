"""A moment marked on a clip (a point or a range), in a category of the programme's scheme."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from vfb.models.base import InputModel, UTCDateTime, new_id

MS = 24 * 3600 * 1000


class MomentBase(SQLModel):
    start_ms: int = Field(ge=0, le=MS)
    end_ms: int = Field(ge=0, le=MS, description="= start_ms for a point")
    category: str = Field(max_length=64)
    note: str = Field(
        default="", max_length=2000, description="The worker's own words; never shown to the carer"
    )
    share_with_carer: bool = False
    caption: str = Field(
        default="",
        max_length=200,
        description="What the carer sees in the joint review and the reel",
    )
    child_words: str = Field(
        default="",
        max_length=200,
        description="What the child might say, in the carer's own words; shown with the caption",
    )


class MomentCreate(InputModel):
    start_ms: int = Field(ge=0, le=MS)
    end_ms: int | None = Field(default=None, ge=0, le=MS, description="Default: a point")
    category: str = Field(max_length=64)
    note: str = Field(default="", max_length=2000)
    share_with_carer: bool = False
    caption: str = Field(default="", max_length=200)
    child_words: str = Field(default="", max_length=200)


class MomentUpdate(InputModel):
    never_null = frozenset(
        {"start_ms", "end_ms", "category", "note", "share_with_carer", "caption", "child_words"}
    )

    version: int = Field(ge=1, description="The version you loaded; a stale one is refused (409)")
    start_ms: int | None = Field(default=None, ge=0, le=MS)
    end_ms: int | None = Field(default=None, ge=0, le=MS)
    category: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)
    share_with_carer: bool | None = None
    caption: str | None = Field(default=None, max_length=200)
    child_words: str | None = Field(default=None, max_length=200)


class Moment(MomentBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    clip_id: str = Field(foreign_key="clip.id", index=True, max_length=32)
    author_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class CarerCommentCreate(InputModel):
    text: str = Field(min_length=1, max_length=2000, description="The carer's own words")


class CarerComment(SQLModel, table=True):
    """What the carer said about a moment during a joint review, typed by the worker."""

    __tablename__ = "carer_comment"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    moment_id: str = Field(foreign_key="moment.id", index=True, max_length=32)
    text: str = Field(max_length=2000)
    recorded_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    said_at: datetime = Field(sa_type=UTCDateTime)


class CarerCommentPublic(SQLModel):
    id: str
    moment_id: str
    text: str
    said_at: datetime


class MomentPublic(MomentBase):
    id: str
    clip_id: str
    author_id: str | None
    version: int
    nice_category: str = Field(description="The NICE highlight this category shows")
    carer_comments: list[CarerCommentPublic] = Field(default_factory=list)


class SharedMoment(SQLModel):
    """A moment as the carer sees it in a joint review: no note, no author."""

    id: str
    clip_id: str
    start_ms: int
    end_ms: int
    category: str
    label: str
    nice_category: str
    caption: str
    child_words: str = Field(description="What the child might say, in the carer's words")
    version: int = Field(description="To change the child's words with (PATCH /api/moments/{id})")
    play_from_ms: int = Field(description="Where the moment starts playing for the carer")
    play_to_ms: int = Field(description="Where it stops (a point plays a few seconds around it)")


class SharedReviewCreate(InputModel):
    """A joint review just held: what was watched, for how long, and which moments were shown."""

    clip_id: str = Field(max_length=32)
    minutes: int = Field(ge=1, le=24 * 60, description="How long the carer and worker watched")
    shown_moment_ids: list[str] = Field(default_factory=list, max_length=500)


class CategoryPublic(BaseModel):
    code: str
    label: str
    nice: str = Field(description="The NICE highlight it shows")


class SchemePublic(BaseModel):
    name: str
    title: str
    categories: list[CategoryPublic]


class ImportColumns(BaseModel):
    """A CSV's columns, when they are not the ones proposed from its header."""

    start: str | None = None
    end: str | None = None
    behaviour: str | None = None
    status: str | None = None
    note: str | None = None
    subject: str | None = None
    unit: Literal["s", "ms"] | None = None


class ImportSource(BaseModel):
    name: str
    count: int
    kind: Literal["moments", "field"]
    proposed: str | None
    parent: str


class OutsideAnnotation(BaseModel):
    source: str
    start_ms: int
    end_ms: int
    where: str


class ImportPreview(BaseModel):
    format: str = Field(description="vfb, eaf, boris, datavyu or columns")
    sources: list[ImportSource]
    moments: int = Field(description="How many moments the import would add")
    outside_count: int
    outside: list[OutsideAnnotation] = Field(description="The first 100 after the clip's end")
    skipped: list[str] = Field(description="What will not be imported, in words")
    undecided: list[str] = Field(description="Tiers or behaviours still needing a category")
    columns: dict[str, str] = Field(description="A CSV's column mapping, as read")
    header: list[str]
    duration_ms: int


class ProgrammeMoment(MomentPublic):
    session_id: str
    session_number: int
    held_on: date
