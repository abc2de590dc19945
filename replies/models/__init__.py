from .countersign import Countersign, CountersignState
from .download import ReplyDownload
from .feedback import Feedback, FeedbackLink
from .keys import DocumentCounter, UnitLetterSettings, UnitSigningKey
from .publication import (
    PUBLISH_WITHIN_WORKING_DAYS,
    Publication,
    PublicationMode,
    PublicationState,
)
from .records import CommitteeCA, RecordCopy, RecordCopyState, UnitCertificate
from .reply import (
    DISCLOSURE_NOTES,
    FROZEN_STATES,
    Disclosure,
    FrozenReplyError,
    Reply,
    ReplyParagraph,
    ReplyState,
    default_cc,
    format_doc_number,
)

__all__ = [
    "Countersign",
    "CountersignState",
    "CommitteeCA",
    "RecordCopy",
    "RecordCopyState",
    "UnitCertificate",
    "DISCLOSURE_NOTES",
    "FROZEN_STATES",
    "Disclosure",
    "DocumentCounter",
    "Feedback",
    "FeedbackLink",
    "FrozenReplyError",
    "PUBLISH_WITHIN_WORKING_DAYS",
    "Publication",
    "PublicationMode",
    "PublicationState",
    "Reply",
    "ReplyDownload",
    "ReplyParagraph",
    "ReplyState",
    "UnitLetterSettings",
    "UnitSigningKey",
    "default_cc",
    "format_doc_number",
]
