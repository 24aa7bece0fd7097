"""Every domain's tables, imported together so migrations and the app see the whole schema."""

from tas.audit.models import AccessRefusal, AuditEvent
from tas.auth.factors.models import (
    AuthenticatorApp,
    FactorAttempt,
    Passkey,
    RecoveryCode,
    RememberedDevice,
    SecondFactorWaiver,
)
from tas.auth.models import (
    CalendarFeed,
    PasswordResetRequest,
    PasswordToken,
    SignInAttempt,
    UserSession,
)
from tas.children.models import (
    Agreement,
    AgreementAgency,
    Child,
    CoordinatorAccess,
    FamilyMember,
    FileTransfer,
    LawfulBasis,
    SchoolMove,
    SharingDecision,
    SiblingLink,
    StaffGrant,
)
from tas.children.record_checks.models import RecordCheck
from tas.chronology.models import ChronologyEvent, HarmReview
from tas.core.pending_forms import PendingForm
from tas.core.submissions import UsedSubmission
from tas.ical.models import FeedMiss
from tas.levels.decisions.models import MinutesDecision
from tas.levels.models import IfdReferral, StepChange
from tas.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingChange,
    MeetingSeries,
    SchoolRoom,
    TasRequest,
    Term,
    UninvitedAttendee,
)
from tas.organisations.models import Agency, Cluster, School, User
from tas.outbox.models import OutboxMessage
from tas.plans.models import (
    Action,
    ActionEvent,
    AgencyInvolvement,
    DriftDecision,
    EngagementDecision,
    EngagementUpdate,
    GpNotification,
    Outcome,
    OutcomeProgress,
    OutcomeScore,
    SharedPlan,
)

# The outcomes' periods of progress are kept by a listener on the session, registered here
# with every table, so that whatever loads the tables keeps them in step.
from tas.plans.outcomes import periods  # noqa: F401
from tas.reminders.models import Reminder
from tas.reviews.models import Review, ReviewRule
from tas.voice.models import VoiceEntry

__all__ = [
    "AccessRefusal",
    "Action",
    "ActionEvent",
    "Agency",
    "AgencyInvolvement",
    "AgendaItem",
    "Agreement",
    "AgreementAgency",
    "AuditEvent",
    "AuthenticatorApp",
    "CalendarFeed",
    "Child",
    "ChronologyEvent",
    "Cluster",
    "CoordinatorAccess",
    "DriftDecision",
    "EngagementDecision",
    "EngagementUpdate",
    "FactorAttempt",
    "FamilyMember",
    "FeedMiss",
    "FileTransfer",
    "GpNotification",
    "HarmReview",
    "IfdReferral",
    "Invitation",
    "LawfulBasis",
    "Meeting",
    "MeetingChange",
    "MeetingSeries",
    "MinutesDecision",
    "OutboxMessage",
    "Outcome",
    "OutcomeProgress",
    "OutcomeScore",
    "Passkey",
    "PasswordResetRequest",
    "PasswordToken",
    "PendingForm",
    "RecordCheck",
    "RecoveryCode",
    "RememberedDevice",
    "Reminder",
    "Review",
    "ReviewRule",
    "School",
    "SchoolMove",
    "SchoolRoom",
    "SecondFactorWaiver",
    "SharedPlan",
    "SharingDecision",
    "SiblingLink",
    "SignInAttempt",
    "StaffGrant",
    "StepChange",
    "TasRequest",
    "Term",
    "UninvitedAttendee",
    "UsedSubmission",
    "User",
    "UserSession",
    "VoiceEntry",
]
