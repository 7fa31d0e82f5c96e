"""Where Django finds the add-on's models: its tables and its page types.

Import from here in your own code (``from wagtail_gdpr.models import PrivacyCentrePage``);
inside the add-on, lower layers import ``wagtail_gdpr.tables`` instead, because the page types
serve pages and so stand above everything else. The submodules ``notices``, ``privacy_centre``
and ``requests`` are paths that migrations name, kept for them.
"""

from wagtail_gdpr.pages import (
    AbstractPrivacyCentrePage,
    AbstractPrivacyNoticePage,
    FormPrivacyMixin,
    PrivacyCentreMixin,
    PrivacyCentrePage,
    PrivacyNoticeMixin,
    PrivacyNoticePage,
)
from wagtail_gdpr.tables import (
    AccessReport,
    Breach,
    BreachAffectedPerson,
    BreachEntry,
    BreachNotice,
    Connector,
    ConnectorEvent,
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    ConsentText,
    DataSubjectRequest,
    FormSubmissionAddress,
    GdprSettings,
    HistoryIsAppendOnly,
    LedgerIsAppendOnly,
    LegalHold,
    MemberActivity,
    NoticeVersion,
    PendingFileRemoval,
    RequestNote,
    RetentionRun,
    VerifiedEmail,
)

__all__ = [
    "AbstractPrivacyCentrePage",
    "AbstractPrivacyNoticePage",
    "AccessReport",
    "Breach",
    "BreachAffectedPerson",
    "BreachEntry",
    "BreachNotice",
    "ConsentPurpose",
    "ConsentRecord",
    "ConsentState",
    "ConsentText",
    "Connector",
    "ConnectorEvent",
    "DataSubjectRequest",
    "FormPrivacyMixin",
    "FormSubmissionAddress",
    "GdprSettings",
    "HistoryIsAppendOnly",
    "LedgerIsAppendOnly",
    "LegalHold",
    "MemberActivity",
    "NoticeVersion",
    "PendingFileRemoval",
    "RequestNote",
    "PrivacyCentreMixin",
    "PrivacyCentrePage",
    "PrivacyNoticeMixin",
    "PrivacyNoticePage",
    "RetentionRun",
    "VerifiedEmail",
]
