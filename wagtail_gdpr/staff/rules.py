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

from wagtail_gdpr.errors import Refused
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest
#: States in which staff may act on a request: open, and no worker is on it.
ACTIONABLE = (R.QUEUED, R.IN_REVIEW, R.SCHEDULED, R.FAILED)
COPY_KINDS = (R.ACCESS, R.PORTABILITY)
PROCESSING_KINDS = (R.RESTRICTION, R.OBJECTION)

# The actions' names, in the order their buttons appear.
ASSIGN = "assign"
VERIFY = "verify"
REQUEST_IDENTITY = "request_identity"
EXTEND = "extend"
APPROVE = "approve"
REJECT = "reject"
ACCEPT_PROCESSING = "accept_processing"
LIFT_PROCESSING = "lift_processing"
RUN_ERASURE = "run_erasure"
SCHEDULE_ERASURE = "schedule_erasure"
DELIVER = "deliver"
CLOSE = "close"
REFUSE = "refuse"


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
            VERIFY,
            lambda dsr, now: dsr.status == R.UNVERIFIED,
            gettext_lazy("This request is not waiting for an identity check."),
        ),
        Rule(
            REQUEST_IDENTITY,
            lambda dsr, now: dsr.status in ACTIONABLE,
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
            LIFT_PROCESSING,
            lambda dsr, now: dsr.kind in PROCESSING_KINDS and dsr.status == R.DONE and dsr.in_force,
            gettext_lazy("Only an accepted restriction or objection can be lifted."),
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
            lambda dsr, now: (
                dsr.status in ACTIONABLE
                and not _ends_another_way(dsr)
                and not _reviewing_correction(dsr)
            ),
            gettext_lazy(
                "This request cannot be closed: deliver, run, approve or refuse it instead."
            ),
        ),
        Rule(
            REFUSE,
            lambda dsr, now: (
                (dsr.status in ACTIONABLE or dsr.status == R.UNVERIFIED)
                and not _reviewing_correction(dsr)
            ),
            gettext_lazy("This request can no longer be refused."),
        ),
    ]
}


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
