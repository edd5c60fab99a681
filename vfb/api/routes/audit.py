"""The audit trail for managers: their team's rows, filtered by child, user, action and date,
as JSON pages or one CSV file (`Accept: text/csv`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from vfb.api.deps import (
    CurrentUser,
    DbDep,
    EngineDep,
    IdFilter,
    NowDep,
    PagingDep,
    SettingsDep,
    wants_csv,
)
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES
from vfb.models.audit import AuditPage
from vfb.services.protection import audit_trail

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["audit"], responses=ERROR_RESPONSES
)


@router.get(
    "/audit",
    response_model=AuditPage,
    responses={200: {"content": {"text/csv": {}}, "description": "Rows (JSON or CSV)"}},
)
def audit_page(
    request: Request,
    db: DbDep,
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    user: CurrentUser,
    paging: PagingDep,
    child_id: IdFilter = None,
    user_id: IdFilter = None,
    action: Annotated[
        str | None, Query(pattern=r"^[a-z_.]{1,48}$", description="e.g. `clip.stream`, `share`")
    ] = None,
    start: Annotated[date | None, Query(alias="from", description="First day (inclusive)")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day (inclusive)")] = None,
) -> Any:
    """Who did what, when (UTC) and from where, newest first: every media access, every change
    to a case record, every reading of a child's record, carers or moment notes, every export,
    every account change and sign-in. Managers see their team; each reading is itself a row."""
    wanted = audit_trail.manager_trail(
        user, child_id=child_id, actor_id=user_id, action=action, start=start, end=end
    )
    zone = settings.zone
    if wants_csv(request):
        lines = audit_trail.export_csv(db, engine, wanted, zone)
        return StreamingResponse(
            lines,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="audit-{now:%Y-%m-%d}.csv"',
                "Cache-Control": "no-store",
            },
        )
    rows, count = audit_trail.read_events(
        db, wanted, zone, by=user, limit=paging.limit, offset=paging.offset
    )
    return AuditPage(
        data=rows,
        count=count,
        limit=paging.limit,
        offset=paging.offset,
    )
