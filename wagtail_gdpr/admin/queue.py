"""The staff queue's own admin pages: one page per staff action, adding a request received by
hand, acting on many requests at once, the download of a member's copy, the facts of one
request, and the dashboard panel.

Each action page is built from the staff action table (:data:`wagtail_gdpr.staff.table.ACTIONS`):
its form on GET, the service on POST. Every URL needs ``wagtail_gdpr.manage_requests``; others
get a plain 403, not Wagtail's redirect, so nothing suggests the page is there for them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from wagtail_gdpr import (
    member_requests,
    recipients,
    rectification,
    restriction_objection,
    routes,  # noqa: F401 (registers the <gdpr_id:...> converter)
)
from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.connectors import in_words as connector_words
from wagtail_gdpr.erasure import settlement
from wagtail_gdpr.erasure.plan import build_plan
from wagtail_gdpr.registry import ANONYMISED, DELETED, HELD, RETAINED
from wagtail_gdpr.requests import in_words, legal_clock, notes
from wagtail_gdpr.staff import actions, dashboard, history, next_step, people, rules, table, viewing
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest
#: The queue's own URLs live beside the listing's: ``/admin/gdpr/requests/<action>/<pk>/``.
URL_PREFIX = "gdpr/requests"
URL_NAMESPACE = "wagtail_gdpr_queue"
#: The name of the listing's URL, whatever builds the listing.
INDEX_URL_NAME = "wagtail_gdpr_queue_index"
#: The add-on's own admin styles (contrast that meets WCAG 2.2 AA on its own elements).
ADMIN_CSS = "wagtail_gdpr/admin/queue.css"

#: The look of each kind of button, in Wagtail's admin CSS.
BUTTON_CLASSES = {table.PRIMARY: "", table.SECONDARY: "button-secondary",
                  table.DESTRUCTIVE: "no"}  # fmt: skip
#: What an erasure does to a kind of data, as staff read it.
PLAN_OUTCOMES = {
    DELETED: gettext_lazy("deleted"),
    ANONYMISED: gettext_lazy("anonymised"),
    RETAINED: gettext_lazy("kept until its retention ends, then deleted"),
    HELD: gettext_lazy("kept: a legal hold covers it"),
}


# -- the action forms, built from the table -----------------------------------------------------


class MemberField(forms.CharField):
    """A member's account, typed as its username or email address."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        member = people.find_member(text)
        if member is None:
            raise ValidationError(
                _("No single account has this username or email address."), code="no_member"
            )
        return member


def _form_field(action_input: table.Input, dsr=None) -> forms.Field:
    label, help_text = action_input.label, action_input.help_text
    if action_input.kind == table.STAFF_MEMBER:
        return forms.ModelChoiceField(
            label=label,
            queryset=people.staff_members().order_by("username"),
            required=action_input.required,
            empty_label=_("Nobody"),
        )
    if action_input.kind == table.MEMBER:
        return MemberField(label=label, help_text=help_text, max_length=254)
    if action_input.kind == table.CHOICE:
        return forms.ChoiceField(
            label=label, help_text=help_text, choices=action_input.choices(dsr)
        )
    if action_input.kind == table.DATE:
        return forms.DateField(label=label, help_text=help_text, widget=AdminDateInput())
    if action_input.kind == table.DATE_TIME:
        return forms.DateTimeField(label=label, help_text=help_text, widget=AdminDateTimeInput())
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3 if action_input.kind == table.NOTE else 4}),
        max_length=notes.MAX_LENGTH if action_input.kind == table.TEXT else table.MAX_REASON_LENGTH,
        required=action_input.kind != table.NOTE,
    )


def form_for(action: table.StaffAction, data=None, initial=None, dsr=None) -> forms.Form:
    """The action's form: one field per input it asks for; none for a confirmation."""
    form = forms.Form(data=data, initial=initial)
    for action_input in action.inputs:
        form.fields[action_input.name] = _form_field(action_input, dsr)
    return form


def button_class(action: table.StaffAction) -> str:
    return BUTTON_CLASSES[action.look]


def action_url(name: str, pk) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=[pk])


def add_url() -> str:
    return reverse(f"{URL_NAMESPACE}:add")


def bulk_url() -> str:
    return reverse(f"{URL_NAMESPACE}:bulk")


def index_url() -> str:
    """The queue's listing."""
    return reverse(INDEX_URL_NAME)


def request_url(dsr: DataSubjectRequest, user=None) -> str:
    """The request's own page in the admin."""
    return AdminURLFinder(user).get_edit_url(dsr) or ""


# -- one request's facts, for its page ----------------------------------------------------------


def requester(dsr: DataSubjectRequest) -> str:
    """Who asked, as staff read it: the account's name, else the name or address given."""
    if dsr.member_id:
        member = dsr.member
        name = member.get_full_name()
        return f"{name} ({member.get_username()})" if name else member.get_username()
    return dsr.requester_name or dsr.contact_email or _("Unknown")


def correction(dsr: DataSubjectRequest) -> dict | None:
    """A proposed correction: the value when proposed, the proposal, and the value now held,
    each shown as the field's values are shown everywhere."""
    if dsr.kind != R.RECTIFICATION or not (dsr.payload or {}).get("field"):
        return None
    proposed = rectification.proposal(dsr) or {}
    review = rectification.review(dsr)
    payload = dsr.payload
    now = rectification.as_value(payload.get("model"), payload.get("field"), review["current"])
    return {
        **review,
        "label": proposed.get("label", ""),
        "old": rectification.shown(proposed.get("old")),
        "new": rectification.shown(proposed.get("new")),
        "current": rectification.shown(now),
    }


def _plan(dsr: DataSubjectRequest, now) -> dict | None:
    if dsr.kind != R.ERASURE or dsr.member is None or not dsr.is_open:
        return None
    plan = build_plan(dsr.member, now)
    items = [
        {
            "name": item.name,
            "count": item.count,
            "outcome": str(PLAN_OUTCOMES.get(item.outcome, "")),
            "fields": item.fields,
            "until": parse_date(item.until) if item.until else None,
            "reason": item.reason,
        }
        for item in plan.items
        if item.count
    ]
    return {"blocked_by": plan.blocked_by, "items": items}


def _receipt(dsr: DataSubjectRequest) -> list[dict]:
    """An erasure's receipt, item by item, as staff read it."""
    if dsr.kind != R.ERASURE or dsr.status != R.DONE:
        return []
    return [
        {
            "name": item.get("name", ""),
            "count": item.get("count", 0),
            "outcome": str(PLAN_OUTCOMES.get(item.get("outcome"), "")),
            "until": parse_date(item["until"]) if item.get("until") else None,
            "reason": item.get("reason", ""),
        }
        for item in (dsr.outcome or {}).get("items") or []
        if item.get("count")
    ]


def _settled(dsr: DataSubjectRequest, user) -> list[dict]:
    """The requests this erasure settled: which, how, and why."""
    if dsr.kind != R.ERASURE:
        return []
    return [
        {
            "dsr": other,
            "url": request_url(other, user),
            "how": str(history.SETTLED.get(settlement.how_settled(other), "")),
            "reason": settlement.reason(other),
        }
        for other in dsr.settled.order_by("pk")
    ]


def _decided_by(dsr: DataSubjectRequest) -> str:
    outcome = dsr.outcome or {}
    pk = outcome.get("by") or outcome.get("accepted_by")
    return history.user_name(pk) if pk else ""


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Swedish"), not its code."""
    try:
        return str(translation.get_language_info(code)["name_translated"]) if code else "—"
    except KeyError:
        return code


def request_facts(dsr: DataSubjectRequest, now, user=None) -> dict:
    """Everything the request's page shows: its facts, what was asked, notes, history, what
    comes next, and how it ended."""
    report = getattr(dsr, "report", None) if dsr.kind in rules.COPY_KINDS else None
    left = legal_clock.time_left(dsr, now)
    return {
        "dsr": dsr,
        "requester": requester(dsr),
        "status_text": in_words.status_for_staff(dsr),
        "next_step": next_step.next_step(dsr, now),
        "language": language_name(dsr.language),
        "received": in_words.moment(dsr.received_at),
        "asked": member_requests.what_was_asked(dsr),
        "purpose_name": restriction_objection.purpose_name(dsr.purpose) if dsr.purpose else "",
        "outcome_text": member_requests.outcome(dsr),
        "decided_by": _decided_by(dsr),
        "effective_due": legal_clock.effective_due(dsr),
        "overdue": legal_clock.is_overdue(dsr, now),
        "paused": legal_clock.is_paused(dsr),
        "days_left": left.days if left is not None else None,
        "latest_extension": legal_clock.latest_extension(dsr),
        "notes": notes.for_staff(dsr),
        "history": history.history(dsr),
        "plan": _plan(dsr, now),
        "receipt": _receipt(dsr),
        "settled": _settled(dsr, user),
        "settled_by_url": request_url(dsr.settled_by, user) if dsr.settled_by_id else "",
        "settlement_reason": settlement.reason(dsr),
        "recipients": recipients.for_display(dsr),
        "connected_systems": connector_words.for_staff(dsr),
        "correction": correction(dsr),
        "report": report,
        "report_available": bool(report and report.is_available(now)),
        "report_url": action_url("report", dsr.pk),
        "action_links": [
            {
                "url": action_url(name, dsr.pk),
                "action": table.ACTIONS[name],
                "classname": button_class(table.ACTIONS[name]),
            }
            for name in rules.available_actions(dsr, now)
        ],  # fmt: skip
        "gdpr_admin_css": ADMIN_CSS,
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
        "not_now": rules.RULES[action.name].not_now,
        "requester": requester(dsr),
        "status_text": in_words.status_for_staff(dsr),
        "next_step": next_step.next_step(dsr),
        "asked": member_requests.what_was_asked(dsr),
        "effective_due": legal_clock.effective_due(dsr),
        "correction": correction(dsr) if action.name in (rules.APPROVE, rules.REJECT) else None,
        "inspect_url": request_url(dsr, request.user),
        "index_url": index_url(),
        "gdpr_admin_css": ADMIN_CSS,
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
            form = form_for(action, initial=action.initial(dsr, request.user), dsr=dsr)
            status = 200 if action.is_possible(dsr) else 409
            return _action_page(request, action, dsr, form, status=status)
        form = form_for(action, data=request.POST, dsr=dsr)
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


# -- adding a request received by letter, phone, email or in person -----------------------------


class AddRequestForm(forms.Form):
    """What staff record of a request received outside the site (WordPress's "Add request")."""

    kind = forms.ChoiceField(label=gettext_lazy("What is asked for"), choices=R.KINDS)
    received_via = forms.ChoiceField(
        label=gettext_lazy("Received by"),
        choices=[(value, label) for value, label in R.CHANNELS if value in R.HAND_CHANNELS],
        widget=forms.RadioSelect,
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received on"),
        help_text=gettext_lazy("The legal clock runs from this moment."),
        widget=AdminDateTimeInput(),
    )
    member = MemberField(
        label=gettext_lazy("The member's username or email address"),
        help_text=gettext_lazy("Leave it empty for someone without an account here."),
        max_length=254,
        required=False,
    )
    requester_name = forms.CharField(
        label=gettext_lazy("The requester's name"),
        help_text=gettext_lazy("For someone without an account here."),
        max_length=200,
        required=False,
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("Email address for the answer"),
        help_text=gettext_lazy("Empty: the account's address, if there is one."),
        required=False,
    )
    contact_details = forms.CharField(
        label=gettext_lazy("Other contact details"),
        help_text=gettext_lazy("A postal address or phone number, when there is no email."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=table.MAX_REASON_LENGTH,
        required=False,
    )
    details = forms.CharField(
        label=gettext_lazy("What they asked, in their words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=table.MAX_REASON_LENGTH,
        required=False,
    )
    purpose = forms.ChoiceField(
        label=gettext_lazy("For a restriction or objection: what it covers"),
        help_text=gettext_lazy("Leave it empty if they did not say; you can ask them later."),
        required=False,
    )
    identity_verified = forms.TypedChoiceField(
        label=gettext_lazy("Identity"),
        choices=[
            ("yes", gettext_lazy("It was clear who they are when the request arrived")),
            ("no", gettext_lazy("It still has to be checked (the clock starts then)")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    identity_check = forms.CharField(
        label=gettext_lazy("How the identity was, or will be, checked"),
        help_text=gettext_lazy(
            "For example: called back on the number in the account. Do not copy documents here."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=table.MAX_REASON_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "—"), *restriction_objection.purpose_choices()]


def _add_page(request, form, *, error="", status=200):
    context = {
        "form": form,
        "error": error,
        "index_url": index_url(),
        "gdpr_admin_css": ADMIN_CSS,
    }
    return TemplateResponse(request, "wagtail_gdpr/admin/request_add.html", context,
                            status=status)  # fmt: skip


@managers_only
def add_request(request):
    """Record a request received by letter, phone, email or in person."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "GET":
        now = timezone.localtime().replace(second=0, microsecond=0)
        return _add_page(request, AddRequestForm(initial={"received_at": now}))
    form = AddRequestForm(request.POST)
    if not form.is_valid():
        return _add_page(request, form, status=400)
    try:
        dsr = actions.add_request(request.user, **form.cleaned_data)
    except rules.ActionRefused as exc:
        return _add_page(request, form, error=exc.message, status=409)
    messages.success(request, _("Request added: %(request)s.") % {"request": dsr})
    return HttpResponseRedirect(request_url(dsr, request.user), status=303)


# -- many requests at once ----------------------------------------------------------------------


def _selected(request) -> list[DataSubjectRequest]:
    ids = [value for value in request.POST.getlist("ids") if value.isdigit() and len(value) < 16]
    return list(
        DataSubjectRequest.objects.filter(pk__in=ids)
        .select_related("member", "assignee")
        .order_by("pk")
    )


@managers_only
def bulk(request):
    """The listing sends the chosen requests and action; this page asks for the action's inputs,
    shows which requests it applies to, then does it to each (POST only)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    name = request.POST.get("action", "")
    if name not in table.BULK_ACTIONS:
        messages.error(request, _("Choose what to do with the requests you selected."))
        return HttpResponseRedirect(index_url(), status=303)
    action, selected = table.ACTIONS[name], _selected(request)
    if not selected:
        messages.error(request, _("Select at least one request first."))
        return HttpResponseRedirect(index_url(), status=303)
    confirming = request.POST.get("confirm") == "1"
    # No request given: the form's choices fit every kind of request, not the first one only.
    form = form_for(action, data=request.POST if confirming else None,
                    initial=action.initial(selected[0], request.user), dsr=None)  # fmt: skip
    if confirming and form.is_valid():
        done, refused = action.perform_many(selected, request.user, form.cleaned_data)
        if done:
            messages.success(
                request,
                ngettext(
                    "%(action)s: done for %(count)d request.",
                    "%(action)s: done for %(count)d requests.",
                    len(done),
                )
                % {"action": action.label, "count": len(done)},
            )
        for dsr, why in refused:
            messages.warning(request, _("%(request)s: %(why)s") % {"request": dsr, "why": why})
        return HttpResponseRedirect(index_url(), status=303)
    rows = [{"dsr": dsr, "possible": action.is_possible(dsr),
             "not_now": rules.RULES[name].not_now} for dsr in selected]  # fmt: skip
    context = {
        "action": action,
        "button_class": button_class(action),
        "form": form,
        "rows": rows,
        "index_url": index_url(),
        "gdpr_admin_css": ADMIN_CSS,
    }
    status = 400 if confirming else 200
    return TemplateResponse(request, "wagtail_gdpr/admin/request_bulk.html", context,
                            status=status)  # fmt: skip


def bulk_choices() -> list[tuple[str, str]]:
    """The listing's bulk actions: ``(name, label)``."""
    return [(name, table.ACTIONS[name].label) for name in table.BULK_ACTIONS]


# -- a member's copy ----------------------------------------------------------------------------


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
        path(f"{name}/<gdpr_id:pk>/", view, name=name) for name, view in views_by_name().items()
    ]
    patterns += [path("add/", add_request, name="add"), path("bulk/", bulk, name="bulk")]
    return [path(f"{URL_PREFIX}/", (patterns, URL_NAMESPACE, URL_NAMESPACE))]


# -- the dashboard ------------------------------------------------------------------------------


class QueuePanel(Component):
    """Open, due this week and overdue requests, on the admin home page, for the queue's staff."""

    name = "gdpr_request_queue"
    template_name = "wagtail_gdpr/admin/queue_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        return {"counts": dashboard.summary(timezone.now(), 7), "index_url": index_url()}
