"""What each carer agreed to for a programme. Consent records are evidence: never edited, only
withdrawn."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from vfb.errors import Conflict, FootageChanged, InvalidInput
from vfb.models import (
    Carer,
    Consent,
    ConsentCreate,
    ConsentPublic,
    ConsentUpdate,
    ConsentWithdrawalPreview,
    ShareLink,
    User,
)
from vfb.programme.rules import check_consent_given, check_consent_withdrawal, fmt
from vfb.services.footage.deletion import (
    Footage,
    FootageDeleted,
    delete_programme_footage,
    footage_of,
    sharing_allowed,
    working_links,
)
from vfb.services.infra.footage_store import MediaStore
from vfb.services.protection.access import get_consent, get_programme, require_case_writer
from vfb.vocabulary import ConsentScope


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


DELETES_FOOTAGE = (ConsentScope.filming, ConsentScope.storage)


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing a consent would do now: the footage it deletes (filming, storage), or the
    share links it stops (share_with_carer), and a fingerprint of exactly that."""

    consent: Consent
    footage: Footage | None
    stopped_links: int

    @property
    def deletes(self) -> bool:
        return self.footage is not None and not self.footage.empty

    def fingerprint(self) -> str:
        if self.footage is not None:
            return self.footage.fingerprint()
        seed = f"{self.consent.id}:{self.stopped_links}"
        return hashlib.sha256(seed.encode()).hexdigest()[:32]

    def words(self) -> str:
        if self.footage is not None:
            return self.footage.words()
        if self.stopped_links:
            n = self.stopped_links
            return (
                f"Nothing will be deleted. {n} share link{'' if n == 1 else 's'} to the carer "
                f"will stop working at once."
            )
        return "Nothing will be deleted."


def _stopped_links(db: Session, consent: Consent, now: datetime) -> int:
    """The programme's working share links that stop when this share consent goes: all of them,
    unless another carer's share consent stays in force."""
    others = db.exec(
        select(Consent.id).where(
            Consent.programme_id == consent.programme_id,
            Consent.scope == ConsentScope.share_with_carer,
            Consent.id != consent.id,
            col(Consent.given_on) <= now.date(),
            col(Consent.withdrawn_on).is_(None),
        )
    ).first()
    if others is not None or not sharing_allowed(db, consent.programme_id, now.date()):
        return 0
    links = db.exec(select(ShareLink).where(ShareLink.programme_id == consent.programme_id)).all()
    return len(working_links(links, now))


def _withdrawal(db: Session, store: MediaStore, consent: Consent, now: datetime) -> Withdrawal:
    if consent.scope in DELETES_FOOTAGE:
        return Withdrawal(consent, footage_of(db, store, consent.programme_id, now), 0)
    if consent.scope == ConsentScope.share_with_carer:
        return Withdrawal(consent, None, _stopped_links(db, consent, now))
    return Withdrawal(consent, None, 0)


def withdrawal_preview(
    *, db: Session, store: MediaStore, consent_id: str, by: User, now: datetime
) -> ConsentWithdrawalPreview:
    """What withdrawing the consent would do now, by the same count the withdrawal uses; only
    those who may withdraw it may ask. Reads only."""
    consent = get_consent(db=db, consent_id=consent_id, by=by)
    require_case_writer(by)
    if consent.withdrawn_on is not None:
        raise Conflict(f"This consent was already withdrawn on {fmt(consent.withdrawn_on)}.")
    effect = _withdrawal(db, store, consent, now)
    footage = effect.footage
    return ConsentWithdrawalPreview(
        consent_id=consent.id,
        scope=consent.scope,
        given_on=consent.given_on,
        today=now.date(),
        deletes_footage=effect.deletes,
        clips=len(footage.clips) if footage else 0,
        footage_ms=footage.footage_ms if footage else 0,
        recordings=len(footage.recordings) if footage else 0,
        reels=len(footage.reels) if footage else 0,
        share_links=len(footage.share_links) if footage else effect.stopped_links,
        words=effect.words(),
        confirm=effect.fingerprint(),
    )


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
    footage at once (and says what went). When it deletes footage, `confirm` must be the
    fingerprint the preview gave, and still hold: what was shown is what goes."""
    consent = get_consent(db=db, consent_id=consent_id, by=by)
    require_case_writer(by)
    check_consent_withdrawal(
        given_on=consent.given_on,
        withdrawn_on=data.withdrawn_on,
        already_withdrawn_on=consent.withdrawn_on,
        today=now.date(),
    )
    effect = _withdrawal(db, store, consent, now)
    if data.confirm is not None and data.confirm != effect.fingerprint():
        raise FootageChanged(
            "What this withdrawal would delete has changed since it was shown (footage was "
            f"added or removed): nothing was withdrawn or deleted. Now: {effect.words()} "
            "Look at what will be deleted again before confirming."
        )
    if data.confirm is None and effect.deletes:
        raise Conflict(
            f"Withdrawing {consent.scope.value} consent deletes footage: {effect.words()} "
            "Ask first what it deletes (GET /api/consents/{id}/withdrawal) and send back its "
            "`confirm`."
        )
    consent.withdrawn_on = data.withdrawn_on
    db.add(consent)
    db.commit()
    deleted = None
    if consent.scope in DELETES_FOOTAGE:
        assert data.withdrawn_on is not None
        deleted = delete_programme_footage(
            db, store, consent.programme_id, data.withdrawn_on, now=now
        )
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
