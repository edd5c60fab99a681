"""What each carer agreed to for a programme. Consent records are evidence: never edited, only
withdrawn."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from vfb.errors import Conflict, ConsentMissing, InvalidInput
from vfb.models import Carer, Consent, ConsentCreate, ConsentPublic, ConsentUpdate, User
from vfb.models.enums import ConsentScope
from vfb.programme.rules import check_consent_given, check_consent_withdrawal, fmt
from vfb.services.access import get_consent, get_programme, require_case_writer
from vfb.services.footage import FootageDeleted, delete_programme_footage
from vfb.services.media_store import MediaStore


def public(consent: Consent) -> ConsentPublic:
    return ConsentPublic.model_validate(consent, update={"active": consent.withdrawn_on is None})


def give_consent(*, db: Session, data: ConsentCreate, by: User, now: datetime) -> Consent:
    programme = get_programme(db=db, programme_id=data.programme_id, by=by)
    require_case_writer(by)
    carer = db.get(Carer, data.carer_id)
    if carer is None or carer.child_id != programme.child_id:
        raise InvalidInput(f"There is no carer with id {data.carer_id!r} for this child.")
    check_consent_given(given_on=data.given_on, today=now.date())
    active = db.exec(
        select(Consent).where(
            Consent.programme_id == programme.id,
            Consent.carer_id == carer.id,
            Consent.scope == data.scope,
            col(Consent.withdrawn_on).is_(None),
        )
    ).first()
    if active is not None:
        raise Conflict(
            f"{carer.display_name} already gave {data.scope.value} consent on "
            f"{fmt(active.given_on)}."
        )
    consent = Consent.model_validate(data, update={"created_at": now})
    db.add(consent)
    db.commit()
    db.refresh(consent)
    return consent


def withdraw_consent(
    *,
    db: Session,
    store: MediaStore,
    consent_id: str,
    data: ConsentUpdate,
    by: User,
    now: datetime,
) -> tuple[Consent, FootageDeleted | None]:
    """Withdraw a consent; withdrawing `filming` or `storage` deletes all of the programme's
    footage at once (and says what went)."""
    consent = get_consent(db=db, consent_id=consent_id, by=by)
    require_case_writer(by)
    check_consent_withdrawal(
        given_on=consent.given_on,
        withdrawn_on=data.withdrawn_on,
        already_withdrawn_on=consent.withdrawn_on,
        today=now.date(),
    )
    consent.withdrawn_on = data.withdrawn_on
    db.add(consent)
    db.commit()
    deleted = None
    if consent.scope in (ConsentScope.filming, ConsentScope.storage):
        assert data.withdrawn_on is not None
        deleted = delete_programme_footage(db, store, consent.programme_id, data.withdrawn_on)
    db.refresh(consent)
    return consent, deleted


def list_consents(*, db: Session, programme_id: str, by: User) -> list[Consent]:
    get_programme(db=db, programme_id=programme_id, by=by)
    statement = (
        select(Consent)
        .where(Consent.programme_id == programme_id)
        .order_by(col(Consent.given_on), col(Consent.created_at))
    )
    return list(db.exec(statement).all())


def require_active_consent(
    *, db: Session, programme_id: str, scope: ConsentScope, today: date, doing: str
) -> None:
    """Refuse (409) unless a carer's `scope` consent for the programme is in force today."""
    active = db.exec(
        select(Consent.id).where(
            Consent.programme_id == programme_id,
            Consent.scope == scope,
            col(Consent.given_on) <= today,
            or_(col(Consent.withdrawn_on).is_(None), col(Consent.withdrawn_on) > today),
        )
    ).first()
    if active is None:
        raise ConsentMissing(
            f"vfb cannot {doing}: no carer has given {scope.value.replace('_', ' ')} consent for "
            "this programme (or it was withdrawn). Record their consent first."
        )
