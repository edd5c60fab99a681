"""Field laptops: an admin makes a laptop's one-time code and can withdraw its link; the laptop
trades the code for its credential and asks who it is for."""

from __future__ import annotations

from fastapi import APIRouter, Request

from vfb.api.deps import (
    AdminUser,
    CurrentUser,
    DbDep,
    IdPath,
    KeyDep,
    NowDep,
    PagingDep,
    client_address,
)
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES, ListOf
from vfb.errors import NotAllowed
from vfb.models import FieldDevice, Team, TeamPublic, UserPublic
from vfb.models.field_device import (
    Enrolment,
    EnrolmentRequest,
    FieldDeviceCreate,
    FieldDevicePublic,
    FieldLinkNow,
)
from vfb.services.accounts import field_devices as service

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["field laptops"], responses=ERROR_RESPONSES
)


@router.post("/field-laptops", response_model=FieldDevicePublic, status_code=201)
def make_laptop_code(
    data: FieldDeviceCreate, db: DbDep, now: NowDep, key: KeyDep, user: AdminUser
) -> FieldDevicePublic:
    """A laptop for a worker, and its one-time `code` (only in this answer; it works once, for
    30 minutes): on the laptop, `vfb field enrol URL CODE`."""
    return service.make_code(db=db, data=data, by=user, key=key, now=now)


@router.get("/field-laptops", response_model=ListOf[FieldDevicePublic])
def list_laptops(
    db: DbDep, now: NowDep, user: AdminUser, paging: PagingDep
) -> ListOf[FieldDevicePublic]:
    """Every laptop, newest first: waiting for its code, enrolled or withdrawn."""
    found = service.list_devices(db=db, by=user, now=now, limit=paging.limit, offset=paging.offset)
    return ListOf(data=found.items, count=found.count, limit=found.limit, offset=found.offset)


@router.post("/field-laptops/{laptop_id}/withdraw", response_model=FieldDevicePublic)
def withdraw_laptop(
    laptop_id: IdPath, db: DbDep, now: NowDep, user: AdminUser
) -> FieldDevicePublic:
    """The laptop can no longer send or sync; nothing on it is deleted by this."""
    return service.withdraw(db=db, device_id=laptop_id, by=user, now=now)


@router.post("/field/enrol", response_model=Enrolment, status_code=201)
def enrol(
    request: Request, data: EnrolmentRequest, db: DbDep, now: NowDep, key: KeyDep
) -> Enrolment:
    """Trade a one-time code for the laptop's `credential` (a bearer token, only in this
    answer), and learn whom the laptop is for."""
    made = service.enrol(db=db, code=data.code, key=key, now=now, origin=client_address(request))
    return Enrolment(
        device_id=made.device.id,
        device_name=made.device.name,
        credential=made.credential,
        user=UserPublic.model_validate(made.user),
        team=TeamPublic.model_validate(made.team),
    )


@router.get("/field/link", response_model=FieldLinkNow)
def this_laptop(request: Request, db: DbDep, user: CurrentUser) -> FieldLinkNow:
    """Who this laptop's credential is for (only a laptop's credential may ask)."""
    device_id = getattr(request.state, "field_device", None)
    device = db.get(FieldDevice, device_id) if device_id else None
    if device is None:
        raise NotAllowed("Only a field laptop's link can ask this: enrol the laptop first.")
    team = db.get(Team, user.team_id)
    assert team is not None
    return FieldLinkNow(
        device_id=device.id,
        device_name=device.name,
        user=UserPublic.model_validate(user),
        team=TeamPublic.model_validate(team),
    )
