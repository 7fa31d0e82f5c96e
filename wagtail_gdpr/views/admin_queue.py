"""The staff request queue in the Wagtail admin: thin callers of ``wagtail_gdpr.queue``.

The listing and inspect views are wagtail-modeladmin's, adapted; each action has a page with its
form (GET) and does its work on POST. Every URL needs ``wagtail_gdpr.manage_requests``; others
get a plain 403, not Wagtail's redirect, so nothing suggests the page is there for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.utils import quote
from django.db.models import Q
from django.http import FileResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput
from wagtail.log_actions import registry as log_registry
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.views import IndexView, InspectView

from wagtail_gdpr import deadlines, queue, rectification
from wagtail_gdpr.models import DataSubjectRequest
from wagtail_gdpr.views.admin_corrections import managers_only

# -- who may see the queue -----------------------------------------------------------------------


class QueuePermissionHelper(PermissionHelper):
    """The queue needs ``manage_requests``; nobody adds, edits or deletes a request here."""

    def user_can_list(self, user):
        return queue.can_manage(user)

    def user_can_inspect_obj(self, user, obj):
        return queue.can_manage(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


# -- the actions' buttons and forms --------------------------------------------------------------


class NoFields(forms.Form):
    """A confirmation: the button is the whole form."""


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"),
        queryset=DataSubjectRequest.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = queue.staff_members().order_by("username")


class ExtendForm(forms.Form):
    until = forms.DateField(label=gettext_lazy("New due date"), widget=AdminDateInput())
    reason = forms.CharField(
        label=gettext_lazy("Reason for the extension (the member reads it)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=queue.MAX_REASON_LENGTH,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the member reads it)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=queue.MAX_REASON_LENGTH,
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the record"),
        help_text=gettext_lazy("What was done. Staff see it; keep personal data out of it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=queue.MAX_REASON_LENGTH,
        required=False,
    )


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=gettext_lazy("Carry out the erasure at"), widget=AdminDateTimeInput()
    )


@dataclass
class Action:
    name: str
    label: str
    title: str
    explanation: str
    form_class: type[forms.Form]
    done: str
    #: The button's look: "" (primary), "button-secondary" or "no" (destructive).
    style: str = "button-secondary"

    def perform(self, dsr, user, data):
        return PERFORM[self.name](dsr, user, data)


PERFORM = {
    queue.ASSIGN: lambda dsr, user, data: queue.assign(dsr, user, data["assignee"]),
    queue.VERIFY: lambda dsr, user, data: queue.verify_identity(dsr, user),
    queue.REQUEST_IDENTITY: lambda dsr, user, data: queue.request_identity(dsr, user),
    queue.EXTEND: lambda dsr, user, data: queue.extend(dsr, user, data["until"], data["reason"]),
    queue.APPROVE: lambda dsr, user, data: queue.approve_correction(dsr, user),
    queue.REJECT: lambda dsr, user, data: queue.reject_correction(dsr, user, data["reason"]),
    queue.RUN_ERASURE: lambda dsr, user, data: queue.run_erasure_now(dsr, user),
    queue.SCHEDULE_ERASURE: lambda dsr, user, data: queue.schedule_erasure(dsr, user, data["when"]),
    queue.DELIVER: lambda dsr, user, data: queue.mark_delivered(dsr, user, data["note"]),
    queue.ACCEPT_PROCESSING: lambda dsr, user, data: queue.accept_processing(dsr, user),
    queue.LIFT_PROCESSING: lambda dsr, user, data: queue.lift_processing(dsr, user),
    queue.CLOSE: lambda dsr, user, data: queue.close(dsr, user, data["note"]),
    queue.REFUSE: lambda dsr, user, data: queue.refuse(dsr, user, data["reason"]),
}

ACTIONS = {
    action.name: action
    for action in [
        Action(
            queue.ASSIGN,
            gettext_lazy("Assign"),
            gettext_lazy("Assign the request"),
            gettext_lazy("Give the request to someone who works the queue."),
            AssignForm,
            gettext_lazy("Request assigned."),
        ),
        Action(
            queue.VERIFY,
            gettext_lazy("Verify identity"),
            gettext_lazy("Confirm the requester's identity"),
            gettext_lazy(
                "You have checked that the requester is who they say they are. The legal clock "
                "starts now, or goes on where it stopped."
            ),
            NoFields,
            gettext_lazy("Identity verified; the clock runs."),
            style="",
        ),
        Action(
            queue.REQUEST_IDENTITY,
            gettext_lazy("Ask for proof of identity"),
            gettext_lazy("Wait for proof of identity"),
            gettext_lazy(
                "You need more information to be sure who the requester is (GDPR Art. 12(6)). "
                "The legal clock stands still until you verify the identity. Contact the "
                "requester yourself and say what you need."
            ),
            NoFields,
            gettext_lazy("The clock is paused until the identity is verified."),
        ),
        Action(
            queue.EXTEND,
            gettext_lazy("Extend deadline"),
            gettext_lazy("Extend the deadline"),
            gettext_lazy(
                "Once only, by two months at most, when the request is complex or there are "
                "many (GDPR Art. 12(3)). The member is emailed the new date and your reason."
            ),
            ExtendForm,
            gettext_lazy("Deadline extended; the member is told why."),
        ),
        Action(
            queue.APPROVE,
            gettext_lazy("Approve correction"),
            gettext_lazy("Approve the correction"),
            gettext_lazy(
                "The proposed value replaces the value now held, and the member is emailed."
            ),
            NoFields,
            gettext_lazy("Correction applied; the member is told."),
            style="",
        ),
        Action(
            queue.REJECT,
            gettext_lazy("Reject correction"),
            gettext_lazy("Reject the correction"),
            gettext_lazy("The member is emailed your reason."),
            ReasonForm,
            gettext_lazy("Correction rejected; the member is told why."),
            style="no",
        ),
        Action(
            queue.RUN_ERASURE,
            gettext_lazy("Run erasure now"),
            gettext_lazy("Run the erasure now"),
            gettext_lazy(
                "A worker erases the member's data as the plan says, and emails the receipt. "
                "This cannot be undone."
            ),
            NoFields,
            gettext_lazy("The erasure has been handed to a worker."),
            style="no",
        ),
        Action(
            queue.SCHEDULE_ERASURE,
            gettext_lazy("Schedule erasure"),
            gettext_lazy("Schedule the erasure"),
            gettext_lazy("The erasure is carried out at the time you choose, before it is due."),
            ScheduleForm,
            gettext_lazy("Erasure scheduled."),
        ),
        Action(
            queue.DELIVER,
            gettext_lazy("Mark delivered"),
            gettext_lazy("Mark the copy delivered by other means"),
            gettext_lazy(
                "The member received their data another way (by post, in person). "
                "The request is completed."
            ),
            NoteForm,
            gettext_lazy("Request marked delivered."),
        ),
        Action(
            queue.ACCEPT_PROCESSING,
            gettext_lazy("Accept"),
            gettext_lazy("Accept the restriction or objection"),
            gettext_lazy(
                "From now on the purpose it names may not run for this member: "
                "processing_allowed() answers no. The member is told."
            ),
            NoFields,
            gettext_lazy("Restriction or objection accepted."),
            style="",
        ),
        Action(
            queue.LIFT_PROCESSING,
            gettext_lazy("Lift"),
            gettext_lazy("Lift the restriction or objection"),
            gettext_lazy("The purpose may run again for this member. The member is told."),
            NoFields,
            gettext_lazy("Restriction or objection lifted."),
        ),
        Action(
            queue.CLOSE,
            gettext_lazy("Close"),
            gettext_lazy("Close the request"),
            gettext_lazy("The request has been dealt with. The request is completed."),
            NoteForm,
            gettext_lazy("Request closed."),
        ),
        Action(
            queue.REFUSE,
            gettext_lazy("Refuse"),
            gettext_lazy("Refuse the request"),
            gettext_lazy(
                "The member is emailed your reason, and told they may complain to the "
                "supervisory authority or go to court (GDPR Art. 12(4))."
            ),
            ReasonForm,
            gettext_lazy("Request refused; the member is told why."),
            style="no",
        ),
    ]
}


class QueueButtonHelper(ButtonHelper):
    """Inspect, then a button for each action the request's state allows, then the report."""

    def action_button(self, pk, action: Action, classnames_add=None):
        classnames = [action.style] if action.style else []
        return {
            "url": self.url_helper.get_action_url(action.name, quote(pk)),
            "label": action.label,
            "classname": self.finalise_classname(classnames + (classnames_add or [])),
            "title": action.title,
        }

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        exclude = exclude or []
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if not queue.can_manage(self.request.user):
            return buttons
        pk = getattr(obj, self.opts.pk.attname)
        shown = getattr(self.view, "action_buttons", None)  # the listing keeps its rows short
        for name in queue.available_actions(obj):
            if name not in exclude and (shown is None or name in shown):
                buttons.append(self.action_button(pk, ACTIONS[name], classnames_add))
        return buttons


# -- the listing ---------------------------------------------------------------------------------


class DeadlineFilter(SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("week", _("Due within 7 days")),
            ("paused", _("Waiting for identity check")),
            ("open", _("Open")),
            ("closed", _("Closed")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "overdue":
            return deadlines.overdue(now, queryset)
        if value == "week":
            return deadlines.due_within(now, 7, queryset)
        if value == "paused":
            return queryset.filter(status=DataSubjectRequest.UNVERIFIED)
        if value == "open":
            return queryset.filter(status__in=DataSubjectRequest.OPEN_STATUSES)
        if value == "closed":
            return queryset.exclude(status__in=DataSubjectRequest.OPEN_STATUSES)
        return queryset


class AssignedFilter(SimpleListFilter):
    title = gettext_lazy("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("nobody", _("Nobody"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


class QueueIndexView(IndexView):
    #: The actions offered on each row; the request's page offers them all.
    action_buttons = (queue.ASSIGN,)

    def get_search_results(self, request, queryset, search_term):
        """``42`` or ``#42`` also finds request number 42."""
        results = super().get_search_results(request, queryset, search_term)
        number = search_term.strip().lstrip("#")
        if number.isdigit() and len(number) < 16:
            return queryset.filter(Q(pk=int(number)) | Q(pk__in=results.values("pk")))
        return results


# -- one request ---------------------------------------------------------------------------------


def _display(value) -> str:
    """A payload value as text; the template escapes it."""
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return "" if value is None else str(value)


def details_rows(data: dict) -> list[tuple[str, str, bool]]:
    """(key, text, is_structured) for each entry of a request's payload or outcome."""
    return [
        (str(key), _display(value), isinstance(value, dict | list))
        for key, value in (data or {}).items()
    ]


def _log_details(data: dict) -> str:
    shown = {k: v for k, v in (data or {}).items() if k not in ("request_id", "kind")}
    return ", ".join(f"{key}: {value}" for key, value in shown.items())


class QueueInspectView(InspectView):
    """The request's whole story: its facts, details, history, and the erasure plan."""

    def get(self, request, *args, **kwargs):
        # Opening a member's request shows their data: that is processing, and it is logged.
        queue.record_view(self.instance, request.user, "request")
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.instance)

    def get_template_names(self):
        return ["wagtail_gdpr/admin/request_inspect.html"]

    def history(self):
        entries = (
            log_registry.get_logs_for_instance(self.instance)
            .select_related("user")
            .order_by("timestamp", "pk")
        )
        return [
            {
                "timestamp": entry.timestamp,
                "message": entry.message,
                "user": entry.user_display_name,
                "details": _log_details(entry.data),
            }
            for entry in entries
        ]

    def erasure_plan(self, now):
        dsr = self.instance
        if dsr.kind != DataSubjectRequest.ERASURE or dsr.member is None or not dsr.is_open:
            return None
        from wagtail_gdpr import erasure

        return erasure.build_plan(dsr.member, now)

    def correction(self):
        dsr = self.instance
        if dsr.kind != DataSubjectRequest.RECTIFICATION or not dsr.payload.get("field"):
            return None
        found, current = rectification.value_now(dsr)
        return {"found": found, "current": _display(current)}

    def get_context_data(self, **kwargs):
        now = timezone.now()
        dsr = self.instance
        report = getattr(dsr, "report", None) if dsr.kind in queue.COPY_KINDS else None
        left = deadlines.time_left(dsr, now)
        return super().get_context_data(
            dsr=dsr,
            effective_due=deadlines.effective_due(dsr),
            overdue=deadlines.is_overdue(dsr, now),
            paused=deadlines.is_paused(dsr),
            days_left=left.days if left is not None else None,
            latest_extension=deadlines.latest_extension(dsr),
            payload_rows=details_rows(dsr.payload),
            outcome_rows=details_rows(dsr.outcome),
            history=self.history(),
            plan=self.erasure_plan(now),
            correction=self.correction(),
            report=report,
            report_available=bool(report and report.is_available(now)),
            report_url=self.url_helper.get_action_url("report", quote(dsr.pk)),
            **kwargs,
        )


# -- the action pages ----------------------------------------------------------------------------


def _get(instance_pk) -> DataSubjectRequest:
    return get_object_or_404(
        DataSubjectRequest.objects.select_related("member", "assignee"), pk=instance_pk
    )


def _initial(action: Action, dsr, request) -> dict:
    if action.name == queue.ASSIGN:
        return {"assignee": dsr.assignee_id or request.user.pk}
    if action.name == queue.EXTEND and dsr.due_at:
        return {"until": deadlines.latest_extension(dsr).date()}  # the most the law allows
    if action.name == queue.SCHEDULE_ERASURE:
        when = timezone.localtime() + timedelta(days=1)
        return {"when": when.replace(minute=0, second=0, microsecond=0)}
    return {}


def _action_page(request, model_admin, action, dsr, form, *, error="", status=200):
    correction = None
    if dsr.kind == DataSubjectRequest.RECTIFICATION and action.name in (
        queue.APPROVE,
        queue.REJECT,
    ):
        found, current = rectification.value_now(dsr)
        correction = {"found": found, "current": current}  # fmt: skip
    context = {
        "action": action,
        "dsr": dsr,
        "form": form,
        "error": error,
        "possible": action.name in queue.available_actions(dsr),
        "effective_due": deadlines.effective_due(dsr),
        "correction": correction,
        "inspect_url": model_admin.url_helper.get_action_url("inspect", quote(dsr.pk)),
        "index_url": model_admin.url_helper.index_url,
    }
    return TemplateResponse(request, "wagtail_gdpr/admin/request_action.html", context,
                            status=status)  # fmt: skip


def action_view(model_admin, name: str):
    """The view of one action: its form on GET, the service call on POST (CSRF-protected)."""
    action = ACTIONS[name]

    @managers_only
    def view(request, instance_pk):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        dsr = _get(instance_pk)
        if request.method == "GET":
            form = action.form_class(initial=_initial(action, dsr, request))
            possible = name in queue.available_actions(dsr)
            return _action_page(request, model_admin, action, dsr, form,
                                status=200 if possible else 409)  # fmt: skip
        form = action.form_class(request.POST)
        if not form.is_valid():
            return _action_page(request, model_admin, action, dsr, form, status=400)
        try:
            action.perform(dsr, request.user, form.cleaned_data)
        except queue.ActionRefused as exc:
            return _action_page(request, model_admin, action, _get(instance_pk), form,
                                error=exc.message, status=409)  # fmt: skip
        messages.success(request, str(action.done))
        inspect_url = model_admin.url_helper.get_action_url("inspect", quote(dsr.pk))
        return HttpResponseRedirect(inspect_url, status=303)

    view.__name__ = f"gdpr_request_{name}"
    return view


def report_view(model_admin):
    """Staff download an access report: logged as viewing the member's data."""

    @managers_only
    def view(request, instance_pk):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        dsr = _get(instance_pk)
        try:
            report, handle = queue.open_report(dsr, request.user)
        except queue.ActionRefused as exc:
            messages.error(request, exc.message)
            inspect_url = model_admin.url_helper.get_action_url("inspect", quote(dsr.pk))
            return HttpResponseRedirect(inspect_url, status=303)
        filename = f"request-{dsr.pk}-{timezone.localdate(report.created_at).isoformat()}.zip"
        response = FileResponse(handle, as_attachment=True, filename=filename)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    view.__name__ = "gdpr_request_report"
    return view


# -- the dashboard -------------------------------------------------------------------------------


class QueuePanel(Component):
    """Open, due this week and overdue requests, on the admin home page, for the queue's staff."""

    name = "gdpr_request_queue"
    template_name = "wagtail_gdpr/admin/queue_panel.html"
    order = 90

    def __init__(self, index_url: str):
        self.index_url = index_url

    def get_context_data(self, parent_context):
        return {"counts": queue.summary(timezone.now(), 7), "index_url": self.index_url}
