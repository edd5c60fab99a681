"""Demo data: a made-up team with a caseload in every state, built through the real services.

Everything here is invented; references are `DEMO-…` and carers have first names only.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from vfb.models import (
    AssessmentCreate,
    CarerCreate,
    ChildCreate,
    ConsentCreate,
    ProgrammeCreate,
    ProgrammeUpdate,
    SessionCreate,
    Team,
    TeamCreate,
    User,
    UserCreate,
)
from vfb.security import Passwords
from vfb.services.accounts import users
from vfb.services.record import children, consents, programmes, visits
from vfb.vocabulary import (
    AttachmentStatus,
    CareStatus,
    ConsentScope,
    Disability,
    Highlight,
    ProgrammeStatus,
    Relationship,
    Role,
    SessionStatus,
)

PASSWORDS_FILE = "demo-passwords.txt"
ACCOUNTS = (
    ("admin", Role.admin),
    ("manager", Role.manager),
    ("worker1", Role.worker),
    ("worker2", Role.worker),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str


def is_empty(db: Session) -> bool:
    return db.exec(select(Team)).first() is None


def read_accounts(data_dir: Path) -> list[DemoAccount]:
    path = data_dir / PASSWORDS_FILE
    if not path.exists():
        return []
    rows = (line.split("\t") for line in path.read_text().splitlines() if line.strip())
    return [DemoAccount(*row) for row in rows if len(row) == 3]


def _save_accounts(data_dir: Path, accounts: list[DemoAccount]) -> None:
    path = data_dir / PASSWORDS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.writelines(f"{a.username}\t{a.role}\t{a.password}\n" for a in accounts)
        f.flush()
        os.fsync(f.fileno())


def seed(*, db: Session, data_dir: Path, now: datetime, passwords: Passwords) -> list[DemoAccount]:
    """Seed the demo organisation into an empty database; returns the accounts made."""
    today = now.date()
    team = users.create_team(
        db=db, data=TeamCreate(name="Demo Edge of Care Team"), by=None, now=now
    )
    accounts = [DemoAccount(name, role.value, secrets.token_urlsafe(9)) for name, role in ACCOUNTS]
    made: dict[str, User] = {}
    for account in accounts:
        made[account.username] = users.create_user(
            db=db,
            data=UserCreate(
                username=account.username,
                password=account.password,
                role=Role(account.role),
                team_id=team.id,
                trained_on=None if account.username == "admin" else today - relativedelta(years=1),
            ),
            by=None,
            now=now,
            passwords=passwords,
        )
    _save_accounts(data_dir, accounts)
    _seed_caseload(db, made["manager"], made["worker1"], made["worker2"], now)
    return accounts


def _child(
    db: Session,
    manager: User,
    worker: User,
    now: datetime,
    *,
    reference: str,
    age: relativedelta,
    identified_ago: timedelta,
    care: CareStatus,
    status: AttachmentStatus = AttachmentStatus.identified,
    carer: tuple[str, Relationship],
    closed_on: date | None = None,
) -> tuple[str, str]:
    today = now.date()
    child = children.create_child(
        db=db,
        data=ChildCreate(
            reference=reference,
            date_of_birth=today - age,
            attachment_status=status,
            identified_on=today - identified_ago,
            closed_on=closed_on,
            care_status=care,
            disability=Disability.unknown,
            worker_id=worker.id,
        ),
        by=manager,
        now=now,
    )
    made = children.add_carer(
        db=db,
        data=CarerCreate(child_id=child.id, display_name=carer[0], relationship=carer[1]),
        by=manager,
        now=now,
    )
    return child.id, made.id


def _programme(
    db: Session, manager: User, now: datetime, child_id: str, carer_id: str, offered_on: date
) -> str:
    programme = programmes.create_programme(
        db=db,
        data=ProgrammeCreate(child_id=child_id, offered_on=offered_on, carer_ids=[carer_id]),
        by=manager,
        now=now,
    )
    for scope in (ConsentScope.filming, ConsentScope.storage, ConsentScope.share_with_carer):
        consents.give_consent(
            db=db,
            data=ConsentCreate(
                programme_id=programme.id, carer_id=carer_id, scope=scope, given_on=offered_on
            ),
            by=manager,
            now=now,
        )
    return programme.id


def _held(
    db: Session, manager: User, now: datetime, programme_id: str, held_on: date, n: int
) -> None:
    highlights = [Highlight.sensitivity, Highlight.strengths]
    if n > 1:
        highlights.append(Highlight.positive_change)
    visits.add_session(
        db=db,
        programme_id=programme_id,
        data=SessionCreate(
            number=n,
            held_on=held_on,
            status=SessionStatus.held,
            duration_minutes=60 + (n * 7) % 25,
            filmed_seconds=600 + (n * 97) % 600,
            reviewed_with_carer=True,
            review_minutes=15 + n % 10,
            review_highlights=highlights,
        ),
        by=manager,
        now=now,
    )


def _planned(
    db: Session, manager: User, now: datetime, programme_id: str, held_on: date, n: int
) -> None:
    visits.add_session(
        db=db,
        programme_id=programme_id,
        data=SessionCreate(number=n, held_on=held_on, status=SessionStatus.planned),
        by=manager,
        now=now,
    )


def _assessed(db: Session, manager: User, now: datetime, child_id: str, on: date) -> None:
    children.add_assessment(
        db=db, data=AssessmentCreate(child_id=child_id, completed_on=on), by=manager, now=now
    )


def _finish(
    db: Session,
    manager: User,
    now: datetime,
    programme_id: str,
    status: ProgrammeStatus,
    ended_on: date,
) -> None:
    programmes.update_programme(
        db=db,
        programme_id=programme_id,
        data=ProgrammeUpdate(status=status, ended_on=ended_on),
        by=manager,
        now=now,
    )


def _seed_caseload(db: Session, manager: User, worker1: User, worker2: User, now: datetime) -> None:
    today = now.date()
    week = timedelta(days=7)

    # Active: five weekly visits held, the sixth booked for later this week.
    child, carer = _child(
        db,
        manager,
        worker1,
        now,
        reference="DEMO-1001",
        age=relativedelta(years=2, months=3),
        identified_ago=timedelta(days=120),
        care=CareStatus.edge_of_care,
        carer=("Sam", Relationship.birth_parent),
    )
    start = today - 5 * week
    _assessed(db, manager, now, child, start - week)
    active = _programme(db, manager, now, child, carer, start - 2 * week)
    for n in range(1, 6):
        _held(db, manager, now, active, start + (n - 1) * week, n)
    _planned(db, manager, now, active, today + timedelta(days=3), 6)

    # Completed: ten visits over three and a half months, ended last month.
    child, carer = _child(
        db,
        manager,
        worker1,
        now,
        reference="DEMO-1002",
        age=relativedelta(years=3, months=8),
        identified_ago=timedelta(days=300),
        care=CareStatus.foster_care,
        carer=("Jo", Relationship.foster_carer),
    )
    start = today - relativedelta(months=5)
    _assessed(db, manager, now, child, start - week)
    done = _programme(db, manager, now, child, carer, start - week)
    for n in range(1, 11):
        _held(db, manager, now, done, start + (n - 1) * timedelta(days=11), n)
    _finish(db, manager, now, done, ProgrammeStatus.completed, start + 100 * timedelta(days=1))

    # Offered last week, first visit booked.
    child, carer = _child(
        db,
        manager,
        worker2,
        now,
        reference="DEMO-1003",
        age=relativedelta(years=1, months=1),
        identified_ago=timedelta(days=40),
        care=CareStatus.kinship_foster_care,
        status=AttachmentStatus.at_risk,
        carer=("Pat", Relationship.kinship_carer),
    )
    offered = _programme(db, manager, now, child, carer, today - week)
    _planned(db, manager, now, offered, today + timedelta(days=5), 1)

    # Declined.
    child, carer = _child(
        db,
        manager,
        worker2,
        now,
        reference="DEMO-1004",
        age=relativedelta(years=4, months=2),
        identified_ago=timedelta(days=200),
        care=CareStatus.special_guardianship,
        carer=("Chris", Relationship.special_guardian),
    )
    programmes.create_programme(
        db=db,
        data=ProgrammeCreate(child_id=child, offered_on=today - 8 * week, accepted=False),
        by=manager,
        now=now,
    )

    # Newly identified, nothing offered yet.
    _child(
        db,
        manager,
        worker2,
        now,
        reference="DEMO-1005",
        age=relativedelta(months=7),
        identified_ago=timedelta(days=10),
        care=CareStatus.edge_of_care,
        status=AttachmentStatus.at_risk,
        carer=("Alex", Relationship.birth_parent),
    )

    # Closed case with a programme the family withdrew from after two visits.
    child, carer = _child(
        db,
        manager,
        worker1,
        now,
        reference="DEMO-1006",
        age=relativedelta(years=3),
        identified_ago=timedelta(days=400),
        care=CareStatus.adopted_from_care,
        carer=("Robin", Relationship.adoptive_parent),
        closed_on=today - 30 * timedelta(days=1),
    )
    withdrawn = _programme(db, manager, now, child, carer, today - 20 * week)
    for n in range(1, 3):
        _held(db, manager, now, withdrawn, today - (19 - n) * week, n)
    _finish(db, manager, now, withdrawn, ProgrammeStatus.withdrawn, today - 16 * week)
