"""A service team (an edge-of-care or adoption support team, say)."""

from datetime import datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from vfb.models.base import InputModel, UTCDateTime, new_id

# What a carer's link page says the video is from: the service's own name and how to reach it.
DISPLAY_NAME_MAX = 80
CONTACT_MAX = 120


def _tidy(value: str | None, what: str, most: int) -> str | None:
    """Trimmed, one line of plain words, at most `most` characters (said in words, not
    pydantic's)."""
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > most:
        raise ValueError(f"{what} can be at most {most} characters; this one has {len(value)}")
    if "<" in value or ">" in value:
        raise ValueError(f"{what} cannot hold < or >: write it in plain words")
    return value


class TeamBase(SQLModel):
    name: str = Field(min_length=1, max_length=120)


class TeamCarerFacing(InputModel):
    """The words carers see on a share link's page, set by an admin."""

    display_name: str | None = Field(
        default=None,
        description="The service's name as carers know it (e.g. Riverside Family Support), at "
        f"most {DISPLAY_NAME_MAX} characters",
    )
    contact: str | None = Field(
        default=None,
        description="How a carer reaches the team (e.g. 01234 567890, Mon–Fri 9–5), at most "
        f"{CONTACT_MAX} characters",
    )

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str | None) -> str | None:
        return _tidy(value, "The name carers see", DISPLAY_NAME_MAX)

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        return _tidy(value, "The contact line", CONTACT_MAX)


class TeamCreate(TeamBase, TeamCarerFacing):
    pass


class TeamUpdate(TeamCarerFacing):
    """An admin changes what carers see (an empty text clears it)."""


class Team(TeamBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    name: str = Field(max_length=120, unique=True)
    display_name: str = Field(default="", max_length=DISPLAY_NAME_MAX)
    contact: str = Field(default="", max_length=CONTACT_MAX)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TeamPublic(TeamBase):
    id: str
    display_name: str = ""
    contact: str = ""
