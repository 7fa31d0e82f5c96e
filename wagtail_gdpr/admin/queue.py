"""The staff queue's own admin pages: one page per staff action, the download of a member's
copy, the facts of one request, and the dashboard panel.

Each action page is built from the staff action table (:data:`wagtail_gdpr.staff.table.ACTIONS`):
its form on GET, the service on POST. Every URL needs ``wagtail_gdpr.manage_requests``; others
get a plain 403, not Wagtail's redirect, so nothing suggests the page is there for them.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput
from wagtail.log_actions import registry as log_registry

from wagtail_gdpr import rectification
from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.erasure.plan import build_plan
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.staff import dashboard, people, rules, table, viewing
from wagtail_gdpr.tables import DataSubjectRequest

#: The queue's own URLs live beside the listing's: ``/admin/gdpr/requests/<action>/<pk>/``.
URL_PREFIX = "gdpr/requests"
URL_NAMESPACE = "wagtail_gdpr_queue"
#: The name of the listing's URL, whatever builds the listing.
INDEX_URL_NAME = "wagtail_gdpr_queue_index"

#: The look of each kind of button, in Wagtail's admin CSS.
BUTTON_CLASSES = {table.PRIMARY: "", table.SECONDARY: "button-secondary",
                  table.DESTRUCTIVE: "no"}  # fmt: skip


# -- the action forms, built from the table -----------------------------------------------------


def _form_field(action_input: table.Input) -> forms.Field:
    label, help_text = action_input.label, action_input.help_text
    if action_input.kind == table.STAFF_MEMBER:
        return forms.ModelChoiceField(
            label=label,
            queryset=people.staff_members().order_by("username"),
            required=False,
            empty_label=_("Nobody"),
        )
    if action_input.kind == table.DATE:
        return forms.DateField(label=label, widget=AdminDateInput())
    if action_input.kind == table.DATE_TIME:
        return forms.DateTimeField(label=label, widget=AdminDateTimeInput())
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4 if action_input.kind == table.REASON else 3}),
        max_length=table.MAX_REASON_LENGTH,
        required=action_input.kind == table.REASON,
    )


def form_for(action: table.StaffAction, data=None, initial=None) -> forms.Form:
    """The action's form: one field per input it asks for; none for a confirmation."""
    form = forms.Form(data=data, initial=initial)
    for action_input in action.inputs:
        form.fields[action_input.name] = _form_field(action_input)
    return form


def button_class(action: table.StaffAction) -> str:
    return BUTTON_CLASSES[action.look]


def action_url(name: str, pk) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=[pk])


def index_url() -> str:
    """The queue's listing."""
    return reverse(INDEX_URL_NAME)


def request_url(dsr: DataSubjectRequest, user=None) -> str:
    """The request's own page in the admin."""
    return AdminURLFinder(user).get_edit_url(dsr) or ""


# -- one request's facts, for its page ----------------------------------------------------------


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


def history(dsr: DataSubjectRequest) -> list[dict]:
    entries = (
        log_registry.get_logs_for_instance(dsr).select_related("user").order_by("timestamp", "pk")
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


def correction(dsr: DataSubjectRequest) -> dict | None:
    """A proposed correction: the value now held beside the values of the proposal."""
    if dsr.kind != DataSubjectRequest.RECTIFICATION or not (dsr.payload or {}).get("field"):
        return None
    review = rectification.review(dsr)
    return {**review, "current": _display(review["current"])}


def request_facts(dsr: DataSubjectRequest, now) -> dict:
    """Everything the request's page shows: its facts, details, history, and what comes next."""
    report = getattr(dsr, "report", None) if dsr.kind in rules.COPY_KINDS else None
    left = legal_clock.time_left(dsr, now)
    erasing = dsr.kind == DataSubjectRequest.ERASURE and dsr.member is not None and dsr.is_open
    return {
        "dsr": dsr,
        "effective_due": legal_clock.effective_due(dsr),
        "overdue": legal_clock.is_overdue(dsr, now),
        "paused": legal_clock.is_paused(dsr),
        "days_left": left.days if left is not None else None,
        "latest_extension": legal_clock.latest_extension(dsr),
        "payload_rows": details_rows(dsr.payload),
        "outcome_rows": details_rows(dsr.outcome),
        "history": history(dsr),
        "plan": build_plan(dsr.member, now) if erasing else None,
        "correction": correction(dsr),
        "report": report,
        "report_available": bool(report and report.is_available(now)),
        "report_url": action_url("report", dsr.pk),
    }


# -- the action pages ---------------------------------------------------------------------------


def _get(pk) -> DataSubjectRequest:
    return get_object_or_404(DataSubjectRequest.objects.select_related("member", "assignee"), pk=pk)


def _action_page(request, action, dsr, form, *, error="", status=200):
    context = {
        "action": action,
        "button_class": button_class(action),
        "dsr": dsr,
        "form": form,
        "error": error,
        "possible": action.is_possible(dsr),
        "effective_due": legal_clock.effective_due(dsr),
        "correction": correction(dsr) if action.name in (rules.APPROVE, rules.REJECT) else None,
        "inspect_url": request_url(dsr, request.user),
        "index_url": index_url(),
    }
    return TemplateResponse(request, "wagtail_gdpr/admin/request_action.html", context,
                            status=status)  # fmt: skip


def action_view(name: str):
    """The page of one action: its form on GET, the service on POST (CSRF-protected)."""
    action = table.ACTIONS[name]

    @managers_only
    def view(request, pk):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        dsr = _get(pk)
        if request.method == "GET":
            form = form_for(action, initial=action.initial(dsr, request.user))
            status = 200 if action.is_possible(dsr) else 409
            return _action_page(request, action, dsr, form, status=status)
        form = form_for(action, data=request.POST)
        if not form.is_valid():
            return _action_page(request, action, dsr, form, status=400)
        try:
            action.perform(dsr, request.user, form.cleaned_data)
        except rules.ActionRefused as exc:
            return _action_page(request, action, _get(pk), form, error=exc.message, status=409)
        messages.success(request, str(action.done))
        return HttpResponseRedirect(request_url(dsr, request.user), status=303)

    view.__name__ = f"gdpr_request_{name}"
    return view


@managers_only
def download_report(request, pk):
    """Staff download a member's copy: logged as viewing the member's data."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    dsr = _get(pk)
    try:
        report, handle = viewing.open_report(dsr, request.user)
    except rules.ActionRefused as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(request_url(dsr, request.user), status=303)
    filename = f"request-{dsr.pk}-{timezone.localdate(report.created_at).isoformat()}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def views_by_name() -> dict:
    """Each page of the queue by its URL name: the actions, and the download of a copy."""
    views = {name: action_view(name) for name in table.ACTIONS}
    views["report"] = download_report
    return views


def urls() -> list:
    """The queue's URLs, for Wagtail's ``register_admin_urls`` hook."""
    patterns = [
        path(f"{name}/<int:pk>/", view, name=name) for name, view in views_by_name().items()
    ]
    return [path(f"{URL_PREFIX}/", (patterns, URL_NAMESPACE, URL_NAMESPACE))]


# -- the dashboard ------------------------------------------------------------------------------


class QueuePanel(Component):
    """Open, due this week and overdue requests, on the admin home page, for the queue's staff."""

    name = "gdpr_request_queue"
    template_name = "wagtail_gdpr/admin/queue_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        return {"counts": dashboard.summary(timezone.now(), 7), "index_url": index_url()}
