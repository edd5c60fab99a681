"""Moments on a clip, and their exports (CSV, WebVTT, ELAN) and imports."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from vfb.api.deps import CurrentUser, DbDep, IdPath, NowDep
from vfb.api.releasing_route import ReleasingRoute
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
from vfb.models.moment import (
    CategoryPublic,
    ImportColumns,
    ImportPreview,
    ImportSource,
    OutsideAnnotation,
    ProgrammeMoment,
    SchemePublic,
)
from vfb.review.csv_import import Columns, detect, header_of
from vfb.review.elan import clip_file_name, frame_ms, to_eaf
from vfb.review.exchange import to_csv
from vfb.review.schemes import all_schemes
from vfb.review.webvtt import Track, to_webvtt
from vfb.services.protection import access, audit_trail
from vfb.services.review import joint_review, moments

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["moments"], responses=ERROR_RESPONSES
)

MAX_IMPORT_BYTES = 5 * 1024 * 1024


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
    db: DbDep,
    user: CurrentUser,
    track: Annotated[
        Track,
        Query(
            description="WebVTT only: the carer's `captions` (shared moments: caption and "
            "the child's words) or the team's `notes`"
        ),
    ] = "captions",
) -> Response:
    """The clip's moments as CSV, WebVTT (a `<track>`: the carer's captions, or the team's
    notes) or ELAN `.eaf` (one tier per category, the note, caption, child's words and share as
    dependent tiers, the media named `clip-<id>.mp4`, or `.webm`). Each export is in the audit
    trail."""
    found, scheme = moments.list_moments(db=db, clip_id=clip_id, by=user)
    clip, programme = access.get_clip(db=db, clip_id=clip_id, by=user)
    audit_trail.append(
        db,
        "moments.export",
        target_type="clip",
        target_id=clip_id,
        child_id=programme.child_id,
        detail=f"{extension} {track}" if extension == "vtt" else extension,
    )
    db.commit()
    marked = [moments.as_marked(m) for m in found]
    labels = {c.code: c.label for c in scheme.categories}
    name = f"moments-{clip_id}.{extension}"
    if extension == "csv":
        body = to_csv(marked)
    elif extension == "vtt":
        body = to_webvtt(marked, labels, track)
        name = f"moments-{clip_id}-{track}.vtt"
    else:
        body = to_eaf(
            marked,
            media_name=clip_file_name(clip_id, clip.playable_ext),
            categories=labels,
            one_frame_ms=frame_ms(clip.fps),
        )
    disposition = "inline" if extension == "vtt" else "attachment"
    return Response(
        body,
        media_type=EXPORTS[extension],
        headers={
            "Content-Disposition": f'{disposition}; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/xml": {"schema": {"type": "string"}},
        },
    }
}
MapQuery = Annotated[
    list[str],
    Query(
        alias="map",
        description="`<tier or behaviour>=<category>` (or `=` alone to skip it); a dependent "
        "tier `=<note|caption|child_words|share>`. Repeat for each; what is not given is as "
        "proposed.",
    ),
]


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        name, equals, target = pair.rpartition("=")
        if not equals:
            raise InvalidInput(f"map={pair!r} must be <tier or behaviour>=<category>.")
        mapping[name] = target
    return mapping


def _columns(chosen: ImportColumns, kind: str, text: str) -> Columns | None:
    given = chosen.model_dump(exclude_none=True)
    if kind != "csv" or not given:
        return None
    return replace(detect(header_of(text)[1]), **given)


async def _file_text(request: Request) -> str:
    """The body, up to the route's own limit (the app's request limit stands aside for it)."""
    declared = request.headers.get("content-length", "")
    too_large = f"A moments file may be at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB."
    if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES:
        size = int(declared) / (1024 * 1024)
        raise TooLarge(f"{too_large[:-1]}; this one is {size:.1f} MB.")
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > MAX_IMPORT_BYTES:
            raise TooLarge(too_large)
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The moments file must be UTF-8 text.") from None


@router.post(
    "/clips/{clip_id}/moments/import/preview",
    response_model=ImportPreview,
    openapi_extra=IMPORT_BODY,
)
async def preview_import(
    clip_id: IdPath,
    request: Request,
    db: DbDep,
    user: CurrentUser,
    chosen: Annotated[ImportColumns, Query()],
    format: Annotated[Literal["csv", "eaf"], Query(description="What the body is")] = "csv",
    map: MapQuery = [],  # noqa: B006 (FastAPI copies it)
) -> ImportPreview:
    """What importing the file would do, adding nothing: its tiers or behaviours with the
    category proposed for each, what lies after the clip's end, and what will not be imported."""
    text = await _file_text(request)
    read = moments.read_import(
        db=db,
        clip_id=clip_id,
        text=text,
        kind=format,
        mapping=_mapping(map),
        columns=_columns(chosen, format, text),
        by=user,
    )
    return ImportPreview(
        format=read.reading.format,
        sources=[ImportSource.model_validate(asdict(s)) for s in read.reading.sources],
        moments=len(read.plan.moments),
        outside_count=len(read.plan.outside),
        outside=[
            OutsideAnnotation(source=c.source, start_ms=c.start_ms, end_ms=c.end_ms, where=c.where)
            for c in read.plan.outside[:100]
        ],
        skipped=read.plan.skipped,
        undecided=read.plan.undecided,
        columns=read.reading.columns,
        header=read.reading.header,
        duration_ms=read.clip.duration_ms or 0,
    )


@router.post(
    "/clips/{clip_id}/moments/import",
    response_model=list[MomentPublic],
    status_code=201,
    openapi_extra=IMPORT_BODY,
)
async def import_moments(
    clip_id: IdPath,
    request: Request,
    db: DbDep,
    now: NowDep,
    user: CurrentUser,
    chosen: Annotated[ImportColumns, Query()],
    format: Annotated[Literal["csv", "eaf"], Query(description="What the body is")] = "csv",
    map: MapQuery = [],  # noqa: B006 (FastAPI copies it)
    skip_outside: Annotated[
        bool, Query(description="Agree to skip what lies after the clip's end")
    ] = False,
) -> list[MomentPublic]:
    """Add the moments of a CSV (vfb's, BORIS's, Datavyu's or any table, through its columns)
    or an ELAN `.eaf` file: all of them, or none if one is not valid. See the preview first."""
    text = await _file_text(request)
    made = moments.import_moments(
        db=db,
        clip_id=clip_id,
        text=text,
        kind=format,
        by=user,
        now=now,
        mapping=_mapping(map),
        columns=_columns(chosen, format, text),
        skip_outside=skip_outside,
    )
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
    session = joint_review.record_shared_review(
        db=db, session_id=session_id, data=data, by=user, now=now
    )
    return SessionPublic.model_validate(session)


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
