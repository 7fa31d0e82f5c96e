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
ADDED_BY_HAND = "wagtail_gdpr.request_added"
MEMBER_LINKED = "wagtail_gdpr.member_linked"
REQUESTER_ASKED = "wagtail_gdpr.requester_asked"
ANSWER_RECEIVED = "wagtail_gdpr.answer_received"
REQUESTER_REMINDED = "wagtail_gdpr.requester_reminded"
NOTE_ADDED = "wagtail_gdpr.note_added"
COPY_STARTED = "wagtail_gdpr.copy_started"
LIFT_ANNOUNCED = "wagtail_gdpr.lift_announced"
SETTLED_BY_ERASURE = "wagtail_gdpr.settled_by_erasure"

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
    (ADDED_BY_HAND, _("Add request"), _("Request added by staff")),
    (MEMBER_LINKED, _("Link to a member"), _("Linked to the member's account")),
    (REQUESTER_ASKED, _("Ask the requester"), _("Question sent to the requester")),
    (ANSWER_RECEIVED, _("Receive the requester's answer"), _("The requester answered")),
    (REQUESTER_REMINDED, _("Remind the requester"), _("Reminder sent to the requester")),
    (NOTE_ADDED, _("Add note"), _("Note added")),
    (COPY_STARTED, _("Prepare the copy"), _("Copy being prepared")),
    (
        LIFT_ANNOUNCED,
        _("Announce the lifting of a restriction"),
        _("Member told the restriction will be lifted"),
    ),
    (
        SETTLED_BY_ERASURE,
        _("Settle by erasure"),
        _("Settled by the erasure of the member's data"),
    ),
]


def record(dsr, action: str, user, **data):
    """One audit log entry about ``dsr``: the request, its kind and ``data``; no personal data."""
    return log(
        instance=dsr,
        action=action,
        user=user,
        data={"request_id": dsr.pk, "kind": dsr.kind, **data},
    )
