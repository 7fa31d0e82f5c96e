"""The add-on's page types: the privacy notice and the member's privacy centre.

Pages serve requests, so they stand among the callers: the notice renders blocks, and the
privacy centre's routes call the member views.
"""

from wagtail_gdpr.pages.form_privacy import FormPrivacyMixin
from wagtail_gdpr.pages.notice import (
    AbstractPrivacyNoticePage,
    PrivacyNoticeMixin,
    PrivacyNoticePage,
)
from wagtail_gdpr.pages.privacy_centre import (
    AbstractPrivacyCentrePage,
    PrivacyCentreMixin,
    PrivacyCentrePage,
)

__all__ = [
    "AbstractPrivacyCentrePage",
    "AbstractPrivacyNoticePage",
    "FormPrivacyMixin",
    "PrivacyCentreMixin",
    "PrivacyCentrePage",
    "PrivacyNoticeMixin",
    "PrivacyNoticePage",
]
