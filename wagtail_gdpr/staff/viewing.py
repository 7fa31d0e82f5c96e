"""Staff looking at a member's personal data: that is processing too, and it is logged.

Opening a request is logged once per officer, per request and per session: the history shows
who looked, without a line for every reload. Each download of a member's copy is logged.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from wagtail_gdpr import audit
from wagtail_gdpr.staff.rules import COPY_KINDS, ActionRefused
from wagtail_gdpr.tables import DataSubjectRequest

#: The session key of the requests this session's user has been logged as viewing.
SESSION_KEY = "wagtail_gdpr_viewed_requests"


def record_view(dsr: DataSubjectRequest, user, what: str = "request", session=None):
    """Staff opened a member's request or report: logged, once per ``session`` if one is given.

    Returns the log entry, or ``None`` when this session has logged it already.
    """
    if session is not None:
        seen = list(session.get(SESSION_KEY, []))
        key = f"{what}:{dsr.pk}"
        if key in seen:
            return None
        session[SESSION_KEY] = [*seen[-499:], key]  # bounded: a session is not an archive
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
