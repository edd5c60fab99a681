"""Footage decided deleted whose files are not all gone yet: a row per file, or per folder (a name
ending `/`), written in the transaction that decided it, removed once the files are gone. The
object store being out of reach at that moment delays the deletion; it never forgets it."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import UTCDateTime


class FootageRemoval(SQLModel, table=True):
    __tablename__ = "footage_removal"

    name: str = Field(primary_key=True, max_length=300)  # under the footage store's root
    since: datetime = Field(sa_type=UTCDateTime)
