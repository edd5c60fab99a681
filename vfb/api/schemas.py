"""What only the API answers: error bodies (and the responses that list them), and list pages."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from vfb.services.infra.paging import Page

T = TypeVar("T")


class ListOf(BaseModel, Generic[T]):
    data: list[T]
    count: int
    limit: int
    offset: int


class ErrorBody(BaseModel):
    error: str
    detail: str
    fields: dict[str, str] | None = Field(
        default=None,
        description="422 only: what is wrong with each field, in plain words, to show beside it",
    )


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        400: "Bad input, in plain words",
        401: "Not signed in, or the session has ended",
        403: "Signed in, but not allowed",
        404: "Not found, or not yours",
        409: "Conflicts with what is recorded",
        422: "The request does not match the schema: `fields` says what is wrong with each field",
        429: "Too many failed sign-ins: the username is locked for a while",
    }.items()
}
MEDIA_ERROR_RESPONSES: dict[int | str, dict[str, object]] = ERROR_RESPONSES | {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        413: "The upload is bigger than VFB_MAX_UPLOAD_MB",
        507: "The disk is full; nothing already saved was lost",
    }.items()
}

UPLOAD_ERROR_RESPONSES: dict[int | str, dict[str, object]] = MEDIA_ERROR_RESPONSES | {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        410: "The upload was stopped, expired, refused or withdrawn: nothing of it is kept",
        412: "Not tus 1.0.0 (the Tus-Resumable header)",
        415: "A piece not sent as application/offset+octet-stream",
        460: "The piece arrived different from the one sent (Upload-Checksum): not kept",
    }.items()
}


M = TypeVar("M", bound=BaseModel)


def list_of(public: type[M], found: Page[Any]) -> ListOf[M]:
    """A page of stored records as a page of their public shape."""
    return ListOf(
        data=[public.model_validate(item) for item in found.items],
        count=found.count,
        limit=found.limit,
        offset=found.offset,
    )
