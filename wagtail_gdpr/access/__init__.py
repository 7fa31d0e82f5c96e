"""The right of access (GDPR Art. 15) and portability (Art. 20): a member's copy of their data.

- ``copies``: a member asks for a copy;
- ``report``: a worker writes the copy, a ZIP in private storage, and expired ones are purged;
- ``formatted_rows``: on PostgreSQL, the database writes the copy's CSV lines and JSON rows;
- ``downloads``: the member downloads it;
- ``summary``: the live summary of "My data".

``ReportSection`` and ``SummaryItem`` are what the ``wagtail_gdpr_report_sections`` and
``wagtail_gdpr_summary_items`` hooks return.
"""

from wagtail_gdpr.access.copies import RequestRefused, request_copy
from wagtail_gdpr.access.report import ReportSection, build_access_report, purge_expired
from wagtail_gdpr.access.summary import SummaryItem, live_summary

__all__ = [
    "ReportSection",
    "RequestRefused",
    "SummaryItem",
    "build_access_report",
    "live_summary",
    "purge_expired",
    "request_copy",
]
