"""The closed vocabularies of docs/domain.md ("The people and records"), as string enums (stored
as their values), and the moves a programme may make between its statuses.

One home for every closed list the records, the rules, the API and the pages share. Nothing here
knows about the web or the database: this module imports only the standard library.
"""

from enum import StrEnum


class Role(StrEnum):
    worker = "worker"
    supervisor = "supervisor"
    manager = "manager"
    admin = "admin"


class AttachmentStatus(StrEnum):
    identified = "identified"
    at_risk = "at_risk"


class CareStatus(StrEnum):
    edge_of_care = "edge_of_care"
    foster_care = "foster_care"
    kinship_foster_care = "kinship_foster_care"
    special_guardianship = "special_guardianship"
    adopted_from_care = "adopted_from_care"
    residential = "residential"
    other = "other"


class Disability(StrEnum):
    yes = "yes"
    no = "no"
    unknown = "unknown"


class Relationship(StrEnum):
    birth_parent = "birth_parent"
    foster_carer = "foster_carer"
    kinship_carer = "kinship_carer"
    special_guardian = "special_guardian"
    adoptive_parent = "adoptive_parent"
    residential_key_worker = "residential_key_worker"
    other = "other"


class ConsentScope(StrEnum):
    filming = "filming"
    storage = "storage"
    share_with_carer = "share_with_carer"
    supervision = "supervision"
    training = "training"


class ProgrammeStatus(StrEnum):
    offered = "offered"
    declined = "declined"
    active = "active"
    completed = "completed"
    withdrawn = "withdrawn"


class SessionStatus(StrEnum):
    """`planned` is vfb's addition: a visit booked but not yet held; it counts for nothing."""

    planned = "planned"
    held = "held"
    cancelled = "cancelled"
    did_not_attend = "did_not_attend"


class Location(StrEnum):
    home = "home"
    other = "other"


class Highlight(StrEnum):
    """The five NICE NG26 1.4.2 moment categories, as shown in a shared review."""

    sensitivity = "sensitivity"
    responsiveness = "responsiveness"
    communication = "communication"
    strengths = "strengths"
    positive_change = "positive_change"


class Verdict(StrEnum):
    """A programme's fidelity verdict (vfb/programme/fidelity.py), stored beside it."""

    met = "met"
    not_met = "not_met"
    on_track = "on_track"
    off_track = "off_track"
    not_started = "not_started"


class CriterionCode(StrEnum):
    """The fidelity criteria of a programme model, in the order a scorecard lists them."""

    assessment_before_start = "assessment_before_start"
    sessions = "sessions"
    session_length = "session_length"
    span = "span"
    filming = "filming"
    shared_review = "shared_review"
    highlights = "highlights"
    positive_change = "positive_change"
    home = "home"
    trained_worker = "trained_worker"


class ClipStatus(StrEnum):
    processing = "processing"  # being made playable or prepared for review
    ready = "ready"
    failed = "failed"
    deleted = "deleted"  # its footage was deleted (consent withdrawn); the record stays


class ClipOrigin(StrEnum):
    recording = "recording"
    upload = "upload"
    trim = "trim"


class RecordingStatus(StrEnum):
    open = "open"  # chunks still arriving
    finished = "finished"  # became a clip
    empty = "empty"  # stopped before anything arrived
    unreadable = "unreadable"  # what arrived holds no video that decodes (kept for an admin)
    deleted = "deleted"  # consent was withdrawn while it was open: what had arrived is gone
    # a file sent in pieces (an upload that can be resumed, vfb.services.footage.resumable):
    abandoned = "abandoned"  # stopped by its sender, or left unfinished too long: nothing kept
    refused = "refused"  # once whole, not the file that was sent, or no video: nothing kept


class ReelStatus(StrEnum):
    building = "building"
    ready = "ready"
    failed = "failed"


class ScoreTiming(StrEnum):
    before = "before"
    after = "after"


# Which status a programme may move to from each status. Reopening a finished programme is allowed
# because records are corrected after the fact; skipping straight from offered to completed is not.
PROGRAMME_TRANSITIONS: dict[ProgrammeStatus, frozenset[ProgrammeStatus]] = {
    ProgrammeStatus.offered: frozenset(
        {ProgrammeStatus.active, ProgrammeStatus.declined, ProgrammeStatus.withdrawn}
    ),
    ProgrammeStatus.declined: frozenset({ProgrammeStatus.offered, ProgrammeStatus.active}),
    ProgrammeStatus.active: frozenset({ProgrammeStatus.completed, ProgrammeStatus.withdrawn}),
    ProgrammeStatus.completed: frozenset({ProgrammeStatus.active}),
    ProgrammeStatus.withdrawn: frozenset({ProgrammeStatus.active}),
}
FINISHED = frozenset({ProgrammeStatus.completed, ProgrammeStatus.withdrawn})
