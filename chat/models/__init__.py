"""All persistent models; importing this package registers every table on Base.metadata."""

from chat.models.base import Base, utcnow
from chat.models.content import AuditEntry, FaqArticle, Favourite, Folder, QuickReply, ReplyTemplate
from chat.models.crm import Activity, Company, Contact, CrmRequest, FollowUp, Sale
from chat.models.people import Channel, Membership, OpeningHours, Presence, Role, User
from chat.models.sessions import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    AgentEvent,
    Attachment,
    AuthorKind,
    ChatSession,
    Message,
    MessageKind,
    SessionEvent,
    SessionStatus,
    Transfer,
    TransferState,
    Visitor,
)

__all__ = [
    "ACTIVE_STATUSES",
    "OPEN_STATUSES",
    "Activity",
    "AgentEvent",
    "Attachment",
    "AuditEntry",
    "AuthorKind",
    "Base",
    "Channel",
    "ChatSession",
    "Company",
    "Contact",
    "CrmRequest",
    "FaqArticle",
    "Favourite",
    "Folder",
    "FollowUp",
    "Membership",
    "Message",
    "MessageKind",
    "OpeningHours",
    "Presence",
    "QuickReply",
    "ReplyTemplate",
    "Role",
    "Sale",
    "SessionEvent",
    "SessionStatus",
    "Transfer",
    "TransferState",
    "User",
    "Visitor",
    "utcnow",
]
