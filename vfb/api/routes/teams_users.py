"""Teams and user accounts (admins change them; everyone sees their own team)."""

from __future__ import annotations

from fastapi import APIRouter

from vfb.api.deps import (
    AdminUser,
    CurrentUser,
    DbDep,
    IdFilter,
    IdPath,
    NowDep,
    PagingDep,
    PolicyDep,
)
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES, ListOf, list_of
from vfb.models import TeamCreate, TeamPublic, TeamUpdate, UserCreate, UserPublic, UserUpdate
from vfb.services.accounts import users as service
from vfb.vocabulary import Role

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["teams and users"], responses=ERROR_RESPONSES
)


@router.post("/teams", response_model=TeamPublic, status_code=201)
def create_team(data: TeamCreate, db: DbDep, now: NowDep, user: AdminUser) -> TeamPublic:
    return TeamPublic.model_validate(service.create_team(db=db, data=data, by=user, now=now))


@router.get("/teams", response_model=ListOf[TeamPublic])
def list_teams(db: DbDep, user: CurrentUser, paging: PagingDep) -> ListOf[TeamPublic]:
    found = service.list_teams(db=db, by=user, limit=paging.limit, offset=paging.offset)
    return list_of(TeamPublic, found)


@router.patch("/teams/{team_id}", response_model=TeamPublic)
def update_team(
    team_id: IdPath, data: TeamUpdate, db: DbDep, now: NowDep, user: AdminUser
) -> TeamPublic:
    """What carers see on a share link's page: the team's `display_name` and `contact` line."""
    return TeamPublic.model_validate(
        service.update_team(db=db, team_id=team_id, data=data, by=user, now=now)
    )


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(
    data: UserCreate, db: DbDep, now: NowDep, policy: PolicyDep, user: AdminUser
) -> UserPublic:
    made = service.create_user(db=db, data=data, by=user, now=now, passwords=policy.passwords)
    return UserPublic.model_validate(made)


@router.get("/users", response_model=ListOf[UserPublic])
def list_users(
    db: DbDep,
    user: CurrentUser,
    paging: PagingDep,
    team_id: IdFilter = None,
    role: Role | None = None,
) -> ListOf[UserPublic]:
    found = service.list_users(
        db=db, by=user, team_id=team_id, role=role, limit=paging.limit, offset=paging.offset
    )
    return list_of(UserPublic, found)


@router.get("/users/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """The signed-in user."""
    return UserPublic.model_validate(user)


@router.get("/users/{user_id}", response_model=UserPublic)
def get_user(user_id: IdPath, db: DbDep, user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(service.get_user(db=db, user_id=user_id, by=user))


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(
    user_id: IdPath, data: UserUpdate, db: DbDep, now: NowDep, policy: PolicyDep, user: AdminUser
) -> UserPublic:
    """Change a role, team, training date or password, or disable an account (ends its
    sessions at once)."""
    target = service.get_user(db=db, user_id=user_id, by=user)
    return UserPublic.model_validate(
        service.update_user(
            db=db, user=target, data=data, by=user, now=now, passwords=policy.passwords
        )
    )
