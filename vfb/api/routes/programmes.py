"""Programmes, their consents, their sessions, and the caseload overview."""

from __future__ import annotations

from fastapi import APIRouter, Response

from vfb.api.deps import CurrentUser, DbDep, IdFilter, IdPath, NowDep, PagingDep, StoreDep
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES, ListOf
from vfb.models import (
    ConsentCreate,
    ConsentPublic,
    ConsentUpdate,
    ConsentWithdrawalPreview,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammeUpdate,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
)
from vfb.models.caseload import CaseloadRowPublic
from vfb.models.programme import CriterionPublic, FidelityPublic
from vfb.services.protection import access
from vfb.services.record import consents, programmes, visits
from vfb.services.record.caseload import caseload
from vfb.services.record.scorecard import programme_fidelity
from vfb.vocabulary import ProgrammeStatus

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["programmes"], responses=ERROR_RESPONSES
)


@router.post("/programmes", response_model=ProgrammePublic, status_code=201)
def create_programme(
    data: ProgrammeCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> ProgrammePublic:
    programme = programmes.create_programme(db=db, data=data, by=user, now=now)
    return programmes.public(db, programme)


@router.get("/programmes", response_model=ListOf[ProgrammePublic])
def list_programmes(
    db: DbDep,
    user: CurrentUser,
    paging: PagingDep,
    child_id: IdFilter = None,
    team_id: IdFilter = None,
    worker_id: IdFilter = None,
    status: ProgrammeStatus | None = None,
) -> ListOf[ProgrammePublic]:
    found = programmes.list_programmes(
        db=db,
        by=user,
        child_id=child_id,
        team_id=team_id,
        worker_id=worker_id,
        status=status,
        limit=paging.limit,
        offset=paging.offset,
    )
    return ListOf(
        data=programmes.public_many(db, found.items),
        count=found.count,
        limit=found.limit,
        offset=found.offset,
    )


@router.get("/programmes/{programme_id}", response_model=ProgrammePublic)
def get_programme(programme_id: IdPath, db: DbDep, user: CurrentUser) -> ProgrammePublic:
    return programmes.public(db, access.get_programme(db=db, programme_id=programme_id, by=user))


@router.patch("/programmes/{programme_id}", response_model=ProgrammePublic)
def update_programme(
    programme_id: IdPath, data: ProgrammeUpdate, db: DbDep, now: NowDep, user: CurrentUser
) -> ProgrammePublic:
    programme = programmes.update_programme(
        db=db, programme_id=programme_id, data=data, by=user, now=now
    )
    return programmes.public(db, programme)


@router.get("/programmes/{programme_id}/fidelity", response_model=FidelityPublic)
def get_fidelity(programme_id: IdPath, db: DbDep, now: NowDep, user: CurrentUser) -> FidelityPublic:
    """Each criterion of the programme's model as pass, fail or pending, with its evidence in
    plain words, and the verdict."""
    model, card = programme_fidelity(db=db, programme_id=programme_id, by=user, today=now.date())
    return FidelityPublic(
        programme_id=programme_id,
        model=model.name,
        model_title=model.title,
        verdict=card.verdict.value,
        criteria=[
            CriterionPublic(code=c.code, status=c.status.value, detail=c.detail)
            for c in card.criteria
        ],
    )


@router.get("/programmes/{programme_id}/consents", response_model=list[ConsentPublic])
def list_consents(programme_id: IdPath, db: DbDep, user: CurrentUser) -> list[ConsentPublic]:
    found = consents.list_consents(db=db, programme_id=programme_id, by=user)
    return [consents.public(c) for c in found]


@router.post("/consents", response_model=ConsentPublic, status_code=201)
def give_consent(data: ConsentCreate, db: DbDep, now: NowDep, user: CurrentUser) -> ConsentPublic:
    return consents.public(consents.give_consent(db=db, data=data, by=user, now=now))


@router.get("/consents/{consent_id}", response_model=ConsentPublic)
def get_consent(consent_id: IdPath, db: DbDep, user: CurrentUser) -> ConsentPublic:
    return consents.public(access.get_consent(db=db, consent_id=consent_id, by=user))


@router.get("/consents/{consent_id}/withdrawal", response_model=ConsentWithdrawalPreview)
def preview_withdrawal(
    consent_id: IdPath, db: DbDep, now: NowDep, store: StoreDep, user: CurrentUser
) -> ConsentWithdrawalPreview:
    """What withdrawing this consent would do now, without doing it: for `filming` or `storage`,
    the clips (and their minutes), recordings in progress and reels that would be deleted and
    the share links that would stop; for `share_with_carer`, the links that would stop. Counted
    by the same code as the withdrawal; send `confirm` back with the PATCH. Reads only, for those
    who may withdraw it."""
    return consents.withdrawal_preview(db=db, store=store, consent_id=consent_id, by=user, now=now)


@router.patch("/consents/{consent_id}", response_model=ConsentPublic)
def withdraw_consent(
    consent_id: IdPath,
    data: ConsentUpdate,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    user: CurrentUser,
) -> ConsentPublic:
    """Withdraw a consent (`withdrawn_on`). Consents are evidence: never edited otherwise.
    Withdrawing `filming` or `storage` deletes every media file of the programme at once, and
    `footage_deleted` says what went; sessions and their records stay. When it deletes footage,
    send the preview's `confirm` (GET …/withdrawal): without it, or if the footage changed since,
    it is refused (409) and nothing is withdrawn."""
    consent, deleted = consents.withdraw_consent(
        db=db,
        store=store,
        consent_id=consent_id,
        data=data,
        by=user,
        now=now,
    )
    public = consents.public(consent)
    public.footage_deleted = deleted.words() if deleted else None
    return public


@router.post("/programmes/{programme_id}/sessions", response_model=SessionPublic, status_code=201)
def add_session(
    programme_id: IdPath, data: SessionCreate, db: DbDep, now: NowDep, user: CurrentUser
) -> SessionPublic:
    session = visits.add_session(db=db, programme_id=programme_id, data=data, by=user, now=now)
    return SessionPublic.model_validate(session)


@router.get("/programmes/{programme_id}/sessions", response_model=list[SessionPublic])
def list_sessions(programme_id: IdPath, db: DbDep, user: CurrentUser) -> list[SessionPublic]:
    found = visits.list_sessions(db=db, programme_id=programme_id, by=user)
    return [SessionPublic.model_validate(s) for s in found]


@router.get("/sessions/{session_id}", response_model=SessionPublic)
def get_session(session_id: IdPath, db: DbDep, user: CurrentUser) -> SessionPublic:
    return SessionPublic.model_validate(access.get_session(db=db, session_id=session_id, by=user))


@router.patch("/sessions/{session_id}", response_model=SessionPublic)
def update_session(
    session_id: IdPath, data: SessionUpdate, db: DbDep, now: NowDep, user: CurrentUser
) -> SessionPublic:
    session = visits.update_session(db=db, session_id=session_id, data=data, by=user, now=now)
    return SessionPublic.model_validate(session)


@router.delete("/sessions/{session_id}", status_code=204)
def delete_session(session_id: IdPath, db: DbDep, user: CurrentUser) -> Response:
    """Remove a session entered by mistake (a visit that did not happen is `cancelled`)."""
    visits.delete_session(db=db, session_id=session_id, by=user)
    return Response(status_code=204)


@router.get("/caseload", response_model=ListOf[CaseloadRowPublic])
def get_caseload(
    db: DbDep,
    now: NowDep,
    user: CurrentUser,
    paging: PagingDep,
    include_closed: bool = False,
) -> ListOf[CaseloadRowPublic]:
    """The children in your reach, each with their programmes' status and next planned visit."""
    found = caseload(
        db=db,
        by=user,
        include_closed=include_closed,
        today=now.date(),
        limit=paging.limit,
        offset=paging.offset,
    )
    return ListOf(data=found.items, count=found.count, limit=found.limit, offset=found.offset)
