"""Moments on a clip, and their exports (CSV, WebVTT, ELAN) and imports."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from vfb.api.deps import CurrentUser, DbDep, IdPath, NowDep
from vfb.api.schemas import ERROR_RESPONSES
from vfb.errors import InvalidInput, TooLarge
from vfb.models import (
    CarerCommentCreate,
    CarerCommentPublic,
    MomentCreate,
    MomentPublic,
    MomentUpdate,
    SessionPublic,
    SharedMoment,
    SharedReviewCreate,
)
from vfb.review.exchange import to_csv, to_eaf, to_webvtt
from vfb.review.schemes import all_schemes
from vfb.services import access, audit, moments, shared_review

router = APIRouter(prefix="/api", tags=["moments"], responses=ERROR_RESPONSES)

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class CategoryPublic(BaseModel):
    code: str
    label: str
    nice: str = Field(description="The NICE highlight it shows")


class SchemePublic(BaseModel):
    name: str
    title: str
    categories: list[CategoryPublic]


@router.get("/schemes", response_model=list[SchemePublic])
def list_schemes(user: CurrentUser) -> list[SchemePublic]:
    """The coding schemes moments can be marked in, each category mapped onto a NICE highlight."""
    return [
        SchemePublic(
            name=scheme.name,
            title=scheme.title,
            categories=[CategoryPublic(**asdict(c)) for c in scheme.categories],
        )
        for scheme in all_schemes().values()
    ]


@router.get("/clips/{clip_id}/moments", response_model=list[MomentPublic])
def list_moments(clip_id: IdPath, db: DbDep, user: CurrentUser) -> list[MomentPublic]:
    found, scheme = moments.read_moments(db=db, clip_id=clip_id, by=user)
    return moments.public_all(db, found, scheme)


@router.post("/clips/{clip_id}/moments", response_model=MomentPublic, status_code=201)
def add_moment(
    clip_id: IdPath, data: MomentCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> MomentPublic:
    """Mark a moment: a point (no `end_ms`) or a range, inside the clip, in a category of the
    programme's coding scheme."""
    moment, scheme = moments.add_moment(db=db, clip_id=clip_id, data=data, by=user, now=now)
    return moments.public_all(db, [moment], scheme)[0]


@router.patch("/moments/{moment_id}", response_model=MomentPublic)
def update_moment(
    moment_id: IdPath, data: MomentUpdate, db: DbDep, now: NowDep, user: CurrentUser
) -> MomentPublic:
    """Change a moment. Send the `version` you loaded: if someone saved a change since, yours is
    refused (409) rather than overwriting theirs."""
    moment, scheme = moments.update_moment(db=db, moment_id=moment_id, data=data, by=user, now=now)
    return moments.public_all(db, [moment], scheme)[0]


@router.delete("/moments/{moment_id}", status_code=204)
def delete_moment(moment_id: IdPath, db: DbDep, user: CurrentUser) -> Response:
    moments.delete_moment(db=db, moment_id=moment_id, by=user)
    return Response(status_code=204)


EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "eaf": "application/xml; charset=utf-8",
}


@router.get("/clips/{clip_id}/moments.{extension}", response_class=Response)
def export_moments(
    clip_id: IdPath,
    extension: Literal["csv", "vtt", "eaf"],
    request: Request,
    db: DbDep,
    user: CurrentUser,
) -> Response:
    """The clip's moments as CSV, WebVTT (usable as a `<track>`) or ELAN `.eaf` (one tier per
    category, linked to the clip's media). Each export is in the audit trail."""
    found, scheme = moments.list_moments(db=db, clip_id=clip_id, by=user)
    _, programme = access.get_clip(db=db, clip_id=clip_id, by=user)
    audit.append(
        db,
        "moments.export",
        target_type="clip",
        target_id=clip_id,
        child_id=programme.child_id,
        detail=extension,
    )
    db.commit()
    marked = [moments.as_marked(m) for m in found]
    if extension == "csv":
        body = to_csv(marked)
    elif extension == "vtt":
        body = to_webvtt(marked, {c.code: c.label for c in scheme.categories})
    else:
        body = to_eaf(marked, media_url=str(request.url_for("clip_media", clip_id=clip_id)))
    media_type = EXPORTS[extension]
    disposition = "inline" if extension == "vtt" else "attachment"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="moments-{clip_id}.{extension}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/clips/{clip_id}/moments/import",
    response_model=list[MomentPublic],
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/xml": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_moments(
    clip_id: IdPath,
    request: Request,
    db: DbDep,
    now: NowDep,
    user: CurrentUser,
    format: Annotated[Literal["csv", "eaf"], Query(description="What the body is")] = "csv",
) -> list[MomentPublic]:
    """Add the moments of a CSV export or an ELAN `.eaf` file (all of them, or none if one is
    not valid)."""
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > MAX_IMPORT_BYTES:
            raise TooLarge("A moments file may be at most 5 MB.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("The moments file must be UTF-8 text.") from None
    made = moments.import_moments(db=db, clip_id=clip_id, text=text, kind=format, by=user, now=now)
    found, scheme = moments.list_moments(db=db, clip_id=clip_id, by=user)
    ids = {m.id for m in made}
    return moments.public_all(db, [m for m in found if m.id in ids], scheme)


@router.get("/clips/{clip_id}/shared-moments", response_model=list[SharedMoment])
def shared_moments(clip_id: IdPath, db: DbDep, user: CurrentUser) -> list[SharedMoment]:
    """What the joint review shows the carer: the moments marked to share, in order, with their
    captions, and nothing the worker wrote for themselves."""
    return moments.shared_moments(db=db, clip_id=clip_id, by=user)


@router.post(
    "/moments/{moment_id}/carer-comments", response_model=CarerCommentPublic, status_code=201
)
def add_carer_comment(
    moment_id: IdPath, data: CarerCommentCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> CarerCommentPublic:
    """Save the carer's own words about a moment, as they say them in a joint review."""
    comment = moments.add_carer_comment(
        db=db, moment_id=moment_id, text=data.text, by=user, now=now
    )
    return CarerCommentPublic.model_validate(comment)


@router.post("/sessions/{session_id}/shared-review", response_model=SessionPublic)
def record_shared_review(
    session_id: IdPath, data: SharedReviewCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> SessionPublic:
    """Record a joint review held in this session: `reviewed_with_carer` becomes true, the minutes
    are added to `review_minutes`, and the NICE highlights of the moments shown are added to
    `review_highlights`."""
    session = shared_review.record_shared_review(
        db=db, session_id=session_id, data=data, by=user, now=now
    )
    return SessionPublic.model_validate(session)


class ProgrammeMoment(MomentPublic):
    session_id: str
    session_number: int
    held_on: date


@router.get("/programmes/{programme_id}/moments", response_model=list[ProgrammeMoment])
def programme_moments(programme_id: IdPath, db: DbDep, user: CurrentUser) -> list[ProgrammeMoment]:
    """Every moment of the programme with its session, oldest session first: for seeing change
    over time."""
    rows, scheme = moments.programme_moments(db=db, programme_id=programme_id, by=user)
    found = moments.public_all(db, [m for m, _ in rows], scheme)
    return [
        ProgrammeMoment.model_validate(
            m.model_dump() | {"session_id": s.id, "session_number": s.number, "held_on": s.held_on}
        )
        for m, (_, s) in zip(found, rows, strict=True)
    ]
