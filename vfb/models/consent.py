"""What a carer agreed to for a programme, and when; consent can be withdrawn."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import ConsentScope


class ConsentBase(SQLModel):
    programme_id: str = Field(foreign_key="programme.id", index=True, max_length=32)
    carer_id: str = Field(foreign_key="carer.id", index=True, max_length=32)
    scope: ConsentScope = Field(sa_type=EnumText(ConsentScope, 24))
    given_on: date


class ConsentCreate(ConsentBase, InputModel):
    pass


class ConsentUpdate(InputModel):
    withdrawn_on: date | None = None
    confirm: str | None = Field(
        default=None,
        max_length=64,
        description="The `confirm` of the withdrawal's preview (GET /api/consents/{id}/withdrawal):"
        " needed when the withdrawal deletes footage; refused (409) if the footage changed since",
    )


class Consent(ConsentBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    withdrawn_on: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)


class ConsentPublic(ConsentBase):
    id: str
    withdrawn_on: date | None
    active: bool
    footage_deleted: str | None = Field(
        default=None, description="On withdrawing filming or storage: what footage was deleted"
    )


class ConsentWithdrawalPreview(SQLModel):
    """What withdrawing a consent would do now, read-only."""

    consent_id: str
    scope: ConsentScope
    given_on: date = Field(description="The earliest withdrawal date")
    today: date = Field(description="The latest withdrawal date")
    deletes_footage: bool = Field(description="Footage would be deleted (filming or storage)")
    clips: int
    footage_ms: int = Field(description="How long those clips are, together")
    recordings: int = Field(description="Recordings in progress")
    reels: int
    share_links: int = Field(description="Share links that would stop working")
    words: str = Field(description="What would happen, in plain words")
    confirm: str = Field(description="Send back with the withdrawal (`confirm`)")
