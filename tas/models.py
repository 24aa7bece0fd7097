"""Every domain's tables, imported together so migrations and the app see the whole schema."""

from tas.audit.models import AuditEvent
from tas.auth.models import PasswordToken, PendingForm, SignInAttempt, UserSession
from tas.organisations.models import Agency, Cluster, School, User
from tas.outbox.models import OutboxMessage

__all__ = [
    "Agency",
    "AuditEvent",
    "Cluster",
    "OutboxMessage",
    "PasswordToken",
    "PendingForm",
    "School",
    "SignInAttempt",
    "User",
    "UserSession",
]
