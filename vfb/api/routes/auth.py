"""Signing in: bearer tokens for integrations and the CLI, a cookie for the web pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from vfb.api.deps import (
    CSRF_COOKIE,
    SIGN_IN_COOKIE,
    CurrentUser,
    DbDep,
    KeyDep,
    NowDep,
    PolicyDep,
    SettingsDep,
    bearer_scheme,
    client_address,
    request_token,
)
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES
from vfb.models import UserPublic
from vfb.models.auth import SignedIn, SignInNow, Token
from vfb.security import csrf_token
from vfb.services.accounts.sign_in import sign_in, sign_out, time_left

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["auth"], responses=ERROR_RESPONSES
)

Username = Annotated[str, Form(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Password = Annotated[str, Form(min_length=1, max_length=1000)]


@router.post("/auth/token", response_model=Token)
def token(
    request: Request,
    username: Username,
    password: Password,
    db: DbDep,
    now: NowDep,
    policy: PolicyDep,
    key: KeyDep,
) -> Token:
    """Exchange a username and password for a bearer token."""
    access_token, _ = sign_in(
        db=db,
        username=username,
        password=password,
        kind="bearer",
        key=key,
        policy=policy,
        now=now,
        origin=client_address(request),
    )
    return Token(access_token=access_token)


@router.post("/auth/session", response_model=SignedIn)
def start_sign_in(
    request: Request,
    response: Response,
    username: Username,
    password: Password,
    db: DbDep,
    now: NowDep,
    policy: PolicyDep,
    key: KeyDep,
    settings: SettingsDep,
) -> SignedIn:
    """Sign in from a web page: sets an HttpOnly, SameSite=Strict session cookie."""
    session_token, user = sign_in(
        db=db,
        username=username,
        password=password,
        kind="cookie",
        key=key,
        policy=policy,
        now=now,
        origin=client_address(request),
    )
    secure = settings.resolved_cookie_secure
    response.set_cookie(
        SIGN_IN_COOKIE, session_token, httponly=True, samesite="strict", secure=secure, path="/"
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token(session_token, key),
        httponly=False,
        samesite="strict",
        secure=secure,
        path="/",
    )
    return SignedIn(user=UserPublic.model_validate(user))


@router.get("/auth/session", response_model=SignInNow)
def this_sign_in(
    request: Request,
    db: DbDep,
    now: NowDep,
    policy: PolicyDep,
    key: KeyDep,
    user: CurrentUser,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> SignInNow:
    """Who is signed in, the idle limit and how long this sign-in has left. Asking is activity:
    it keeps the sign-in going, as any other request does."""
    token = request_token(request, credentials)
    left = time_left(db=db, token=token, key=key, policy=policy, now=now)
    return SignInNow(
        user=UserPublic.model_validate(user),
        idle_ms=int(policy.idle.total_seconds() * 1000),
        ends_in_ms=int(left.total_seconds() * 1000),
    )


@router.post("/auth/sign-out", status_code=204)
def end_sign_in(
    request: Request,
    db: DbDep,
    now: NowDep,
    key: KeyDep,
    user: CurrentUser,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Response:
    """End this sign-in (the bearer token's, or the cookie's)."""
    sign_out(db=db, token=request_token(request, credentials), key=key, now=now)
    response = Response(status_code=204)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
