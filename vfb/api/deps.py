"""Typed dependencies shared by the routes: the database, the clock, the signed-in user, paging."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from vfb.clock import Clock, local_now
from vfb.db import release_connection
from vfb.errors import NotAllowed, NotSignedIn
from vfb.models import User
from vfb.security import csrf_token, same
from vfb.services.accounts import field_devices
from vfb.services.accounts.sign_in import SignInPolicy, signed_in_user, time_left
from vfb.services.infra.footage_store import MediaStore
from vfb.services.infra.media_worker import MediaJobs
from vfb.services.protection.access import require_admin
from vfb.services.protection.audit_trail import Actor, use_actor
from vfb.settings import Settings

SIGN_IN_COOKIE = "vfb_session"
CSRF_COOKIE = "vfb_csrf"
CSRF_HEADER = "X-CSRF-Token"
# Milliseconds until this sign-in ends if the user does nothing more: pages warn before it does.
ENDS_IN_HEADER = "X-Session-Ends-In"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /api/auth/token")


# What the app was made with (vfb.api.app.create_app keeps each on `app.state`): the routes
# ask for them by type, and only this module reads `app.state`.


def _made(name: str) -> Callable[[Request], Any]:
    """A dependency that gives what create_app keeps on `app.state` under `name` (its type is
    the one its `Annotated` alias below names)."""

    def made(request: Request) -> Any:
        return getattr(request.app.state, name)

    made.__name__ = f"get_{name}"
    return made


EngineDep = Annotated[Engine, Depends(_made("engine"))]
SettingsDep = Annotated[Settings, Depends(_made("settings"))]
ClockDep = Annotated[Clock, Depends(_made("clock"))]
StoreDep = Annotated[MediaStore, Depends(_made("store"))]  # where footage is kept
JobsDep = Annotated[MediaJobs, Depends(_made("jobs"))]  # woken when there is work


async def get_db(engine: EngineDep) -> AsyncIterator[Session]:
    """The request's session. Its end runs on the event loop, not in a worker thread: closed in
    a thread, a finished request's connection waited for a free thread (40) to be given back,
    and a burst of requests took every connection while they waited (503s)."""
    db = Session(engine)
    try:
        yield db
    finally:
        db.close()


def get_now(clock: ClockDep, settings: SettingsDep) -> datetime:
    """Now, on the service's calendar (see vfb.clock)."""
    return local_now(clock, settings.zone)


# ids are ours: 32 hex digits today; anything with other characters cannot name a record.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
IdFilter = Annotated[str | None, Query(pattern=ID_PATTERN)]

DbDep = Annotated[Session, Depends(get_db)]
NowDep = Annotated[datetime, Depends(get_now)]
PolicyDep = Annotated[SignInPolicy, Depends(_made("policy"))]
get_key = _made("key")
KeyDep = Annotated[str, Depends(get_key)]


def request_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str:
    """The bearer token, or the cookie's (checking the CSRF header on any change by cookie)."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return credentials.credentials
    token = request.cookies.get(SIGN_IN_COOKIE)
    if not token:
        raise NotSignedIn("You are not signed in. Please sign in.")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not same(sent, csrf_token(token, get_key(request))):
            raise NotAllowed(
                "This change did not come from a vfb page (missing or wrong CSRF token). "
                "Reload the page and try again."
            )
    return token


def current_user(
    request: Request,
    response: Response,
    db: DbDep,
    now: NowDep,
    policy: PolicyDep,
    key: KeyDep,
    clock: ClockDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    token = request_token(request, credentials)
    if token.startswith(field_devices.CREDENTIAL_PREFIX):
        return _laptop(request, db, token, key, now, clock)
    user = signed_in_user(db=db, token=token, key=key, policy=policy, now=now)
    left = time_left(db=db, token=token, key=key, policy=policy, now=now)
    response.headers[ENDS_IN_HEADER] = str(int(left.total_seconds() * 1000))
    use_actor(db, Actor.of(user, client_address(request), clock))
    # the connection goes back to the pool before the request waits for a thread to run its
    # route in: a burst held one each while queued, and the rest found none (503s)
    release_connection(db)
    return user


def _laptop(
    request: Request, db: Session, credential: str, key: str, now: datetime, clock: Clock
) -> User:
    """A field laptop's request, as its worker: only what a laptop may reach, and its audit rows
    name the laptop."""
    if not field_devices.may_use(request.url.path):
        raise field_devices.refused_path()
    user, device = field_devices.laptop_user(db=db, credential=credential, key=key, now=now)
    origin = field_devices.laptop_origin(device, client_address(request))
    use_actor(db, Actor.of(user, origin, clock))
    request.state.field_device = device.id
    release_connection(db)
    return user


def wants_csv(request: Request) -> bool:
    """`Accept: text/csv` asked for, before any JSON."""
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept.split("text/csv")[0]


def client_address(request: Request) -> str | None:
    """Where a request came from, for the audit trail."""
    return request.client.host if request.client else None


CurrentUser = Annotated[User, Depends(current_user)]


def admin_user(user: CurrentUser) -> User:
    """The signed-in user, if an admin: checked before the request body is, so that nobody
    else learns what a valid body looks like (403, not 422)."""
    require_admin(user)
    return user


AdminUser = Annotated[User, Depends(admin_user)]


class Paging:
    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=500, description="Rows per page")] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")] = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset


PagingDep = Annotated[Paging, Depends()]
