from wagtail_gdpr.models.activity import MemberActivity, VerifiedEmail
from wagtail_gdpr.models.consent import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    ConsentText,
    LedgerIsAppendOnly,
)
from wagtail_gdpr.models.files import PendingFileRemoval
from wagtail_gdpr.models.holds import LegalHold
from wagtail_gdpr.models.notices import (
    AbstractPrivacyNoticePage,
    NoticeVersion,
    PrivacyNoticeMixin,
    PrivacyNoticePage,
)
from wagtail_gdpr.models.privacy_centre import (
    AbstractPrivacyCentrePage,
    PrivacyCentreMixin,
    PrivacyCentrePage,
)
from wagtail_gdpr.models.requests import AccessReport, DataSubjectRequest
from wagtail_gdpr.models.retention import RetentionRun
from wagtail_gdpr.models.settings import GdprSettings

__all__ = [
    "LegalHold",
    "RetentionRun",
    "AbstractPrivacyCentrePage",
    "PrivacyCentreMixin",
    "PrivacyCentrePage",
    "VerifiedEmail",
    "AccessReport",
    "DataSubjectRequest",
    "MemberActivity",
    "AbstractPrivacyNoticePage",
    "ConsentPurpose",
    "ConsentRecord",
    "ConsentState",
    "ConsentText",
    "GdprSettings",
    "LedgerIsAppendOnly",
    "NoticeVersion",
    "PendingFileRemoval",
    "PrivacyNoticeMixin",
    "PrivacyNoticePage",
]
