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
BREACH_RECORDED = "wagtail_gdpr.breach_recorded"
BREACH_CHANGED = "wagtail_gdpr.breach_changed"
BREACH_ASSESSED = "wagtail_gdpr.breach_assessed"
BREACH_DRAFT_EDITED = "wagtail_gdpr.breach_draft_edited"
BREACH_AUTHORITY_NOTIFIED = "wagtail_gdpr.breach_authority_notified"
BREACH_NOT_NOTIFYING = "wagtail_gdpr.breach_not_notifying"
BREACH_SUPPLEMENT = "wagtail_gdpr.breach_supplement"
BREACH_NOTICES_SENT = "wagtail_gdpr.breach_notices_sent"
BREACH_CLOSED = "wagtail_gdpr.breach_closed"
BREACH_REMINDED = "wagtail_gdpr.breach_reminded"

#: (action, label, message) of each, for Wagtail's ``register_log_actions`` hook.
CONNECTOR_EVENT_SENT_AGAIN = "wagtail_gdpr.connector_event_sent_again"
CONNECTOR_EVENT_CLOSED = "wagtail_gdpr.connector_event_closed"

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
    (BREACH_RECORDED, _("Record a breach"), _("Breach recorded")),
    (BREACH_CHANGED, _("Change a breach's facts"), _("Breach facts changed")),
    (BREACH_ASSESSED, _("Assess a breach's risk"), _("Breach risk assessed")),
    (BREACH_DRAFT_EDITED, _("Edit the notification draft"), _("Notification draft edited")),
    (BREACH_AUTHORITY_NOTIFIED, _("Notify the authority"), _("Authority notified of a breach")),
    (BREACH_NOT_NOTIFYING, _("Decide not to notify"), _("Decided not to notify the authority")),
    (BREACH_SUPPLEMENT, _("Add a supplement"), _("Supplement sent to the authority")),
    (BREACH_NOTICES_SENT, _("Send breach notices"), _("Notices to the people affected sent")),
    (BREACH_CLOSED, _("Close a breach"), _("Breach closed")),
    (BREACH_REMINDED, _("Remind of the 72 hours"), _("Officers reminded of the 72 hours")),
    (
        CONNECTOR_EVENT_SENT_AGAIN,
        _("Send an event again"),
        _("Event sent again to a connected system"),
    ),
    (
        CONNECTOR_EVENT_CLOSED,
        _("Close an event without sending it"),
        _("Event for a connected system closed without sending it"),
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


def record_breach(breach, action: str, user, **data):
    """One audit log entry about a breach: its number, the step and ``data``; no personal data."""
    return log(instance=breach, action=action, user=user, data={"breach_id": breach.pk, **data})
