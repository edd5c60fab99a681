"""The stored records of vfb, one model family per entity (Base, Create, Update, table, Public)."""

from vfb.models.assessment import Assessment, AssessmentCreate, AssessmentPublic
from vfb.models.audit import AuditEvent, AuditEventPublic, AuditHead
from vfb.models.auth import LoginThrottle, SignIn
from vfb.models.carer import Carer, CarerCreate, CarerPublic, CarerUpdate
from vfb.models.child import Child, ChildCreate, ChildPublic, ChildUpdate
from vfb.models.clip import (
    Clip,
    ClipPublic,
    Recording,
    RecordingCreate,
    RecordingPublic,
    TrimRequest,
)
from vfb.models.consent import (
    Consent,
    ConsentCreate,
    ConsentPublic,
    ConsentUpdate,
    ConsentWithdrawalPreview,
)
from vfb.models.field_device import FieldDevice
from vfb.models.footage_removal import FootageRemoval
from vfb.models.moment import (
    CarerComment,
    CarerCommentCreate,
    CarerCommentPublic,
    Moment,
    MomentCreate,
    MomentPublic,
    MomentUpdate,
    SharedMoment,
    SharedReviewCreate,
)
from vfb.models.outcome import (
    CarerScore,
    CarerScoreCreate,
    CarerScorePublic,
    PlacementBreakdown,
    PlacementBreakdownCreate,
    PlacementBreakdownPublic,
)
from vfb.models.programme import (
    Programme,
    ProgrammeCarer,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammeUpdate,
)
from vfb.models.reel import Reel, ReelCreate, ReelPlanPublic, ReelPublic
from vfb.models.session import ProgrammeSession, SessionCreate, SessionPublic, SessionUpdate
from vfb.models.share_link import ShareLink, ShareLinkCreate, ShareLinkPublic
from vfb.models.team import Team, TeamCreate, TeamPublic, TeamUpdate
from vfb.models.user import User, UserCreate, UserPublic, UserUpdate

__all__ = [
    "Assessment",
    "AssessmentCreate",
    "AssessmentPublic",
    "AuditEvent",
    "AuditEventPublic",
    "AuditHead",
    "Carer",
    "CarerComment",
    "CarerCommentCreate",
    "CarerCommentPublic",
    "CarerCreate",
    "CarerPublic",
    "CarerScore",
    "CarerScoreCreate",
    "CarerScorePublic",
    "CarerUpdate",
    "Child",
    "ChildCreate",
    "ChildPublic",
    "ChildUpdate",
    "Clip",
    "ClipPublic",
    "Consent",
    "ConsentCreate",
    "ConsentPublic",
    "ConsentUpdate",
    "ConsentWithdrawalPreview",
    "FieldDevice",
    "FootageRemoval",
    "LoginThrottle",
    "Moment",
    "MomentCreate",
    "MomentPublic",
    "MomentUpdate",
    "PlacementBreakdown",
    "PlacementBreakdownCreate",
    "PlacementBreakdownPublic",
    "Programme",
    "ProgrammeCarer",
    "ProgrammeCreate",
    "ProgrammePublic",
    "ProgrammeSession",
    "ProgrammeUpdate",
    "Recording",
    "RecordingCreate",
    "RecordingPublic",
    "Reel",
    "ReelCreate",
    "ReelPlanPublic",
    "ReelPublic",
    "SessionCreate",
    "SessionPublic",
    "SessionUpdate",
    "ShareLink",
    "ShareLinkCreate",
    "ShareLinkPublic",
    "SharedMoment",
    "SharedReviewCreate",
    "SignIn",
    "Team",
    "TeamCreate",
    "TeamPublic",
    "TeamUpdate",
    "TrimRequest",
    "User",
    "UserCreate",
    "UserPublic",
    "UserUpdate",
]
