"""A request as its requester follows it: what was asked, where it stands, when the answer is
due, what happens next, and how it ended; and what they and staff said to each other.

Everything here is in words a member reads: no codes, ids or stored values. Staff see the same
"what was asked" on the request's page, so both read one story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wagtail_gdpr import clarification, rectification, restriction_objection
from wagtail_gdpr.connectors import in_words as connector_words
from wagtail_gdpr.requests import in_words, legal_clock, notes
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest


@dataclass
class Following:
    """One request, as its page shows it."""

    dsr: DataSubjectRequest
    asked: list[tuple[str, str]]
    status: str
    received: str
    due: str
    next_step: str
    outcome: str
    extension_reason: str = ""
    messages: list = field(default_factory=list)
    #: The requester may answer a question now, in the privacy centre.
    can_answer: bool = False
    #: ... and choose what a restriction or objection covers with it.
    needs_purpose: bool = False
    #: The company's other systems on this request, and where each one stands, in words.
    connected_systems: list = field(default_factory=list)


def _purpose(dsr: DataSubjectRequest) -> str:
    if not dsr.purpose:
        return _("not said yet")
    return restriction_objection.purpose_name(dsr.purpose)


def what_was_asked(dsr: DataSubjectRequest) -> list[tuple[str, str]]:
    """``(label, text)`` lines: the request as the requester made it."""
    payload = dsr.payload or {}
    kinds = {
        R.ACCESS: _("A copy of your data"),
        R.PORTABILITY: _("Your data, in a form you can take elsewhere"),
        R.RECTIFICATION: _("A correction of your data"),
        R.ERASURE: _("That we delete your data"),
        R.RESTRICTION: _("That we keep your data but stop using it for a while"),
        R.OBJECTION: _("That we stop using your data, because of your situation"),
    }
    lines = [(_("You asked for"), str(kinds.get(dsr.kind, dsr.get_kind_display())))]
    if dsr.kind in restriction_objection.KINDS:
        lines.append((_("For"), _purpose(dsr)))
    correction = rectification.proposal(dsr)
    if correction:
        lines.append((_("What"), correction["label"]))
        lines.append((_("From"), rectification.shown(correction["old"])))
        lines.append((_("To"), rectification.shown(correction["new"])))
    if payload.get("reason"):
        lines.append((_("Your reason"), str(payload["reason"])))
    if payload.get("message"):
        lines.append((_("Your message"), str(payload["message"])))
    if dsr.received_via not in (R.ONLINE, ""):
        lines.append((_("Received by"), str(dsr.get_received_via_display())))
    return lines


def _due(dsr: DataSubjectRequest) -> str:
    if not dsr.is_open:
        return ""
    due = legal_clock.effective_due(dsr)
    if due is None:
        if legal_clock.is_paused(dsr):
            return _("Once we know the request is yours, we have one month to answer.")
        return ""
    return in_words.day(due)


def next_step(dsr: DataSubjectRequest, now: datetime | None = None) -> str:
    """What happens next, for the requester."""
    now = now or timezone.now()
    if dsr.status == R.UNVERIFIED:
        return _(
            "We need to be sure the request is yours. We will contact you; please answer us, "
            "and we go on."
        )
    if dsr.status == R.WAITING_FOR_MEMBER:
        return _("We asked you something (see below). We go on once you have answered.")
    if dsr.status in (R.QUEUED, R.RUNNING) and dsr.kind in (R.ACCESS, R.PORTABILITY):
        return _("We are preparing your copy and email you when it is ready.")
    if dsr.status in (R.QUEUED, R.RUNNING) and dsr.kind == R.ERASURE:
        return _("We are deleting your data now, and email you a receipt.")
    if dsr.status == R.SCHEDULED:
        return _("Your data will be deleted after %(when)s. Until then you can cancel.") % {
            "when": in_words.moment(dsr.execute_after)
        }
    if dsr.status in (R.IN_REVIEW, R.QUEUED):
        texts = {
            R.RECTIFICATION: _("Our staff check the correction and make it, or tell you why not."),
            R.ERASURE: _(
                "Our staff check what the law makes us keep, then delete the rest and email "
                "you a receipt."
            ),
            R.RESTRICTION: _("Our staff decide and email you what they decided."),
            R.OBJECTION: _("Our staff decide and email you what they decided."),
        }
        return str(texts.get(dsr.kind, _("Our staff prepare your copy and email you.")))
    if dsr.status == R.FAILED:
        return _("Something went wrong on our side. Our staff are putting it right.")
    if dsr.status == R.DONE and dsr.in_force:
        if dsr.lift_after is not None and now < dsr.lift_after:
            return _("We told you we will lift it on %(date)s.") % {
                "date": in_words.day(dsr.lift_after)
            }
        if dsr.kind == R.RESTRICTION:
            return _("It stays in force. We will tell you before we lift it.")
        return _("It stays in force.")
    if dsr.status == R.REFUSED:
        return _(
            "If you disagree, you may complain to the data protection supervisory authority, "
            "or go to court."
        )
    return _("Nothing more: this request is closed.")


def outcome(dsr: DataSubjectRequest) -> str:
    """How it ended, in one sentence; "" while it is open."""
    if dsr.is_open:
        return ""
    when = in_words.day(dsr.completed_at)
    if dsr.status == R.REFUSED:
        return _("We refused it on %(date)s. Our reason: %(reason)s") % {
            "date": when,
            "reason": dsr.refusal_reason,
        }
    if dsr.status == R.CANCELLED:
        reasons = {
            R.WITHDRAWN: _("Cancelled on %(date)s: you withdrew it."),
            R.DUPLICATE: _("Cancelled on %(date)s: it repeated another of your requests."),
            R.NOT_A_REQUEST: _(
                "Cancelled on %(date)s: it was not a request about your personal data."
            ),
            R.SETTLED_BY_ERASURE: _("Cancelled on %(date)s: your data was deleted."),
        }
        text = reasons.get(dsr.closed_because, _("Cancelled on %(date)s."))
        return text % {"date": when}
    decision = (dsr.outcome or {}).get("decision", "")
    if dsr.kind in restriction_objection.KINDS:
        lifted = parse_datetime((dsr.outcome or {}).get("lifted_at") or "")
        if lifted and not dsr.in_force:
            return _("We accepted it, and lifted it on %(date)s.") % {"date": in_words.day(lifted)}
        if dsr.in_force and dsr.purpose == restriction_objection.ALL:
            return _("Accepted on %(date)s: it covers everything we do with your data.") % {
                "date": when
            }
        if dsr.in_force:
            return _("Accepted on %(date)s: it covers “%(purpose)s”.") % {
                "date": when,
                "purpose": _purpose(dsr),
            }
    if dsr.kind == R.RECTIFICATION:
        if decision == "applied directly":
            return _("You corrected it yourself on %(date)s.") % {"date": when}
        if decision == "approved":
            return _("We made the correction on %(date)s.") % {"date": when}
    if dsr.kind in (R.ACCESS, R.PORTABILITY):
        if decision == "delivered by other means":
            return _("We gave you your data another way (for example by post) on %(date)s.") % {
                "date": when
            }
        return _("Your copy was ready on %(date)s.") % {"date": when}
    if dsr.kind == R.ERASURE:
        return _("Your data was deleted on %(date)s, except what the law makes us keep.") % {
            "date": when
        }
    return _("Completed on %(date)s.") % {"date": when}


def follow(dsr: DataSubjectRequest, now: datetime | None = None) -> Following:
    """Everything the request's page shows its requester."""
    now = now or timezone.now()
    can_answer = dsr.status == R.WAITING_FOR_MEMBER and dsr.member_id is not None
    return Following(
        dsr=dsr,
        asked=what_was_asked(dsr),
        status=in_words.status_for_requester(dsr),
        received=in_words.moment(dsr.received_at),
        due=_due(dsr),
        next_step=next_step(dsr, now),
        outcome=outcome(dsr),
        extension_reason=dsr.extension_reason if dsr.extended_until and dsr.is_open else "",
        messages=notes.for_requester(dsr),
        can_answer=can_answer,
        needs_purpose=can_answer and clarification.needs_purpose(dsr),
        connected_systems=connector_words.for_member(dsr) if dsr.pk else [],
    )
