"""The breach register as a list (GDPR Art. 33(5)): every breach, its status, and whether and
when the authority and the people affected were told; with filters and a spreadsheet export
whose cells never run as formulas (:mod:`wagtail_gdpr.spreadsheets`)."""

from __future__ import annotations

import io

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import readable, spreadsheets
from wagtail_gdpr.breaches import clock
from wagtail_gdpr.tables import Breach

OPEN = "open"
CLOSED = "closed"
STATUSES = [(OPEN, gettext_lazy("Open")), (CLOSED, gettext_lazy("Closed"))]


def status(breach: Breach) -> str:
    """Where a breach stands, in the officer's words."""
    if breach.closed_at:
        return _("Closed")
    if breach.authority_notified_at:
        return _("Authority notified")
    if breach.not_notifying_at:
        return _("Not notifiable")
    if not breach.risk:
        return _("Risk to be assessed")
    if clock.is_late(breach):
        return _("Past 72 hours: decision outstanding")
    return _("Decision outstanding")


def filtered(status_filter: str = "", risk: str = "", notified: str = ""):
    """The register, filtered by status (open or closed), risk and authority notification."""
    rows = Breach.objects.all().order_by("-discovered_at", "-pk")
    if status_filter == OPEN:
        rows = rows.filter(closed_at__isnull=True)
    elif status_filter == CLOSED:
        rows = rows.filter(closed_at__isnull=False)
    if risk:
        rows = rows.filter(risk=risk)
    if notified == "yes":
        rows = rows.filter(authority_notified_at__isnull=False)
    elif notified == "no":
        rows = rows.filter(authority_notified_at__isnull=True)
    elif notified == "people":
        rows = rows.filter(~Q(people_notified_at=None))
    return rows


COLUMNS = [
    ("number", gettext_lazy("Number"), lambda b: b.pk),
    ("title", gettext_lazy("Breach"), lambda b: b.title),
    ("status", gettext_lazy("Status"), status),
    ("discovered_at", gettext_lazy("Discovered"), lambda b: b.discovered_at),
    ("deadline", gettext_lazy("72 hours end"), clock.deadline),
    ("risk", gettext_lazy("Risk"), lambda b: b.get_risk_display()),
    (
        "authority_notified_at",
        gettext_lazy("Authority notified"),
        lambda b: b.authority_notified_at,
    ),
    ("not_notifying_at", gettext_lazy("Decided not to notify"), lambda b: b.not_notifying_at),
    ("people_notified_at", gettext_lazy("People notified"), lambda b: b.people_notified_at),
    ("closed_at", gettext_lazy("Closed"), lambda b: b.closed_at),
]


def as_csv(rows) -> str:
    """The register as CSV for a spreadsheet; a cell starting with ``=`` is never a formula."""
    out = io.StringIO()
    writer = spreadsheets.writer(out)
    writer.writerow([str(label) for _key, label, _value in COLUMNS])
    for breach in rows:
        writer.writerow([readable.for_spreadsheets(value(breach)) for _k, _l, value in COLUMNS])
    return out.getvalue()
