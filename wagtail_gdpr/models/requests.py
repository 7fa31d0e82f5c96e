"""A path that migrations name: ``report_upload_to`` names the files of access copies.

The add-on's own migration 0003 imports it from here; it lives in
:mod:`wagtail_gdpr.tables.requests`. Kept as long as such migrations exist.
"""

from wagtail_gdpr.tables.requests import (  # noqa: F401
    AccessReport,
    DataSubjectRequest,
    report_upload_to,
)
