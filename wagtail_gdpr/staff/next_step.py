"""The next step of every request, in a line staff read in the queue and on the request's page.

It says what is awaited and from whom: staff (and which action), the requester, a worker, or
nobody because the request is closed. It is worked out from the request's state alone, with
no query, so the listing can show it on every row.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr.clarification import awaits_confirmation, needs_purpose
from wagtail_gdpr.erasure import settlement
from wagtail_gdpr.requests import in_words, legal_clock
from wagtail_gdpr.staff.rules import COPY_KINDS, DECIDABLE, PROCESSING_KINDS
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest


def _waiting(dsr: DataSubjectRequest) -> str | None:
    """What is awaited from someone other than staff, if anything."""
    if dsr.status == R.UNVERIFIED:
        if awaits_confirmation(dsr):
            return _("Waiting for the requester to confirm their address; nothing to do yet.")
        return _("Check the requester's identity, then verify it; the clock is stopped.")
    if dsr.status == R.WAITING_FOR_MEMBER:
        return _("Waiting for the requester's answer. Record it if it comes by post or phone.")
    if dsr.status in (R.QUEUED, R.RUNNING) and dsr.kind in COPY_KINDS:
        return _("A worker is preparing the copy; nothing to do.")
    if dsr.status in (R.QUEUED, R.RUNNING) and dsr.kind == R.ERASURE:
        return _("A worker is carrying out the erasure; nothing to do.")
    if dsr.status == R.SCHEDULED:
        return _("The erasure is carried out on %(date)s.") % {
            "date": in_words.moment(dsr.execute_after)
        }
    return None


def _decide(dsr: DataSubjectRequest) -> str:
    """What staff decide next on an open request that waits for them."""
    if dsr.status == R.FAILED:
        return _("It failed: see what failed, then try again, or refuse it.")
    if dsr.member_id is None and dsr.kind != R.RECTIFICATION:
        return _("Find the member's account and link the request to it, or refuse it.")
    if dsr.kind in PROCESSING_KINDS:
        if needs_purpose(dsr):
            return _("Accept it, choosing what it covers, or ask the requester which they mean.")
        return _("Accept or refuse it.")
    if dsr.kind == R.RECTIFICATION:
        if (dsr.payload or {}).get("field"):
            return _("Approve or reject the proposed correction.")
        return _(
            "Correct the data where it is kept, then close the request as dealt with; or ask "
            "the requester what is wrong."
        )
    if dsr.kind == R.ERASURE:
        return _("Run or schedule the erasure, or refuse it.")
    return _("Prepare the copy, or mark it delivered by other means.")


def _closed(dsr: DataSubjectRequest, now: datetime) -> str:
    if dsr.settled_by_id or dsr.closed_because == R.SETTLED_BY_ERASURE:
        return settlement.reason(dsr) or _("Nothing: settled by an erasure.")
    if dsr.kind in PROCESSING_KINDS and dsr.in_force:
        if dsr.lift_after is not None:
            if now >= dsr.lift_after:
                return _("In force; the member was told it ends: lift it now.")
            return _("In force until %(date)s, as the member was told; lift it then.") % {
                "date": in_words.moment(dsr.lift_after)
            }
        if dsr.kind == R.RESTRICTION:
            return _("In force. To lift it, first tell the member when it ends.")
        return _("In force.")
    return _("Nothing: it is closed.")


def next_step(dsr: DataSubjectRequest, now: datetime | None = None) -> str:
    """One line: what happens next on ``dsr``, and who does it."""
    now = now or timezone.now()
    if not dsr.is_open:
        return _closed(dsr, now)
    line = _waiting(dsr)
    if line is None:
        line = _decide(dsr) if dsr.status in DECIDABLE else _("Nothing to do now.")
    if legal_clock.is_overdue(dsr, now):
        return _("Overdue. %(step)s") % {"step": line}
    return line
