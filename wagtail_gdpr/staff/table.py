"""The one table of staff actions: what each is called, what it asks for and what it does.

The admin builds the queue's buttons and forms from :data:`ACTIONS` and calls
:meth:`StaffAction.perform`; whether an action is possible comes from
:mod:`wagtail_gdpr.staff.rules`, what it does from :mod:`wagtail_gdpr.staff.actions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.staff import actions, rules
from wagtail_gdpr.staff.rules import (
    ACCEPT_PROCESSING,
    APPROVE,
    ASSIGN,
    CLOSE,
    DELIVER,
    EXTEND,
    LIFT_PROCESSING,
    REFUSE,
    REJECT,
    REQUEST_IDENTITY,
    RUN_ERASURE,
    SCHEDULE_ERASURE,
    VERIFY,
)

MAX_REASON_LENGTH = actions.MAX_REASON_LENGTH

# How an action's button looks: its main step, another step, or one that cannot be undone.
PRIMARY = "primary"
SECONDARY = "secondary"
DESTRUCTIVE = "destructive"

# What an action asks staff for, by kind of input.
STAFF_MEMBER = "staff member"
DATE = "date"
DATE_TIME = "date and time"
REASON = "reason"  # required; the member reads it
NOTE = "note"  # optional; for the record


@dataclass(frozen=True)
class Input:
    """One thing an action asks for."""

    name: str
    kind: str
    label: str
    help_text: str = ""


@dataclass(frozen=True)
class StaffAction:
    name: str
    #: The button.
    label: str
    #: The heading of the action's page.
    title: str
    explanation: str
    #: Shown once it is done.
    done: str
    #: ``run(dsr, user, **inputs)``: the service that does it.
    run: Callable
    inputs: tuple[Input, ...] = ()
    look: str = SECONDARY
    #: ``initial(dsr, user)``: the values its form starts with.
    initial: Callable = field(default=lambda dsr, user: {})

    def is_possible(self, dsr, now: datetime | None = None) -> bool:
        return rules.is_possible(self.name, dsr, now)

    def perform(self, dsr, user, data: dict):
        """Run the action with the values of its inputs; raises :class:`rules.ActionRefused`."""
        return self.run(dsr, user, **{i.name: data.get(i.name) for i in self.inputs})


def _initial_assignee(dsr, user) -> dict:
    return {"assignee": dsr.assignee_id or user.pk}


def _initial_extension(dsr, user) -> dict:
    latest = legal_clock.latest_extension(dsr)
    return {"until": latest.date()} if latest else {}  # the most the law allows


def _initial_schedule(dsr, user) -> dict:
    when = timezone.localtime() + timedelta(days=1)
    return {"when": when.replace(minute=0, second=0, microsecond=0)}


_REASON_READ = gettext_lazy("Reason (the member reads it)")
_NOTE = Input(
    "note",
    NOTE,
    gettext_lazy("Note for the record"),
    gettext_lazy("What was done. Staff see it; keep personal data out of it."),
)

ACTIONS: dict[str, StaffAction] = {
    action.name: action
    for action in [
        StaffAction(
            ASSIGN,
            gettext_lazy("Assign"),
            gettext_lazy("Assign the request"),
            gettext_lazy("Give the request to someone who works the queue."),
            gettext_lazy("Request assigned."),
            run=lambda dsr, user, assignee: actions.assign(dsr, user, assignee),
            inputs=(Input("assignee", STAFF_MEMBER, gettext_lazy("Assign to")),),
            initial=_initial_assignee,
        ),
        StaffAction(
            VERIFY,
            gettext_lazy("Verify identity"),
            gettext_lazy("Confirm the requester's identity"),
            gettext_lazy(
                "You have checked that the requester is who they say they are. The legal clock "
                "starts now, or goes on where it stopped."
            ),
            gettext_lazy("Identity verified; the clock runs."),
            run=lambda dsr, user: actions.verify_identity(dsr, user),
            look=PRIMARY,
        ),
        StaffAction(
            REQUEST_IDENTITY,
            gettext_lazy("Ask for proof of identity"),
            gettext_lazy("Wait for proof of identity"),
            gettext_lazy(
                "You need more information to be sure who the requester is (GDPR Art. 12(6)). "
                "The legal clock stands still until you verify the identity. Contact the "
                "requester yourself and say what you need."
            ),
            gettext_lazy("The clock is paused until the identity is verified."),
            run=lambda dsr, user: actions.request_identity(dsr, user),
        ),
        StaffAction(
            EXTEND,
            gettext_lazy("Extend deadline"),
            gettext_lazy("Extend the deadline"),
            gettext_lazy(
                "Once only, by two months at most, when the request is complex or there are "
                "many (GDPR Art. 12(3)). The member is emailed the new date and your reason."
            ),
            gettext_lazy("Deadline extended; the member is told why."),
            run=lambda dsr, user, until, reason: actions.extend(dsr, user, until, reason),
            inputs=(
                Input("until", DATE, gettext_lazy("New due date")),
                Input(
                    "reason", REASON, gettext_lazy("Reason for the extension (the member reads it)")
                ),
            ),
            initial=_initial_extension,
        ),
        StaffAction(
            APPROVE,
            gettext_lazy("Approve correction"),
            gettext_lazy("Approve the correction"),
            gettext_lazy(
                "The proposed value replaces the value now held, and the member is emailed."
            ),
            gettext_lazy("Correction applied; the member is told."),
            run=lambda dsr, user: actions.approve_correction(dsr, user),
            look=PRIMARY,
        ),
        StaffAction(
            REJECT,
            gettext_lazy("Reject correction"),
            gettext_lazy("Reject the correction"),
            gettext_lazy("The member is emailed your reason."),
            gettext_lazy("Correction rejected; the member is told why."),
            run=lambda dsr, user, reason: actions.reject_correction(dsr, user, reason),
            inputs=(Input("reason", REASON, _REASON_READ),),
            look=DESTRUCTIVE,
        ),
        StaffAction(
            ACCEPT_PROCESSING,
            gettext_lazy("Accept"),
            gettext_lazy("Accept the restriction or objection"),
            gettext_lazy(
                "From now on the purpose it names may not run for this member: "
                "processing_allowed() answers no. The member is told."
            ),
            gettext_lazy("Restriction or objection accepted."),
            run=lambda dsr, user: actions.accept_processing(dsr, user),
            look=PRIMARY,
        ),
        StaffAction(
            LIFT_PROCESSING,
            gettext_lazy("Lift"),
            gettext_lazy("Lift the restriction or objection"),
            gettext_lazy("The purpose may run again for this member. The member is told."),
            gettext_lazy("Restriction or objection lifted."),
            run=lambda dsr, user: actions.lift_processing(dsr, user),
        ),
        StaffAction(
            RUN_ERASURE,
            gettext_lazy("Run erasure now"),
            gettext_lazy("Run the erasure now"),
            gettext_lazy(
                "The member's data is erased as the plan says, and the receipt emailed. "
                "This cannot be undone."
            ),
            gettext_lazy(
                "The erasure has started; the member is sent the receipt when it is done."
            ),
            run=lambda dsr, user: actions.run_erasure_now(dsr, user),
            look=DESTRUCTIVE,
        ),
        StaffAction(
            SCHEDULE_ERASURE,
            gettext_lazy("Schedule erasure"),
            gettext_lazy("Schedule the erasure"),
            gettext_lazy("The erasure is carried out at the time you choose, before it is due."),
            gettext_lazy("Erasure scheduled."),
            run=lambda dsr, user, when: actions.schedule_erasure(dsr, user, when),
            inputs=(Input("when", DATE_TIME, gettext_lazy("Carry out the erasure at")),),
            initial=_initial_schedule,
        ),
        StaffAction(
            DELIVER,
            gettext_lazy("Mark delivered"),
            gettext_lazy("Mark the copy delivered by other means"),
            gettext_lazy(
                "The member received their data another way (by post, in person). "
                "The request is completed."
            ),
            gettext_lazy("Request marked delivered."),
            run=lambda dsr, user, note: actions.mark_delivered(dsr, user, note or ""),
            inputs=(_NOTE,),
        ),
        StaffAction(
            CLOSE,
            gettext_lazy("Close"),
            gettext_lazy("Close the request"),
            gettext_lazy("The request has been dealt with. The request is completed."),
            gettext_lazy("Request closed."),
            run=lambda dsr, user, note: actions.close(dsr, user, note or ""),
            inputs=(_NOTE,),
        ),
        StaffAction(
            REFUSE,
            gettext_lazy("Refuse"),
            gettext_lazy("Refuse the request"),
            gettext_lazy(
                "The member is emailed your reason, and told they may complain to the "
                "supervisory authority or go to court (GDPR Art. 12(4))."
            ),
            gettext_lazy("Request refused; the member is told why."),
            run=lambda dsr, user, reason: actions.refuse(dsr, user, reason),
            inputs=(Input("reason", REASON, _REASON_READ),),
            look=DESTRUCTIVE,
        ),
    ]
}
