from .calendar import CalendarDay, CalendarYear
from .handling import (
    Assignment,
    ContactRecord,
    ExtensionRequest,
    ReassignmentRequest,
    Section,
    Task,
)
from .notices import Notice, NoticeCursor
from .once import FormToken
from .org import Committee, CommitteeRole, Membership, Proposer, Session, Unit
from .proposal import Proposal, ProposalStatus
from .supervision import SupervisionRecord

__all__ = [
    "Assignment",
    "CalendarDay",
    "CalendarYear",
    "Committee",
    "CommitteeRole",
    "ContactRecord",
    "ExtensionRequest",
    "FormToken",
    "Membership",
    "Notice",
    "NoticeCursor",
    "Proposal",
    "ProposalStatus",
    "Proposer",
    "ReassignmentRequest",
    "Section",
    "Session",
    "SupervisionRecord",
    "Task",
    "Unit",
]
