"""A request's history as staff read it: the audit log's entries, with their details in words.

The log keeps ids and codes (no personal data); here they become names, dates and labels, so
that no raw id or code reaches an officer's screen.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import registry as log_registry

from wagtail_gdpr import restriction_objection
from wagtail_gdpr.erasure import settlement
from wagtail_gdpr.requests import in_words
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest

#: Each detail the log may hold: its label, in the order shown.
LABELS = {
    "assignee_id": gettext_lazy("Assigned to"),
    "due_at": gettext_lazy("Due"),
    "extended_until": gettext_lazy("Extended until"),
    "execute_after": gettext_lazy("Carried out after"),
    "lift_after": gettext_lazy("Lifted from"),
    "purpose": gettext_lazy("Covers"),
    "field": gettext_lazy("Field"),
    "received_via": gettext_lazy("Received by"),
    "identity_verified": gettext_lazy("Identity clear on receipt"),
    "because": gettext_lazy("Why"),
    "settled": gettext_lazy("Settled"),
    "erasure_request_id": gettext_lazy("By"),
    "viewed": gettext_lazy("What"),
    "overdue": gettext_lazy("Overdue"),
    "recipients": gettext_lazy("Recipients"),
    "clock_stopped": gettext_lazy("Clock stopped"),
    "by_staff": gettext_lazy("Recorded by staff"),
}
VIEWED = {"request": gettext_lazy("the request"), "report": gettext_lazy("the copy of the data")}
SETTLED = {
    settlement.COMPLETED: gettext_lazy("completed"),
    settlement.CANCELLED: gettext_lazy("cancelled"),
    settlement.KEPT: gettext_lazy("kept"),
}


def user_name(pk) -> str:
    user = get_user_model()._default_manager.filter(pk=pk).first() if pk else None
    if user is None:
        return _("nobody") if not pk else _("a former account")
    return user.get_full_name() or user.get_username()


def _moment(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    return in_words.moment(moment) if moment else ""


def _value(key: str, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "assignee_id":
        return user_name(value)
    if key in ("due_at", "extended_until", "execute_after", "lift_after"):
        return _moment(value)
    if key == "received_via":
        return str(dict(R.CHANNELS).get(value, ""))
    if key == "because":
        return str(dict(R.CLOSING_REASONS).get(value, "")).lower()
    if key == "settled":
        return str(SETTLED.get(value, ""))
    if key == "erasure_request_id":
        return _("erasure request #%(number)s") % {"number": value} if value else ""
    if key == "viewed":
        return str(VIEWED.get(value, ""))
    if key == "purpose":
        return restriction_objection.purpose_name(str(value))
    if key == "field":
        return str(value).replace("_", " ")
    return str(value) if isinstance(value, int) else ""


def details(data: dict) -> str:
    """An entry's details in words: "Assigned to: Dana Dataskydd; Due: 27 Nov 2026, 21:30 CET"."""
    data = data or {}
    parts = []
    for key, label in LABELS.items():
        if key in data:
            text = _value(key, data[key])
            if text:
                parts.append(f"{label}: {text}")
    return "; ".join(parts)


def history(dsr: DataSubjectRequest) -> list[dict]:
    """Every audit-log entry about ``dsr``, oldest first, ready to show."""
    entries = (
        log_registry.get_logs_for_instance(dsr).select_related("user").order_by("timestamp", "pk")
    )
    return [
        {
            "timestamp": entry.timestamp,
            "when": in_words.moment(entry.timestamp),
            "message": entry.message,
            "user": entry.user_display_name if entry.user_id else _("the site"),
            "details": details(entry.data),
        }
        for entry in entries
    ]
