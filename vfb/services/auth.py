"""Signing in and out, and turning a token into the signed-in user.

A sign-in is a row in `auth_session`, for both bearer tokens and browser cookies, so that idle and
absolute expiry, sign-out and disabling a user all take effect at once, everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sqlmodel import Session, select

from vfb.errors import NotSignedIn, SignInLocked, WrongCredentials
from vfb.models import AuthSession, LoginThrottle, User
from vfb.security import new_token, token_id, verify_password
from vfb.services.audit import Actor, append

# Refreshing `last_seen_at` on every request would write on every read; a minute's slack is fine
# against a 30-minute idle limit.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignInPolicy:
    idle: timedelta
    max_age: timedelta
    max_failures: int
    lockout: timedelta


def sign_in(
    *,
    db: Session,
    username: str,
    password: str,
    kind: str,
    key: str,
    policy: SignInPolicy,
    now: datetime,
    origin: str | None = None,
) -> tuple[str, User]:
    """A new token for the user, or `WrongCredentials` / `SignInLocked` in plain words. Every
    attempt is in the audit trail, with where it came from."""
    name = username.strip().lower()[:64]
    user = db.exec(select(User).where(User.username == name)).first()
    # a failed attempt on a real username is shown to that user's team's managers
    stranger = Actor(
        name or "(no username)",
        "anonymous",
        team_id=user.team_id if user else None,
        origin=origin,
        clock=lambda: now,
    )
    throttle = db.get(LoginThrottle, name)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        minutes = ceil((throttle.locked_until - now).total_seconds() / 60)
        append(db, "sign_in.failed", detail="username locked", actor=stranger)
        db.commit()
        raise SignInLocked(
            f"Too many failed sign-ins for this username. Try again in {minutes} minute"
            f"{'s' if minutes != 1 else ''}, or ask an admin to reset the password."
        )
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled:
        throttle = throttle or LoginThrottle(username=name)
        throttle.failures += 1
        if throttle.failures >= policy.max_failures:
            throttle.locked_until = now + policy.lockout
            throttle.failures = 0
        db.add(throttle)
        why = "disabled user" if user is not None and ok else "wrong username or password"
        append(db, "sign_in.failed", detail=why, actor=stranger)
        db.commit()
        raise WrongCredentials("Wrong username or password.")
    if throttle is not None:
        db.delete(throttle)
    token = new_token()
    db.add(
        AuthSession(
            id=token_id(token, key), user_id=user.id, kind=kind, created_at=now, last_seen_at=now
        )
    )
    append(db, "sign_in", detail=kind, actor=Actor.of(user, origin, lambda: now))
    db.commit()
    db.refresh(user)
    return token, user


def signed_in_user(
    *, db: Session, token: str, key: str, policy: SignInPolicy, now: datetime
) -> User:
    sign_in_row = db.get(AuthSession, token_id(token, key))
    if sign_in_row is None or sign_in_row.ended_at is not None:
        raise NotSignedIn("You are not signed in, or your session has ended. Please sign in.")
    expired = (
        now - sign_in_row.last_seen_at > policy.idle
        or now - sign_in_row.created_at > policy.max_age
    )
    user = db.get(User, sign_in_row.user_id)
    if expired or user is None or user.disabled:
        sign_in_row.ended_at = now
        db.add(sign_in_row)
        db.commit()
        raise NotSignedIn("Your session has expired. Please sign in again.")
    if now - sign_in_row.last_seen_at > TOUCH_EVERY:
        sign_in_row.last_seen_at = now
        db.add(sign_in_row)
        db.commit()
        db.refresh(user)
    return user


def sign_out(*, db: Session, token: str, key: str, now: datetime) -> None:
    sign_in_row = db.get(AuthSession, token_id(token, key))
    if sign_in_row is not None and sign_in_row.ended_at is None:
        sign_in_row.ended_at = now
        db.add(sign_in_row)
        db.commit()
