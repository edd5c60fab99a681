"""Highlight reels: ask for one (it is made in the background), follow its progress, play or
download it, delete it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from vfb.api.deps import CurrentUser, DbDep, IdPath, JobsDep, NowDep, StoreDep
from vfb.api.footage import footage_response
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import MEDIA_ERROR_RESPONSES
from vfb.models import Reel, ReelCreate, ReelPlanPublic, ReelPublic
from vfb.services.footage import viewing
from vfb.services.review import reels

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["reels"], responses=MEDIA_ERROR_RESPONSES
)


def _public(reel: Reel) -> ReelPublic:
    return ReelPublic.model_validate(reel)


@router.post("/programmes/{programme_id}/reels/plan", response_model=ReelPlanPublic)
def plan_reel(
    programme_id: IdPath, data: ReelCreate, db: DbDep, store: StoreDep, user: CurrentUser
) -> ReelPlanPublic:
    """How long a reel of these moments would be (each with its title card), before making it."""
    length = reels.plan_reel(db=db, store=store, programme_id=programme_id, data=data, by=user)
    return ReelPlanPublic(length_ms=length, moments=len(data.moment_ids))


@router.post("/programmes/{programme_id}/reels", response_model=ReelPublic, status_code=202)
def start_reel(
    programme_id: IdPath,
    data: ReelCreate,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    jobs: JobsDep,
    user: CurrentUser,
) -> ReelPublic:
    """Make a highlight reel of these moments, in this order (needs a carer's `share_with_carer`
    consent). It is made in the background: follow `GET /api/reels/{id}` until `ready`."""
    reel = reels.start_reel(
        db=db, store=store, programme_id=programme_id, data=data, by=user, now=now
    )
    jobs.wake()
    return _public(reel)


@router.get("/programmes/{programme_id}/reels", response_model=list[ReelPublic])
def list_reels(programme_id: IdPath, db: DbDep, user: CurrentUser) -> list[ReelPublic]:
    return [_public(r) for r in reels.list_reels(db=db, programme_id=programme_id, by=user)]


@router.get("/reels/{reel_id}", response_model=ReelPublic)
def get_reel(reel_id: IdPath, db: DbDep, user: CurrentUser) -> ReelPublic:
    return _public(reels.get_reel(db=db, reel_id=reel_id, by=user))


@router.get("/reels/{reel_id}/media", response_class=FileResponse)
@router.head("/reels/{reel_id}/media", response_class=FileResponse, include_in_schema=False)
def reel_media(
    reel_id: IdPath,
    request: Request,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    user: CurrentUser,
    download: bool = False,
) -> Response:
    """The reel's MP4 (a single Range answered 206); `?download=true` to save it."""
    reel, programme = viewing.watch_reel(db=db, reel_id=reel_id, by=user, today=now.date())
    path = reels.ready_reel_file(store, reel)
    action = "reel.download" if download else "reel.stream"
    return footage_response(
        request,
        store,
        path,
        media_type="video/mp4",
        filename=f"highlights-{reel.created_at:%Y-%m-%d}.mp4",
        disposition="attachment" if download else "inline",
        headers={"Cache-Control": "private, no-store"},
        start_viewing=lambda: viewing.start_viewing(
            db, action, target_type="reel", target_id=reel.id, child_id=programme.child_id
        ),
    )


@router.delete("/reels/{reel_id}", status_code=204)
def delete_reel(reel_id: IdPath, db: DbDep, store: StoreDep, user: CurrentUser) -> Response:
    reels.delete_reel(db=db, store=store, reel_id=reel_id, by=user)
    return Response(status_code=204)
