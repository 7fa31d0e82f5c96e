"""The audit log's vocabulary: every action the add-on records in Wagtail's audit log.

Entries name the request and what was done, never a reason, a note or a value: those may hold
personal data, and stay on the request. ``wagtail_hooks`` registers :data:`LOG_ACTIONS` with
Wagtail, so the log shows them with these labels.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

ASSIGNED = "wagtail_gdpr.request_assigned"
IDENTITY_REQUESTED = "wagtail_gdpr.identity_requested"
IDENTITY_VERIFIED = "wagtail_gdpr.identity_verified"
EXTENDED = "wagtail_gdpr.deadline_extended"
ERASURE_RUN = "wagtail_gdpr.erasure_run"
ERASURE_SCHEDULED = "wagtail_gdpr.erasure_scheduled"
REFUSED = "wagtail_gdpr.request_refused"
DELIVERED = "wagtail_gdpr.delivered_otherwise"
CLOSED = "wagtail_gdpr.request_closed"
VIEWED_DATA = "wagtail_gdpr.viewed_data"
REMINDER_SENT = "wagtail_gdpr.reminder_sent"
CORRECTION_APPROVED = "wagtail_gdpr.correction_approved"
CORRECTION_REJECTED = "wagtail_gdpr.correction_rejected"
PROCESSING_ACCEPTED = "wagtail_gdpr.processing_request_accepted"
PROCESSING_LIFTED = "wagtail_gdpr.processing_request_lifted"

#: (action, label, message) of each, for Wagtail's ``register_log_actions`` hook.
LOG_ACTIONS = [
    (ASSIGNED, _("Assign request"), _("Request assigned")),
    (
        IDENTITY_REQUESTED,
        _("Ask for proof of identity"),
        _("Proof of identity asked for; the clock is paused"),
    ),
    (IDENTITY_VERIFIED, _("Verify identity"), _("Identity verified; the clock runs")),
    (EXTENDED, _("Extend deadline"), _("Deadline extended")),
    (ERASURE_RUN, _("Run erasure"), _("Erasure started")),
    (ERASURE_SCHEDULED, _("Schedule erasure"), _("Erasure scheduled")),
    (REFUSED, _("Refuse request"), _("Request refused")),
    (DELIVERED, _("Mark delivered by other means"), _("Copy delivered by other means")),
    (CLOSED, _("Close request"), _("Request closed")),
    (VIEWED_DATA, _("View personal data"), _("Personal data viewed")),
    (REMINDER_SENT, _("Send deadline reminder"), _("Deadline reminder sent")),
    (CORRECTION_APPROVED, _("Approve correction"), _("Correction approved")),
    (CORRECTION_REJECTED, _("Reject correction"), _("Correction rejected")),
    (
        PROCESSING_ACCEPTED,
        _("Accept restriction or objection"),
        _("Restriction or objection accepted"),
    ),
    (PROCESSING_LIFTED, _("Lift restriction or objection"), _("Restriction or objection lifted")),
]


def record(dsr, action: str, user, **data):
    """One audit log entry about ``dsr``: the request, its kind and ``data``; no personal data."""
    return log(
        instance=dsr,
        action=action,
        user=user,
        data={"request_id": dsr.pk, "kind": dsr.kind, **data},
    )
