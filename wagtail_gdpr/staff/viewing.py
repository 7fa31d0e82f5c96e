"""Staff looking at a member's personal data: that is processing too, and it is logged."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wagtail_gdpr import audit
from wagtail_gdpr.staff.rules import COPY_KINDS, ActionRefused
from wagtail_gdpr.tables import DataSubjectRequest


def record_view(dsr: DataSubjectRequest, user, what: str = "request"):
    """Staff opened a member's request or report: that is processing, and it is logged."""
    return audit.record(dsr, audit.VIEWED_DATA, user, viewed=what)


def open_report(dsr: DataSubjectRequest, user):
    """The access report's file, opened for staff, and the viewing logged."""
    report = getattr(dsr, "report", None) if dsr.kind in COPY_KINDS else None
    if report is None or not report.is_available():
        raise ActionRefused(_("There is no report to download for this request."))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise ActionRefused(_("The report's file is missing.")) from None
    record_view(dsr, user, "report")
    return report, handle
