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
    CriterionCode,
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
    # the checks' outcomes and the verdicts (a criterion's words are CRITERIA's)
    "pass": "Pass",
    "fail": "Fail",
    "pending": "Pending",
    "met": "Met",
    "not_met": "Not met",
    "on_track": "On track",
    "off_track": "Off track",
    "not_started": "Not started",
}


# A scorecard's criteria, in its order: some share a code with another list's value (filming,
# positive_change, home) but not its words.
CRITERIA: dict[CriterionCode, str] = {
    CriterionCode.assessment_before_start: "Assessment before the first session",
    CriterionCode.sessions: "At least 10 sessions",
    CriterionCode.session_length: "Sessions of 60 minutes or more",
    CriterionCode.span: "Over 3 to 4 months",
    CriterionCode.filming: "10 to 20 minutes filmed",
    CriterionCode.shared_review: "Video reviewed with the carer",
    CriterionCode.highlights: "Strengths and sensitivity highlighted",
    CriterionCode.positive_change: "Positive change acknowledged",
    CriterionCode.home: "At home",
    CriterionCode.trained_worker: "Trained worker",
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
    criteria: list[Term]
    # the words for every other value a page shows: these lists' and the checks' and verdicts'
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
        criteria=[Term(value=code.value, words=words) for code, words in CRITERIA.items()],
        words=dict(WORDS),
    )
