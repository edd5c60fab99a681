"""The words vfb's records use, as the pages get them (`GET /api/vocabulary`): each list of values
with the words a page shows for each, and which status a programme may move to from each."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from vfb.vocabulary import (
    PROGRAMME_TRANSITIONS,
    AttachmentStatus,
    CareStatus,
    ConsentScope,
    Disability,
    Highlight,
    Location,
    ProgrammeStatus,
    Relationship,
    SessionStatus,
)

# The words for each value, where a page shows words rather than the value.
WORDS: dict[str, str] = {
    "identified": "Identified",
    "at_risk": "At risk",
    "edge_of_care": "Edge of care",
    "foster_care": "Foster care",
    "kinship_foster_care": "Kinship foster care",
    "special_guardianship": "Special guardianship",
    "adopted_from_care": "Adopted from care",
    "residential": "Residential",
    "birth_parent": "Birth parent",
    "foster_carer": "Foster carer",
    "kinship_carer": "Kinship carer",
    "special_guardian": "Special guardian",
    "adoptive_parent": "Adoptive parent",
    "residential_key_worker": "Residential key worker",
    "offered": "Offered",
    "declined": "Declined",
    "active": "Active",
    "completed": "Completed",
    "withdrawn": "Withdrawn",
    "planned": "Planned",
    "held": "Held",
    "cancelled": "Cancelled",
    "did_not_attend": "Did not attend",
    "home": "Home",
    "other": "Other",
    "filming": "Filming",
    "storage": "Storage",
    "share_with_carer": "Share with carer",
    "supervision": "Supervision",
    "training": "Training",
    "sensitivity": "Sensitivity",
    "responsiveness": "Responsiveness",
    "communication": "Communication",
    "strengths": "Strengths",
    "positive_change": "Positive change",
    "yes": "Yes",
    "no": "No",
    "unknown": "Unknown",
    # a scorecard's criteria (CriterionCode), the checks' outcomes and the verdicts
    "assessment_before_start": "Assessment before the first session",
    "sessions": "At least 10 sessions",
    "session_length": "Sessions of 60 minutes or more",
    "span": "Over 3 to 4 months",
    "shared_review": "Video reviewed with the carer",
    "highlights": "Strengths and sensitivity highlighted",
    "trained_worker": "Trained worker",
    "pass": "Pass",
    "fail": "Fail",
    "pending": "Pending",
    "met": "Met",
    "not_met": "Not met",
    "on_track": "On track",
    "off_track": "Off track",
    "not_started": "Not started",
}


class Term(BaseModel):
    """One value a record may hold, and the words a page shows for it."""

    value: str
    words: str


class VocabularyPublic(BaseModel):
    """Every list of values the pages offer, in the order they offer them."""

    attachment_statuses: list[Term]
    care_statuses: list[Term]
    disabilities: list[Term]
    relationships: list[Term]
    consent_scopes: list[Term]
    programme_statuses: list[Term]
    # from each programme status, the statuses it may become (as PATCH /api/programmes checks)
    programme_transitions: dict[str, list[str]]
    session_statuses: list[Term]
    locations: list[Term]
    highlights: list[Term]
    # the words for every value a page shows, these lists' and the scorecards' alike
    words: dict[str, str]


def _terms(values: type[StrEnum], order: list[str] | None = None) -> list[Term]:
    chosen = order if order is not None else [v.value for v in values]
    return [Term(value=v, words=WORDS.get(v, v)) for v in chosen]


def vocabulary() -> VocabularyPublic:
    """The vocabulary as served: the same for everyone, until vfb is upgraded."""
    status_order = [s.value for s in ProgrammeStatus]
    return VocabularyPublic(
        attachment_statuses=_terms(AttachmentStatus),
        care_statuses=_terms(CareStatus),
        disabilities=_terms(Disability, ["unknown", "yes", "no"]),  # not yet known comes first
        relationships=_terms(Relationship),
        consent_scopes=_terms(ConsentScope),
        programme_statuses=_terms(ProgrammeStatus),
        programme_transitions={
            status.value: [s for s in status_order if ProgrammeStatus(s) in allowed]
            for status, allowed in PROGRAMME_TRANSITIONS.items()
        },
        session_statuses=_terms(SessionStatus, ["held", "planned", "cancelled", "did_not_attend"]),
        locations=_terms(Location),
        highlights=_terms(Highlight),
        words=dict(WORDS),
    )
