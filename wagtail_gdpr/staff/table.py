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

from wagtail_gdpr import restriction_objection
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.staff import actions, rules
from wagtail_gdpr.staff.rules import (
    ACCEPT_PROCESSING,
    ADD_NOTE,
    ANNOUNCE_LIFT,
    APPROVE,
    ASK_REQUESTER,
    ASSIGN,
    CLOSE,
    DELIVER,
    EXTEND,
    LIFT_PROCESSING,
    LINK_MEMBER,
    MAKE_COPY,
    RECORD_ANSWER,
    REFUSE,
    REJECT,
    REMIND_REQUESTER,
    REQUEST_IDENTITY,
    RUN_ERASURE,
    SCHEDULE_ERASURE,
    VERIFY,
)
from wagtail_gdpr.tables import DataSubjectRequest

MAX_REASON_LENGTH = actions.MAX_REASON_LENGTH

# How an action's button looks: its main step, another step, or one that cannot be undone.
PRIMARY = "primary"
SECONDARY = "secondary"
DESTRUCTIVE = "destructive"

# What an action asks staff for, by kind of input.
STAFF_MEMBER = "staff member"
MEMBER = "member"  # a member's account, by username or email address
DATE = "date"
DATE_TIME = "date and time"
CHOICE = "choice"  # one of ``choices(dsr)``
REASON = "reason"  # required; the member reads it
TEXT = "text"  # required; for the record, or for the member where the label says so
NOTE = "note"  # optional; for the record


@dataclass(frozen=True)
class Input:
    """One thing an action asks for."""

    name: str
    kind: str
    label: str
    help_text: str = ""
    #: ``choices(dsr)`` for a ``CHOICE``: ``(value, label)`` pairs; ``dsr`` is None in bulk.
    choices: Callable | None = None
    required: bool = True


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
    #: Offered for many requests at once, from the queue's listing.
    bulk: bool = False

    def is_possible(self, dsr, now: datetime | None = None) -> bool:
        return rules.is_possible(self.name, dsr, now)

    def perform(self, dsr, user, data: dict):
        """Run the action with the values of its inputs; raises :class:`rules.ActionRefused`."""
        return self.run(dsr, user, **{i.name: data.get(i.name) for i in self.inputs})

    def perform_many(self, requests, user, data: dict) -> tuple[list, list]:
        """Run the action on each request in turn, each in its own transaction.

        Returns ``(done, refused)``: the requests it was done to, and ``(request, why)`` for
        the others, so that one refusal does not stop the rest.
        """
        done, refused = [], []
        for dsr in requests:
            try:
                self.perform(dsr, user, data)
            except rules.ActionRefused as exc:
                refused.append((dsr, exc.message))
            else:
                done.append(dsr)
        return done, refused


def _initial_assignee(dsr, user) -> dict:
    return {"assignee": dsr.assignee_id or user.pk}


def _initial_extension(dsr, user) -> dict:
    latest = legal_clock.latest_extension(dsr)
    return {"until": latest.date()} if latest else {}  # the most the law allows


def _initial_schedule(dsr, user) -> dict:
    when = timezone.localtime() + timedelta(days=1)
    return {"when": when.replace(minute=0, second=0, microsecond=0)}


def _initial_purpose(dsr, user) -> dict:
    return {"purpose": dsr.purpose} if dsr.purpose else {}


def _initial_lift(dsr, user) -> dict:
    return {"when": timezone.localdate(restriction_objection.earliest_lift()) + timedelta(days=1)}


def _purposes(dsr) -> list:
    kind = dsr.kind if dsr is not None else None
    return restriction_objection.purpose_choices(kind)


def _closing_reasons(dsr) -> list:
    """The reasons ``dsr`` may be closed for; for many requests, a choice nobody makes by
    default."""
    labels = dict(DataSubjectRequest.CLOSING_REASONS)
    choices = [(reason, labels[reason]) for reason in rules.closing_reasons(dsr)]
    return choices if dsr is not None else [("", "—"), *choices]


_REASON_READ = gettext_lazy("Reason (the member reads it)")
_NOTE_HELP = gettext_lazy(
    "Staff see it. The member can see it in a copy of their data; an erasure empties it."
)
_NOTE = Input("note", NOTE, gettext_lazy("Note for the record"), _NOTE_HELP, required=False)

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
            inputs=(Input("assignee", STAFF_MEMBER, gettext_lazy("Assign to"), required=False),),
            initial=_initial_assignee,
            bulk=True,
        ),
        StaffAction(
            LINK_MEMBER,
            gettext_lazy("Link to a member"),
            gettext_lazy("Link the request to a member's account"),
            gettext_lazy(
                "You have found out whose request it is. Linking it lets you act on the "
                "member's data; check the requester's identity as well."
            ),
            gettext_lazy("Request linked to the member's account."),
            run=lambda dsr, user, member: actions.link_member(dsr, user, member),
            inputs=(
                Input(
                    "member",
                    MEMBER,
                    gettext_lazy("The member's username or email address"),
                ),
            ),
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
            ASK_REQUESTER,
            gettext_lazy("Ask the requester"),
            gettext_lazy("Ask the requester"),
            gettext_lazy(
                "Ask for what the request lacks, such as which use of their data they mean. They "
                "are emailed your question, and a member can answer it in the privacy centre. "
                "The request waits for the answer; the legal clock keeps running unless the "
                "site's settings say your law stops it."
            ),
            gettext_lazy("Question sent; the request waits for the answer."),
            run=lambda dsr, user, question: actions.ask_requester(dsr, user, question),
            inputs=(
                Input("question", TEXT, gettext_lazy("Your question (the requester reads it)")),
            ),
        ),
        StaffAction(
            RECORD_ANSWER,
            gettext_lazy("Record the answer"),
            gettext_lazy("Record the requester's answer"),
            gettext_lazy(
                "The requester answered by post, phone or email. What you write is kept with the "
                "request, and the request comes back to staff."
            ),
            gettext_lazy("Answer recorded; the request is back with staff."),
            run=lambda dsr, user, answer: actions.record_answer(dsr, user, answer),
            inputs=(Input("answer", TEXT, gettext_lazy("What the requester answered")),),
            look=PRIMARY,
        ),
        StaffAction(
            REMIND_REQUESTER,
            gettext_lazy("Remind the requester"),
            gettext_lazy("Remind the requester"),
            gettext_lazy(
                "The requester is emailed that we still wait for them: for their answer, or for "
                "proof of identity."
            ),
            gettext_lazy("Reminder sent."),
            run=lambda dsr, user: actions.remind_requester(dsr, user),
            bulk=True,
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
                "From now on the site does not use the member's data for the purpose you "
                "choose. The member is emailed the decision."
            ),
            gettext_lazy("Restriction or objection accepted."),
            run=lambda dsr, user, purpose: actions.accept_processing(dsr, user, purpose),
            inputs=(
                Input(
                    "purpose",
                    CHOICE,
                    gettext_lazy("What it covers"),
                    gettext_lazy(
                        "The member's choice, if they made one. If you do not know which they "
                        "mean, ask the requester instead."
                    ),
                    choices=_purposes,
                ),
            ),
            initial=_initial_purpose,
            look=PRIMARY,
        ),
        StaffAction(
            ANNOUNCE_LIFT,
            gettext_lazy("Announce lifting"),
            gettext_lazy("Tell the member the restriction will be lifted"),
            gettext_lazy(
                "The member must be told before a restriction is lifted (GDPR Art. 18(3)). They "
                "are emailed the date and your reason; from that date you can lift it."
            ),
            gettext_lazy("The member is told when the restriction will be lifted."),
            run=lambda dsr, user, when, reason: actions.announce_lift(dsr, user, when, reason),
            inputs=(
                Input("when", DATE, gettext_lazy("Lifted from")),
                Input("reason", REASON, gettext_lazy("Why it ends (the member reads it)")),
            ),
            initial=_initial_lift,
        ),
        StaffAction(
            LIFT_PROCESSING,
            gettext_lazy("Lift"),
            gettext_lazy("Lift the restriction or objection"),
            gettext_lazy(
                "The site may use the member's data for this purpose again. The member is told."
            ),
            gettext_lazy("Restriction or objection lifted."),
            run=lambda dsr, user: actions.lift_processing(dsr, user),
        ),
        StaffAction(
            MAKE_COPY,
            gettext_lazy("Prepare the copy"),
            gettext_lazy("Prepare the member's copy"),
            gettext_lazy(
                "A worker puts together the member's data, as for a copy asked for in the "
                "privacy centre, and emails them when it is ready."
            ),
            gettext_lazy("The copy is being prepared; the member is emailed when it is ready."),
            run=lambda dsr, user: actions.make_copy(dsr, user),
            look=PRIMARY,
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
            gettext_lazy(
                "Dealt with: the request is completed. Withdrawn, a duplicate, or not about "
                "personal data: it is cancelled. The member sees which."
            ),
            gettext_lazy("Request closed."),
            run=lambda dsr, user, reason, note: actions.close(dsr, user, note or "", reason=reason),
            inputs=(
                Input("reason", CHOICE, gettext_lazy("Why"), choices=_closing_reasons),
                _NOTE,
            ),
            bulk=True,
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
        StaffAction(
            ADD_NOTE,
            gettext_lazy("Add note"),
            gettext_lazy("Add an internal note"),
            gettext_lazy("A note for staff, kept with the request's history."),
            gettext_lazy("Note added."),
            run=lambda dsr, user, note: actions.add_note(dsr, user, note),
            inputs=(Input("note", TEXT, gettext_lazy("Note"), _NOTE_HELP),),
        ),
    ]
}

#: The actions offered for many requests at once, in button order.
BULK_ACTIONS = [name for name, action in ACTIONS.items() if action.bulk]
