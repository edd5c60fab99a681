"""Field laptops: an admin makes a one-time code for a worker's laptop; the laptop trades it for a
credential of its own, which then signs it in as that worker for sending footage and syncing;
the admin can withdraw the link at any time.

Neither the code nor the credential is stored, only their keyed hashes (a stolen database yields
neither). A code is 12 letters and digits (about 59 bits), works once, and for 30 minutes.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from hashlib import sha256

from sqlalchemy import update
from sqlmodel import Session, col, select

from vfb.errors import Conflict, DeviceWithdrawn, InvalidInput, NotAllowed, NotFound, NotSignedIn
from vfb.models import Team, User
from vfb.models.field_device import FieldDevice, FieldDeviceCreate, FieldDevicePublic
from vfb.services.infra.paging import Page, page
from vfb.services.protection import audit_trail
from vfb.services.protection.access import require_admin
from vfb.vocabulary import Role

CODE_LIFETIME = timedelta(minutes=30)
# No 0/O, 1/I/L or U: a code read out over the phone, or copied from a screen, comes out right.
CODE_LETTERS = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 12
CREDENTIAL_PREFIX = "vfbd_"  # how a request's bearer token says it is a laptop's, not a sign-in
# Who holds a caseload of their own to take out to families' homes.
CASELOAD_ROLES = frozenset({Role.worker, Role.supervisor})
# How often a laptop's "last seen" is brought up to date (each request would write on every read).
SEEN_EVERY = timedelta(minutes=1)

WRONG_CODE = (
    "That code is not one vfb made, or it has been used or has run out (a code works once, for "
    "30 minutes). Check it, or ask your admin for a new one."
)


def _keyed(kind: str, secret: str, key: str) -> str:
    return hmac.new(key.encode(), f"{kind}:{secret}".encode(), sha256).hexdigest()


def normal_code(typed: str) -> str:
    """A code as typed (any case, with or without its dashes and spaces) in the form it was made."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def _new_code() -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read out and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def state_of(device: FieldDevice, now: datetime) -> str:
    if device.revoked_at is not None:
        return "withdrawn"
    if device.enrolled_at is not None:
        return "enrolled"
    return "waiting" if device.code_expires_at > now else "code expired"


def public(
    device: FieldDevice, username: str, now: datetime, code: str | None = None
) -> FieldDevicePublic:
    about = {"username": username, "state": state_of(device, now), "code": code}
    return FieldDevicePublic.model_validate(device, update=about)


def make_code(
    *, db: Session, data: FieldDeviceCreate, by: User, key: str, now: datetime
) -> FieldDevicePublic:
    """A laptop waiting to be enrolled for the worker, and its one-time code (shown once)."""
    require_admin(by)
    worker = db.get(User, data.user_id)
    if worker is None:
        raise NotFound.of("user", data.user_id)
    if worker.disabled:
        raise Conflict(f"{worker.username}'s account is disabled: enable it first.")
    if worker.role not in CASELOAD_ROLES:
        raise InvalidInput(
            f"{worker.username} is a {worker.role.value}: only a worker's or a supervisor's "
            "laptop holds a caseload to take out to families."
        )
    name = " ".join(data.name.split())
    if not name:
        raise InvalidInput("Give the laptop a name the team will know it by, e.g. Laptop 3.")
    code = _new_code()
    device = FieldDevice(
        user_id=worker.id,
        name=name,
        code_hash=_keyed("field-code", code, key),
        code_expires_at=now + CODE_LIFETIME,
        created_by_id=by.id,
        created_at=now,
    )
    db.add(device)
    _audit(db, "field_device.create", device, worker, f"{name!r} for {worker.username}", now)
    db.commit()
    db.refresh(device)
    return public(device, worker.username, now, code=shown_code(code))


def list_devices(
    *, db: Session, by: User, now: datetime, limit: int, offset: int
) -> Page[FieldDevicePublic]:
    """Every laptop, newest first: waiting for its code, enrolled or withdrawn."""
    require_admin(by)
    found = page(
        db,
        select(FieldDevice).order_by(col(FieldDevice.created_at).desc(), FieldDevice.id),
        limit=limit,
        offset=offset,
    )
    ids = {device.user_id for device in found.items}
    names = dict(db.exec(select(User.id, User.username).where(col(User.id).in_(ids))).all())
    shown = [public(device, names[device.user_id], now) for device in found.items]
    return Page(items=shown, count=found.count, limit=found.limit, offset=found.offset)


def withdraw(*, db: Session, device_id: str, by: User, now: datetime) -> FieldDevicePublic:
    """The laptop can no longer send or sync, from its next request: its code, if unused, no
    longer works. Nothing on the laptop is touched by this; it is told at its next try."""
    require_admin(by)
    device = db.get(FieldDevice, device_id)
    if device is None:
        raise NotFound.of("laptop", device_id)
    worker = db.get(User, device.user_id)
    assert worker is not None  # a foreign key
    if device.revoked_at is None:
        device.revoked_at = now
        device.code_hash = None
        db.add(device)
        _audit(db, "field_device.withdraw", device, worker, repr(device.name), now)
        db.commit()
        db.refresh(device)
    return public(device, worker.username, now)


@dataclass(frozen=True)
class Enrolled:
    device: FieldDevice
    credential: str  # given to the laptop once; only its hash is kept
    user: User
    team: Team


def enrol(*, db: Session, code: str, key: str, now: datetime, origin: str | None) -> Enrolled:
    """Trade a one-time code for the laptop's credential. The code is used up by one UPDATE that
    checks it is unused, unexpired and not withdrawn, so two laptops racing with one code cannot
    both have it."""
    typed = normal_code(code)
    if len(typed) != CODE_LENGTH:
        raise NotSignedIn(WRONG_CODE)
    code_hash = _keyed("field-code", typed, key)
    credential = CREDENTIAL_PREFIX + secrets.token_urlsafe(32)
    used = db.connection().execute(
        update(FieldDevice)
        .where(
            col(FieldDevice.code_hash) == code_hash,
            col(FieldDevice.code_expires_at) > now,
            col(FieldDevice.enrolled_at).is_(None),
            col(FieldDevice.revoked_at).is_(None),
        )
        .values(
            code_hash=None,
            credential_hash=_keyed("field-credential", credential, key),
            enrolled_at=now,
            last_seen_at=now,
        )
    )
    if used.rowcount != 1:
        db.rollback()
        raise NotSignedIn(WRONG_CODE)
    device = db.exec(
        select(FieldDevice).where(
            FieldDevice.credential_hash == _keyed("field-credential", credential, key)
        )
    ).one()
    user = db.get(User, device.user_id)
    assert user is not None
    team = db.get(Team, user.team_id)
    assert team is not None
    if user.disabled:
        db.rollback()
        raise NotSignedIn(WRONG_CODE)
    who = audit_trail.Actor.of(user, laptop_origin(device, origin), lambda: now)
    audit_trail.append(
        db,
        "field_device.enrol",
        target_type="field_device",
        target_id=device.id,
        detail=repr(device.name),
        actor=who,
    )
    db.commit()
    db.refresh(device)
    db.refresh(user)
    return Enrolled(device=device, credential=credential, user=user, team=team)


def laptop_user(
    *, db: Session, credential: str, key: str, now: datetime
) -> tuple[User, FieldDevice]:
    """The worker a laptop's credential signs in as, and the laptop; or why not, in words the
    worker can act on."""
    device = db.exec(
        select(FieldDevice).where(
            FieldDevice.credential_hash == _keyed("field-credential", credential, key)
        )
    ).first()
    if device is None:
        raise NotSignedIn(
            "The team server does not know this laptop. Ask your admin for a code and enrol it "
            "again; nothing on the laptop has been deleted."
        )
    if device.revoked_at is not None:
        raise DeviceWithdrawn(
            f"An admin withdrew this laptop's link to the team on "
            f"{device.revoked_at:%-d %b %Y}, so it cannot send or sync. Nothing on the laptop has "
            "been deleted: ask your admin about it."
        )
    user = db.get(User, device.user_id)
    if user is None or user.disabled:
        raise NotSignedIn(
            "The account this laptop was enrolled for is disabled on the team server, so it "
            "cannot send or sync. Nothing on the laptop has been deleted: ask your admin."
        )
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_EVERY:
        device.last_seen_at = now
        db.add(device)
        db.commit()
        db.refresh(user)
    return user, device


def laptop_origin(device: FieldDevice, address: str | None) -> str:
    """Where a laptop's request came from, as its audit rows say it: the laptop by name."""
    return f"{address or '?'} · {device.name}"[:64]


def may_use(path: str) -> bool:
    """What a laptop's credential may reach: sending footage and its own link, nothing else (a
    lost laptop's credential does not open the audit trail, the reports or other caseloads)."""
    return path.startswith(("/api/uploads", "/api/field/"))


def refused_path() -> NotAllowed:
    return NotAllowed(
        "A laptop's link to the team can send footage and sync, nothing more. Sign in to the "
        "team's vfb to do this."
    )


def _audit(
    db: Session, action: str, device: FieldDevice, worker: User, detail: str, now: datetime
) -> None:
    """A row by the admin, in the worker's team's trail (so their manager sees it)."""
    who = replace(audit_trail.actor_of(db), team_id=worker.team_id, clock=lambda: now)
    audit_trail.append(
        db, action, target_type="field_device", target_id=device.id, detail=detail, actor=who
    )
