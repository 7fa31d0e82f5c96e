"""What an erasure does to the member's other requests: each is completed, cancelled or kept.

Once a member's data is erased nobody can be answered at their address, and nothing the
requests asked for can be done to data that is gone. So, in the erasure's own transaction:

- another erasure request is completed by this one;
- every other open request is cancelled, with the reason staff read on it;
- an accepted restriction or objection stays in force (it still covers what the law makes us
  keep), and says so.

Settled requests are closed, so their deadline no longer counts; each names the erasure that
settled it (``settled_by``), and each settlement is in the audit log.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import audit
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest

COMPLETED = "completed"
CANCELLED = "cancelled"
KEPT = "kept"

#: What staff read on a settled request, by what was done to it and its kind.
REASONS = {
    (COMPLETED, R.ERASURE): _("Completed by the erasure of the member's data."),
    (CANCELLED, R.ACCESS): _("Cancelled: the data was erased before a copy was made."),
    (CANCELLED, R.PORTABILITY): _("Cancelled: the data was erased before a copy was made."),
    (CANCELLED, R.RECTIFICATION): _("Cancelled: the data it would correct was erased."),
    (CANCELLED, R.RESTRICTION): _(
        "Cancelled: the data was erased; what the law makes us keep is kept for that reason only."
    ),
    (CANCELLED, R.OBJECTION): _(
        "Cancelled: the data was erased; what the law makes us keep is kept for that reason only."
    ),
    (KEPT, R.RESTRICTION): _("Kept in force: it still covers what the law makes us keep."),
    (KEPT, R.OBJECTION): _("Kept in force: it still covers what the law makes us keep."),
}


def settle_open_requests(member, erasure_request_id: int | None, now: datetime) -> dict:
    """Settle the member's other requests; returns how many were completed, cancelled, kept.

    Call it inside the erasure's transaction, before the member's rows are anonymised.
    """
    others = (
        R.objects.select_for_update()
        .filter(member=member)
        .exclude(pk=erasure_request_id)
        .order_by("pk")
    )
    counts = {COMPLETED: 0, CANCELLED: 0, KEPT: 0}
    erasure = R.objects.filter(pk=erasure_request_id).first() if erasure_request_id else None
    for dsr in others:
        if dsr.is_open:
            settled = COMPLETED if dsr.kind == R.ERASURE else CANCELLED
            dsr.status = R.DONE if settled == COMPLETED else R.CANCELLED
            dsr.closed_because = R.SETTLED_BY_ERASURE
            dsr.completed_at = now
            dsr.clock_paused_at = None
        elif dsr.in_force:
            settled = KEPT
        else:
            continue
        dsr.settled_by = erasure
        dsr.save(
            update_fields=["status", "closed_because", "completed_at", "clock_paused_at",
                           "settled_by"]
        )  # fmt: skip
        audit.record(
            dsr,
            audit.SETTLED_BY_ERASURE,
            None,
            settled=settled,
            erasure_request_id=erasure_request_id,
        )
        counts[settled] += 1
    return counts


def how_settled(dsr: DataSubjectRequest) -> str:
    """``COMPLETED``, ``CANCELLED``, ``KEPT``, or "" for a request no erasure settled."""
    if dsr.settled_by_id is None and dsr.closed_because != R.SETTLED_BY_ERASURE:
        return ""
    if dsr.status == R.CANCELLED:
        return CANCELLED
    if dsr.in_force:
        return KEPT
    return COMPLETED


def reason(dsr: DataSubjectRequest) -> str:
    """Why the request was settled as it was, for staff; "" if no erasure settled it."""
    settled = how_settled(dsr)
    return str(REASONS.get((settled, dsr.kind), "")) if settled else ""
