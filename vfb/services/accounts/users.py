"""Teams and user accounts (admin work), each change in the audit trail (never a password)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from vfb.errors import Conflict, InvalidInput, NotFound
from vfb.models import (
    LoginThrottle,
    SignIn,
    Team,
    TeamCreate,
    TeamUpdate,
    User,
    UserCreate,
    UserUpdate,
)
from vfb.security import Passwords
from vfb.security import passwords as hashing
from vfb.services.infra.paging import Page, page
from vfb.services.protection import audit_trail
from vfb.services.protection.access import require_admin
from vfb.vocabulary import Role


def create_team(*, db: Session, data: TeamCreate, by: User | None, now: datetime) -> Team:
    """`by=None` is the command line, run by whoever administers the machine."""
    if by is not None:
        require_admin(by)
    name = data.name.strip()
    if db.exec(select(Team).where(func.lower(Team.name) == name.lower())).first():
        raise Conflict(f"There is already a team called {name!r}.")
    team = Team(
        name=name,
        display_name=data.display_name or "",
        contact=data.contact or "",
        created_at=now,
    )
    db.add(team)
    _audit(db, "team.create", "team", team.id, team_id=team.id, detail=name, now=now)
    db.commit()
    db.refresh(team)
    return team


def update_team(*, db: Session, team_id: str, data: TeamUpdate, by: User, now: datetime) -> Team:
    """What carers see of the team: its name for them and its contact line (null clears)."""
    require_admin(by)
    team = db.get(Team, team_id)
    if team is None:
        raise NotFound.of("team", team_id)
    changed = []
    for field, label in TEAM_FIELDS.items():
        if field in data.model_fields_set:
            value = getattr(data, field) or ""
            if value != getattr(team, field):
                setattr(team, field, value)
                changed.append(label)
    if changed:
        db.add(team)
        said = "changed: " + ", ".join(changed)
        _audit(db, "team.update", "team", team.id, team_id=team.id, detail=said, now=now)
        db.commit()
        db.refresh(team)
    return team


# What a carer sees of a team, as a `team.update` row names it.
TEAM_FIELDS = {"display_name": "name carers see", "contact": "contact line"}


def list_teams(*, db: Session, by: User, limit: int, offset: int) -> Page[Team]:
    statement = select(Team).order_by(col(Team.name))
    if by.role != Role.admin:
        statement = statement.where(Team.id == by.team_id)
    return page(db, statement, limit=limit, offset=offset)


def find_team(*, db: Session, name_or_id: str) -> Team:
    team = (
        db.get(Team, name_or_id)
        or db.exec(select(Team).where(func.lower(Team.name) == name_or_id.lower())).first()
    )
    if team is None:
        raise NotFound(f"There is no team called {name_or_id!r}.")
    return team


def create_user(
    *,
    db: Session,
    data: UserCreate,
    by: User | None,
    now: datetime,
    passwords: Passwords | None = None,
) -> User:
    """`passwords`: the hashing the password is stored with (VFB_PASSWORD_HASH_COST; default
    standard)."""
    if by is not None:
        require_admin(by)
    if db.get(Team, data.team_id) is None:
        raise InvalidInput(f"There is no team with id {data.team_id!r}.")
    username = data.username.lower()
    if db.exec(select(User).where(User.username == username)).first():
        raise Conflict(f"The username {username!r} is taken.")
    user = User(
        username=username,
        role=data.role,
        team_id=data.team_id,
        trained_on=data.trained_on,
        full_name=data.full_name or "",
        password_hash=(passwords or hashing()).hash(data.password),
        created_at=now,
    )
    db.add(user)
    said = f"{username}: {user.role.value} in {_team_name(db, user.team_id)}"
    _audit(db, "user.create", "user", user.id, team_id=user.team_id, detail=said, now=now)
    db.commit()
    db.refresh(user)
    return user


def list_users(
    *, db: Session, by: User, team_id: str | None, role: Role | None, limit: int, offset: int
) -> Page[User]:
    statement = select(User).order_by(col(User.username))
    if by.role != Role.admin:
        statement = statement.where(User.team_id == by.team_id)
    if team_id is not None:
        statement = statement.where(User.team_id == team_id)
    if role is not None:
        statement = statement.where(User.role == role)
    return page(db, statement, limit=limit, offset=offset)


def get_user(*, db: Session, user_id: str, by: User) -> User:
    user = db.get(User, user_id)
    if user is None or (by.role != Role.admin and user.team_id != by.team_id):
        raise NotFound.of("user", user_id)
    return user


def find_user(*, db: Session, username: str) -> User:
    user = db.exec(select(User).where(User.username == username.lower())).first()
    if user is None:
        raise NotFound(f"There is no user called {username!r}.")
    return user


def update_user(
    *,
    db: Session,
    user: User,
    data: UserUpdate,
    by: User | None,
    now: datetime,
    passwords: Passwords | None = None,
) -> User:
    if by is not None:
        require_admin(by)
    changes = data.model_dump(exclude_unset=True)
    if "full_name" in changes:
        changes["full_name"] = changes["full_name"] or ""
    if (
        by is not None
        and by.id == user.id
        and (changes.get("disabled") or changes.get("role", Role.admin) != Role.admin)
    ):
        raise Conflict("You cannot disable your own account or give up your own admin role.")
    if "team_id" in changes and db.get(Team, changes["team_id"]) is None:
        raise InvalidInput(f"There is no team with id {changes['team_id']!r}.")
    before = {name: getattr(user, name) for name in ACCOUNT_FIELDS}
    was_disabled = user.disabled
    new_password = "password" in changes
    if new_password:
        # A new password ends old sign-ins and lifts a lockout: it is how an admin lets a
        # locked-out user back in.
        user.password_hash = (passwords or hashing()).hash(changes.pop("password"))
        end_sign_ins(db=db, user_id=user.id, now=now)
        throttle = db.get(LoginThrottle, user.username)
        if throttle is not None:
            db.delete(throttle)
    for field, value in changes.items():
        setattr(user, field, value)
    if user.disabled:
        end_sign_ins(db=db, user_id=user.id, now=now)
    db.add(user)
    changed = [
        f"{label}: {_shown(db, name, before[name])} → {_shown(db, name, getattr(user, name))}"
        for name, label in ACCOUNT_FIELDS.items()
        if getattr(user, name) != before[name]
    ]
    rows: list[tuple[str, str | None]] = [("user.update", "; ".join(changed))] if changed else []
    if new_password:
        rows.append(("user.password", "sign-ins ended"))
    if user.disabled != was_disabled:
        rows.append(("user.disable", "sign-ins ended") if user.disabled else ("user.enable", None))
    for action, said in rows:
        _audit(db, action, "user", user.id, team_id=user.team_id, detail=said, now=now)
    db.commit()
    db.refresh(user)
    return user


# The account details a `user.update` row names, old and new (the password only as a fact).
ACCOUNT_FIELDS = {
    "role": "role",
    "team_id": "team",
    "trained_on": "trained on",
    "full_name": "name",
}


def _team_name(db: Session, team_id: str) -> str:
    team = db.get(Team, team_id)
    return team.name if team else team_id


def _shown(db: Session, name: str, value: object) -> str:
    if value is None or value == "":
        return "none"
    if name == "team_id":
        return _team_name(db, str(value))
    return str(getattr(value, "value", value))


def _audit(
    db: Session,
    action: str,
    kind: str,
    target_id: str,
    *,
    team_id: str,
    detail: str | None,
    now: datetime,
) -> None:
    """A row about a team or account by the admin or operator, at `now`, in that team's trail
    (so its manager sees who changed their staff)."""
    who = replace(audit_trail.actor_of(db), team_id=team_id, clock=lambda: now)
    audit_trail.append(db, action, target_type=kind, target_id=target_id, detail=detail, actor=who)


def end_sign_ins(*, db: Session, user_id: str, now: datetime) -> None:
    for sign_in in db.exec(
        select(SignIn).where(SignIn.user_id == user_id, col(SignIn.ended_at).is_(None))
    ):
        sign_in.ended_at = now
        db.add(sign_in)
