"""Signing in and out, and turning a token into the signed-in user.

A sign-in is a row in `auth_session`, for both bearer tokens and browser cookies, so that idle and
absolute expiry, sign-out and disabling a user all take effect at once, everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil
from typing import Any, cast

from sqlalchemy import Table, case, delete, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from vfb.errors import NotSignedIn, SignInLocked, WrongCredentials
from vfb.models import LoginThrottle, SignIn, User
from vfb.models.user import USERNAME_PATTERN
from vfb.security import Passwords, new_token, passwords, token_id
from vfb.services.protection.audit_trail import Actor, append

# Refreshing `last_seen_at` on every request would write on every read; a minute's slack is fine
# against a 30-minute idle limit (a tenth of a shorter one, so "Stay signed in" always refreshes).
TOUCH_EVERY = timedelta(seconds=60)


def touch_every(policy: SignInPolicy) -> timedelta:
    return min(TOUCH_EVERY, policy.idle / 10)


@dataclass(frozen=True)
class SignInPolicy:
    idle: timedelta
    max_age: timedelta
    max_failures: int
    lockout: timedelta
    max_failures_per_address: int = 20
    # what a password is checked with (VFB_PASSWORD_HASH_COST)
    passwords: Passwords = field(default_factory=passwords)


ADDRESS_KEY = "ip "  # an address's row in login_throttle; no username has a space
CAN_BE_USERNAME = re.compile(USERNAME_PATTERN)


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
    attempt is in the audit trail, with where it came from.

    Each password check is first counted in the database (a conditional UPDATE, committed before
    the check), so a burst of parallel attempts checks at most the limit, however many arrive."""
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
    name_key = name if CAN_BE_USERNAME.match(name) else None
    address_key = ADDRESS_KEY + origin[:60] if origin else None
    refusal = _count_attempt(db, name_key, address_key, policy, now)
    if refusal is not None:
        append(db, "sign_in.failed", detail=refusal.detail_for_audit, actor=stranger)
        db.commit()
        raise SignInLocked(refusal.words)
    ok = policy.passwords.verify(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled:
        why = "disabled user" if user is not None and ok else "wrong username or password"
        append(db, "sign_in.failed", detail=why, actor=stranger)
        db.commit()
        raise WrongCredentials("Wrong username or password.")
    connection = db.connection()
    connection.execute(delete(LoginThrottle).where(col(LoginThrottle.username) == name))
    if address_key is not None:  # a success is not a failure from its address
        connection.execute(
            update(LoginThrottle)
            .where(col(LoginThrottle.username) == address_key, col(LoginThrottle.failures) > 0)
            .values(failures=LoginThrottle.failures - 1)
        )
    token = new_token()
    db.add(
        SignIn(
            id=token_id(token, key), user_id=user.id, kind=kind, created_at=now, last_seen_at=now
        )
    )
    append(db, "sign_in", detail=kind, actor=Actor.of(user, origin, lambda: now))
    db.commit()
    db.refresh(user)
    return token, user


@dataclass(frozen=True)
class _Refusal:
    words: str
    detail_for_audit: str


def _count_attempt(
    db: Session, name_key: str | None, address_key: str | None, policy: SignInPolicy, now: datetime
) -> _Refusal | None:
    """Count one password check against the username and the address, committed, or say why
    not (and count nothing). A username locks once the attempt that reaches its limit is made
    (the right password still clears it); an address may fail `max_failures_per_address` times
    in each `lockout` window, whichever usernames it tries."""
    for found in (name_key, address_key):
        if found is not None:
            _insert_if_missing(db, found)
    connection = db.connection()
    throttle = cast(Table, LoginThrottle.__table__).c  # type: ignore[attr-defined]
    if address_key is not None:
        window_over = or_(throttle.locked_until.is_(None), throttle.locked_until <= now)
        counted = connection.execute(
            update(LoginThrottle)
            .where(
                throttle.username == address_key,
                or_(window_over, throttle.failures < policy.max_failures_per_address),
            )
            .values(
                failures=case((window_over, 1), else_=throttle.failures + 1),
                locked_until=case((window_over, now + policy.lockout), else_=throttle.locked_until),
            )
        )
        if counted.rowcount != 1:
            return _refused(
                db, address_key, now, "from this network address", "address", policy.lockout
            )
    if name_key is not None:
        unlocked = or_(throttle.locked_until.is_(None), throttle.locked_until <= now)
        failures = case((throttle.locked_until.is_(None), throttle.failures + 1), else_=1)
        counted = connection.execute(
            update(LoginThrottle)
            .where(throttle.username == name_key, unlocked)
            .values(
                failures=failures,
                locked_until=case(
                    (failures >= policy.max_failures, now + policy.lockout), else_=None
                ),
            )
        )
        if counted.rowcount != 1:
            return _refused(db, name_key, now, "for this username", "username", policy.lockout)
    db.commit()
    return None


def _refused(
    db: Session, key: str, now: datetime, where: str, what: str, lockout: timedelta
) -> _Refusal:
    db.rollback()
    until = db.exec(select(LoginThrottle.locked_until).where(LoginThrottle.username == key)).one()
    # a failure that landed after this request began may have set `until` a moment after now +
    # the lockout: the words never promise longer than the lockout itself
    left = min((until or now) - now, lockout)
    minutes = max(1, ceil(left.total_seconds() / 60))
    words = (
        f"Too many failed sign-ins {where}. Try again in {minutes} minute"
        f"{'s' if minutes != 1 else ''}"
    )
    if what == "username":
        words += ", or ask an admin to reset the password"
    return _Refusal(words + ".", f"{what} locked")


def _insert_if_missing(db: Session, key: str) -> None:
    """The throttle row for `key`, made by whichever of several parallel attempts comes first."""
    if db.get_bind().dialect.name == "postgresql":
        found: Any = postgresql_insert(LoginThrottle).values(username=key, failures=0)
    else:
        found = sqlite_insert(LoginThrottle).values(username=key, failures=0)
    db.connection().execute(found.on_conflict_do_nothing(index_elements=["username"]))


def signed_in_user(
    *, db: Session, token: str, key: str, policy: SignInPolicy, now: datetime
) -> User:
    sign_in_row = db.get(SignIn, token_id(token, key))
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
    if now - sign_in_row.last_seen_at > touch_every(policy):
        sign_in_row.last_seen_at = now
        db.add(sign_in_row)
        db.commit()
        db.refresh(user)
    return user


def time_left(
    *, db: Session, token: str, key: str, policy: SignInPolicy, now: datetime
) -> timedelta:
    """How long this sign-in lasts if nothing more is done with it (after `signed_in_user`), so a
    page can warn before it ends."""
    sign_in_row = db.get(SignIn, token_id(token, key))  # already loaded: no query
    if sign_in_row is None or sign_in_row.ended_at is not None:
        return timedelta(0)
    ends_at = min(sign_in_row.last_seen_at + policy.idle, sign_in_row.created_at + policy.max_age)
    return max(timedelta(0), ends_at - now)


def sign_out(*, db: Session, token: str, key: str, now: datetime) -> None:
    sign_in_row = db.get(SignIn, token_id(token, key))
    if sign_in_row is not None and sign_in_row.ended_at is None:
        sign_in_row.ended_at = now
        db.add(sign_in_row)
        db.commit()
