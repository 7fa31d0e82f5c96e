"""When staff may act on a data subject request: the queue's rules, apart from what the actions do.

Each staff action has a name, a test of whether the request's present state allows it, and a
sentence saying why not when it does not. The actions (:mod:`wagtail_gdpr.staff.actions`) check
these under the request's lock; the admin asks them which buttons to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from wagtail_gdpr.clarification import awaits_confirmation
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest
#: States in which staff may act on a request: open, and no worker is on it.
ACTIONABLE = (R.QUEUED, R.IN_REVIEW, R.SCHEDULED, R.FAILED)
#: States in which staff may decide: open, no worker on it, nobody else to wait for.
DECIDABLE = (R.QUEUED, R.IN_REVIEW, R.FAILED)
COPY_KINDS = (R.ACCESS, R.PORTABILITY)
PROCESSING_KINDS = (R.RESTRICTION, R.OBJECTION)

# The actions' names, in the order their buttons appear.
ASSIGN = "assign"
LINK_MEMBER = "link_member"
VERIFY = "verify"
REQUEST_IDENTITY = "request_identity"
ASK_REQUESTER = "ask_requester"
RECORD_ANSWER = "record_answer"
REMIND_REQUESTER = "remind_requester"
EXTEND = "extend"
APPROVE = "approve"
REJECT = "reject"
ACCEPT_PROCESSING = "accept_processing"
ANNOUNCE_LIFT = "announce_lift"
LIFT_PROCESSING = "lift_processing"
MAKE_COPY = "make_copy"
RUN_ERASURE = "run_erasure"
SCHEDULE_ERASURE = "schedule_erasure"
DELIVER = "deliver"
CLOSE = "close"
REFUSE = "refuse"
ADD_NOTE = "add_note"


class ActionRefused(Refused):
    """The action is not possible now; ``message`` says why, for staff to read."""


def _reviewing_correction(dsr) -> bool:
    return dsr.kind == R.RECTIFICATION and dsr.status == R.IN_REVIEW


def _ends_another_way(dsr) -> bool:
    """A copy is delivered, an erasure run or refused: they are not simply closed."""
    return dsr.kind in (*COPY_KINDS, R.ERASURE)


def _can_extend(dsr, now) -> bool:
    return (
        dsr.is_open
        and not legal_clock.is_paused(dsr)
        and dsr.extended_until is None
        and dsr.due_at is not None
        and now <= dsr.due_at
    )


def _can_erase(dsr, now) -> bool:
    return dsr.kind == R.ERASURE and dsr.status in ACTIONABLE and dsr.member_id is not None


def _can_remind(dsr, now) -> bool:
    """Something is awaited from the requester, and there is an address to remind them at."""
    waiting = dsr.status == R.WAITING_FOR_MEMBER or (
        dsr.status == R.UNVERIFIED and not awaits_confirmation(dsr)
    )
    return waiting and bool(dsr.contact_email)


def _can_lift(dsr, now) -> bool:
    """An objection may end at once; a restriction on the date the member was told of."""
    in_force = dsr.kind in PROCESSING_KINDS and dsr.status == R.DONE and dsr.in_force
    if dsr.kind == R.RESTRICTION:
        return in_force and dsr.lift_after is not None and now >= dsr.lift_after
    return in_force


@dataclass(frozen=True)
class Rule:
    name: str
    #: ``possible(dsr, now)``: whether the request's present state allows the action.
    possible: Callable
    #: Why it is not possible now, when a request's state does not allow it.
    not_now: str = gettext_lazy("This is not possible in the request's present state.")


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in [
        Rule(
            ASSIGN,
            lambda dsr, now: dsr.is_open,
        ),
        Rule(
            LINK_MEMBER,
            lambda dsr, now: dsr.is_open and dsr.member_id is None and dsr.status != R.RUNNING,
            gettext_lazy("Only an open request that no account is linked to can be linked."),
        ),
        Rule(
            VERIFY,
            lambda dsr, now: dsr.status == R.UNVERIFIED,
            gettext_lazy("This request is not waiting for an identity check."),
        ),
        Rule(
            REQUEST_IDENTITY,
            lambda dsr, now: dsr.status in ACTIONABLE,
        ),
        Rule(
            ASK_REQUESTER,
            lambda dsr, now: dsr.status in DECIDABLE,
            gettext_lazy("Questions can be asked of an open request that nobody else is on."),
        ),
        Rule(
            RECORD_ANSWER,
            lambda dsr, now: dsr.status == R.WAITING_FOR_MEMBER,
            gettext_lazy("This request is not waiting for the requester's answer."),
        ),
        Rule(
            REMIND_REQUESTER,
            _can_remind,
            gettext_lazy(
                "A reminder is for a requester we wait for (an answer or proof of identity) and "
                "can email."
            ),
        ),
        Rule(
            EXTEND,
            _can_extend,
            gettext_lazy("The deadline of this request cannot be extended now."),
        ),
        Rule(
            APPROVE,
            lambda dsr, now: _reviewing_correction(dsr),
            gettext_lazy("This correction is no longer waiting for review."),
        ),
        Rule(
            REJECT,
            lambda dsr, now: _reviewing_correction(dsr),
            gettext_lazy("This correction is no longer waiting for review."),
        ),
        Rule(
            ACCEPT_PROCESSING,
            lambda dsr, now: (
                dsr.kind in PROCESSING_KINDS
                and dsr.status in (R.QUEUED, R.IN_REVIEW)
                and dsr.member_id is not None
            ),
            gettext_lazy(
                "Only an open restriction or objection linked to a member can be accepted."
            ),
        ),
        Rule(
            ANNOUNCE_LIFT,
            lambda dsr, now: (
                dsr.kind == R.RESTRICTION
                and dsr.status == R.DONE
                and dsr.in_force
                and dsr.lift_after is None
                and dsr.settled_by_id is None  # nobody left to tell after an erasure
            ),
            gettext_lazy("Only a restriction in force whose end was not announced yet."),
        ),
        Rule(
            LIFT_PROCESSING,
            _can_lift,
            gettext_lazy(
                "Only an accepted objection, or a restriction on or after the date the member "
                "was told of, can be lifted."
            ),
        ),
        Rule(
            MAKE_COPY,
            lambda dsr, now: (
                dsr.kind in COPY_KINDS
                and dsr.status in (R.IN_REVIEW, R.FAILED)
                and dsr.member_id is not None
            ),
            gettext_lazy(
                "A copy can be prepared for a request linked to a member, waiting for staff."
            ),
        ),
        Rule(
            RUN_ERASURE,
            _can_erase,
            gettext_lazy("This erasure cannot be run now."),
        ),
        Rule(
            SCHEDULE_ERASURE,
            _can_erase,
            gettext_lazy("This erasure cannot be scheduled now."),
        ),
        Rule(
            DELIVER,
            lambda dsr, now: dsr.kind in COPY_KINDS and dsr.status in ACTIONABLE,
            gettext_lazy("Only an open request for a copy of data can be marked delivered."),
        ),
        Rule(
            CLOSE,
            lambda dsr, now: dsr.is_open and dsr.status != R.RUNNING,
            gettext_lazy("Only an open request that no worker is on can be closed."),
        ),
        Rule(
            REFUSE,
            lambda dsr, now: (
                (dsr.status in ACTIONABLE or dsr.status in (R.UNVERIFIED, R.WAITING_FOR_MEMBER))
                and not _reviewing_correction(dsr)
            ),
            gettext_lazy("This request can no longer be refused."),
        ),
        Rule(
            ADD_NOTE,
            lambda dsr, now: True,
        ),
    ]
}


def closing_reasons(dsr: DataSubjectRequest | None = None) -> list[str]:
    """The reasons ``dsr`` may be closed for; all of them without a request (bulk closing).

    "Dealt with" is not one for a copy, an erasure or a proposed correction: those are
    delivered, run, approved or refused.
    """
    reasons = [R.DEALT_WITH, R.WITHDRAWN, R.DUPLICATE, R.NOT_A_REQUEST]
    if dsr is not None and (_ends_another_way(dsr) or _reviewing_correction(dsr)):
        reasons.remove(R.DEALT_WITH)
    return reasons


def is_possible(name: str, dsr: DataSubjectRequest, now: datetime | None = None) -> bool:
    return bool(RULES[name].possible(dsr, now or timezone.now()))


def require(dsr: DataSubjectRequest, name: str, now: datetime | None = None) -> None:
    """Raise :class:`ActionRefused` with the rule's reason when ``name`` is not possible now."""
    if not is_possible(name, dsr, now):
        raise ActionRefused(str(RULES[name].not_now))


def available_actions(dsr: DataSubjectRequest, now: datetime | None = None) -> list[str]:
    """The actions staff may take on ``dsr`` in its present state, in button order."""
    now = now or timezone.now()
    return [name for name in RULES if is_possible(name, dsr, now)]
