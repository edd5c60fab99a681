"""The names a page of the audit trail may show its reader: for each row, the child's reference and
the record it is about, in words and with its page (vfb/audit/words.py), looked up in a few queries
per page and only among the records the reader may see (vfb/services/protection/access.py). A
record out of reach (another team's child, an account that moved away) stays unnamed. Stored rows
are not touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from vfb.audit.words import (
    ID,
    ClipFacts,
    Known,
    LinkFacts,
    ReelFacts,
    Row,
    SessionFacts,
    consent_words,
    describe,
)
from vfb.models import (
    AuditEvent,
    Carer,
    CarerComment,
    Child,
    Clip,
    Consent,
    Moment,
    Programme,
    ProgrammeCarer,
    ProgrammeSession,
    Reel,
    ShareLink,
    User,
)
from vfb.models.audit import AuditRowPublic
from vfb.services.protection.access import child_in_reach
from vfb.vocabulary import ConsentScope


def _targets(rows: Iterable[AuditEvent], kind: str) -> set[str]:
    return {r.target_id for r in rows if r.target_type == kind and r.target_id}


def _ids_in(rows: Iterable[AuditEvent], pattern: str) -> set[str]:
    return {m for r in rows if r.detail for m in re.findall(pattern, r.detail)}


def known_for(db: Session, rows: Sequence[AuditEvent], by: User) -> Known:
    """What `by` may see of the records `rows` name."""
    reach = child_in_reach(by)
    child_ids = {r.child_id for r in rows if r.child_id} | _ids_in(rows, rf"\bchild ({ID})")
    children = dict(
        db.exec(select(Child.id, Child.reference).where(col(Child.id).in_(child_ids), reach)).all()
    )
    user_ids = _targets(rows, "user") | _ids_in(rows, rf"\buser ({ID})")
    users = dict(
        db.exec(
            select(User.id, User.username).where(
                col(User.id).in_(user_ids), User.team_id == by.team_id
            )
        ).all()
    )
    carers = dict(
        db.exec(
            select(Carer.id, Carer.display_name)
            .join(Child, col(Child.id) == Carer.child_id)
            .where(col(Carer.id).in_(_targets(rows, "carer")), reach)
        ).all()
    )

    consents = {
        ident: consent_words(name, ConsentScope(scope).value)
        for ident, name, scope in db.exec(
            select(Consent.id, Carer.display_name, Consent.scope)
            .join(Carer, col(Carer.id) == Consent.carer_id)
            .join(Child, col(Child.id) == Carer.child_id)
            .where(col(Consent.id).in_(_targets(rows, "consent")), reach)
        ).all()
    }
    links = {
        ident: LinkFacts(name, reel_id)
        for ident, name, reel_id in db.exec(
            select(ShareLink.id, Carer.display_name, ShareLink.reel_id)
            .join(Carer, col(Carer.id) == ShareLink.carer_id)
            .join(Programme, col(Programme.id) == ShareLink.programme_id)
            .join(Child, col(Child.id) == Programme.child_id)
            .where(col(ShareLink.id).in_(_targets(rows, "share_link")), reach)
        ).all()
    }
    reel_ids = (
        _targets(rows, "reel")
        | {link.reel_id for link in links.values()}
        | _ids_in(rows, rf"\breel ({ID})")
    )
    found_reels = db.exec(
        select(Reel.id, Reel.moment_ids, Reel.programme_id)
        .join(Programme, col(Programme.id) == Reel.programme_id)
        .join(Child, col(Child.id) == Programme.child_id)
        .where(col(Reel.id).in_(reel_ids), reach)
    ).all()
    programme_carers: dict[str, list[str]] = {}
    for programme_id, name in db.exec(
        select(ProgrammeCarer.programme_id, Carer.display_name)
        .join(Carer, col(Carer.id) == ProgrammeCarer.carer_id)
        .where(col(ProgrammeCarer.programme_id).in_({r[2] for r in found_reels}))
        .order_by(col(Carer.display_name))
    ).all():
        programme_carers.setdefault(programme_id, []).append(name)

    comments = dict(
        db.exec(
            select(CarerComment.id, CarerComment.moment_id).where(
                col(CarerComment.id).in_(_targets(rows, "carer_comment"))
            )
        ).all()
    )
    first_moments = {ids[0] for _, ids, _ in found_reels if ids}
    moment_ids = _targets(rows, "moment") | set(comments.values()) | first_moments
    moments = dict(
        db.exec(
            select(Moment.id, Moment.clip_id)
            .join(Clip, col(Clip.id) == Moment.clip_id)
            .join(ProgrammeSession, col(ProgrammeSession.id) == Clip.session_id)
            .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
            .join(Child, col(Child.id) == Programme.child_id)
            .where(col(Moment.id).in_(moment_ids), reach)
        ).all()
    )
    comments = {ident: moment for ident, moment in comments.items() if moment in moments}
    reels = {
        ident: ReelFacts(
            len(ids),
            tuple(programme_carers.get(programme_id, [])),
            moments.get(ids[0]) if ids else None,
        )
        for ident, ids, programme_id in found_reels
    }

    clip_ids = _targets(rows, "clip") | _ids_in(rows, rf"\btrim of ({ID})") | set(moments.values())
    session_ids = _targets(rows, "session") | set(
        db.exec(select(Clip.session_id).where(col(Clip.id).in_(clip_ids))).all()
    )
    sessions = {
        ident: SessionFacts(number, held_on)
        for ident, number, held_on in db.exec(
            select(
                col(ProgrammeSession.id),
                col(ProgrammeSession.number),
                col(ProgrammeSession.held_on),
            )
            .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
            .join(Child, col(Child.id) == Programme.child_id)
            .where(col(ProgrammeSession.id).in_(session_ids), reach)
        ).all()
    }
    clips: dict[str, ClipFacts] = {}
    counted: dict[str, int] = {}
    for ident, session_id in db.exec(
        select(Clip.id, Clip.session_id)
        .where(col(Clip.session_id).in_(sessions))
        .order_by(col(Clip.created_at), col(Clip.id))
    ).all():
        counted[session_id] = counted.get(session_id, 0) + 1
        if ident in clip_ids:
            clips[ident] = ClipFacts(counted[session_id], sessions[session_id])
    return Known(
        children=children,
        users=users,
        carers=carers,
        consents=consents,
        sessions=sessions,
        clips=clips,
        reels=reels,
        links=links,
        moments=moments,
        comments=comments,
    )


def described(db: Session, rows: Sequence[AuditEvent], by: User) -> list[AuditRowPublic]:
    """The rows for `by` to read, with names and words where they may see them."""
    known = known_for(db, rows, by)
    found = []
    for row in rows:
        said = describe(
            Row(row.action, row.target_type, row.target_id, row.child_id, row.detail), known
        )
        found.append(
            AuditRowPublic.model_validate(
                row,
                update={
                    "child_reference": known.children.get(row.child_id or ""),
                    "about": said.about,
                    "about_href": said.href,
                    "detail_words": said.detail,
                },
            )
        )
    return found
