"""The add-on's database tables (Django models), without the page types.

Tables hold data and the rules that keep one row valid; they import nothing of the add-on but
the private storage. Django finds them, with the page types, through ``wagtail_gdpr.models``.
"""

from wagtail_gdpr.tables.activity import MemberActivity, VerifiedEmail
from wagtail_gdpr.tables.breaches import (
    Breach,
    BreachAffectedPerson,
    BreachEntry,
    BreachNotice,
    HistoryIsAppendOnly,
)
from wagtail_gdpr.tables.connectors import Connector, ConnectorEvent
from wagtail_gdpr.tables.consent import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    ConsentText,
    LedgerIsAppendOnly,
)
from wagtail_gdpr.tables.files import PendingFileRemoval
from wagtail_gdpr.tables.form_addresses import FormSubmissionAddress
from wagtail_gdpr.tables.holds import LegalHold
from wagtail_gdpr.tables.notices import NoticeVersion
from wagtail_gdpr.tables.requests import AccessReport, DataSubjectRequest, RequestNote
from wagtail_gdpr.tables.retention import RetentionRun
from wagtail_gdpr.tables.site_settings import GdprSettings

__all__ = [
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
    "FormSubmissionAddress",
    "GdprSettings",
    "HistoryIsAppendOnly",
    "LedgerIsAppendOnly",
    "LegalHold",
    "MemberActivity",
    "NoticeVersion",
    "PendingFileRemoval",
    "RequestNote",
    "RetentionRun",
    "VerifiedEmail",
]
