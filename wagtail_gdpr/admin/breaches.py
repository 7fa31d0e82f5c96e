"""The breach register's admin pages, for privacy officers only: recording a breach and each
later step, the computed scope, the authority's notification (edit, print, JSON) and the
members' notices. Each page parses a form and calls one service of ``wagtail_gdpr.breaches``;
the register's listing is in ``admin.modeladmin``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component

from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.breaches import authority, clock, notices, record, register, scope
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.registry import registry
from wagtail_gdpr.staff import people
from wagtail_gdpr.tables import Breach

NAMESPACE = "wagtail_gdpr_breaches"
#: The listing's URL name (the modeladmin index), which these pages link back to.
INDEX_URL_NAME = "wagtail_gdpr_breaches_index"
URL_PREFIX = "gdpr/breaches"

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _declaration_choices():
    return [(d.model_label, d.display_name) for d in registry]


def _field_choices():
    return [
        (f"{d.model_label}.{name}", f"{d.display_name}: {d.field_label(name)}")
        for d in registry
        for name in d.fields
    ]


def _short_text(label) -> forms.CharField:
    """An optional answer of a few lines."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BreachForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Short description"), max_length=200)
    nature = forms.CharField(
        label=gettext_lazy("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    occurred_at = forms.DateTimeField(
        label=gettext_lazy("When it happened"), widget=MOMENT, required=False
    )
    discovered_at = forms.DateTimeField(label=gettext_lazy("When it was discovered"), widget=MOMENT)
    declarations = forms.MultipleChoiceField(
        label=gettext_lazy("Data touched"), required=False, widget=forms.CheckboxSelectMultiple
    )
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("Only these fields (optional)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    window_start = forms.DateTimeField(
        label=gettext_lazy("Rows from (optional)"), widget=MOMENT, required=False
    )
    window_end = forms.DateTimeField(
        label=gettext_lazy("Rows until (optional)"), widget=MOMENT, required=False
    )
    listed_people_only = forms.BooleanField(
        label=gettext_lazy("Only the people listed below are affected"), required=False
    )
    people_text = forms.CharField(
        label=gettext_lazy("People affected: member numbers or email addresses"),
        help_text=gettext_lazy("One per line, or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    people_file = forms.FileField(label=gettext_lazy("…or a CSV file of them"), required=False)
    site_filter = forms.ChoiceField(label=gettext_lazy("Site-defined filter"), required=False)
    cause = _short_text(gettext_lazy("Cause"))
    containment = _short_text(gettext_lazy("Containment and remediation"))
    consequences = _short_text(gettext_lazy("Likely consequences"))
    handler = forms.ModelChoiceField(
        label=gettext_lazy("Handled by"),
        queryset=get_user_model()._default_manager.none(),
        required=False,
    )
    notice_what_happened = _short_text(gettext_lazy("Notice to the people affected: what happened"))
    notice_what_we_did = _short_text(gettext_lazy("Notice: what we did"))
    notice_what_you_can_do = _short_text(gettext_lazy("Notice: what they can do"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declarations"].choices = _declaration_choices()
        self.fields["fields"].choices = _field_choices()
        self.fields["site_filter"].choices = [("", "—")] + [
            (name, label) for name, (label, _fn) in scope.site_filters().items()
        ]
        self.fields["handler"].queryset = people.staff_members().order_by("username")

    def facts(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("people_text"), data.pop("people_file")
        return data

    def people(self) -> str:
        text = self.cleaned_data.get("people_text") or ""
        upload = self.cleaned_data.get("people_file")
        if upload:
            text += "\n" + upload.read().decode("utf-8-sig", errors="replace")
        return text


class AssessForm(forms.Form):
    risk = forms.ChoiceField(
        label=gettext_lazy("Risk"), choices=Breach.RISKS, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    delay_reason = _short_text(gettext_lazy("Reason for the delay (needed after 72 hours)"))


class SupplementForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What the supplement adds"), widget=forms.Textarea(attrs={"rows": 3})
    )


def _detail_url(breach) -> str:
    return reverse(f"{NAMESPACE}:detail", args=[breach.pk])


def _refused(request, breach, exc: Refused):
    messages.error(request, exc.message)
    return HttpResponseRedirect(_detail_url(breach))


@managers_only
def breach_form(request, pk=None):
    """Record a new breach (no ``pk``), or a change of a breach's facts as a new entry."""
    breach = get_object_or_404(Breach, pk=pk) if pk is not None else None
    initial = {name: getattr(breach, name) for name in record.FACTS} if breach else None
    form = BreachForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        facts = {"people_text": form.people(), **form.facts()}
        try:
            if breach is None:
                breach = record.record_breach(request.user, **facts)
                done = _("Breach recorded. The 72 hours run from its discovery.")
            else:
                record.change(breach, request.user, **facts)
                done = _("The change is recorded in the breach's history.")
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(_detail_url(breach))
    return TemplateResponse(
        request, "wagtail_gdpr/admin/breach_form.html", {"form": form, "breach": breach}
    )


@managers_only
def detail(request, pk):
    breach = get_object_or_404(Breach, pk=pk)
    now = timezone.now()
    context = {
        "breach": breach,
        "status": register.status(breach),
        "deadline": clock.deadline(breach),
        "hours_left": int(clock.hours_left(breach, now)),
        "late": clock.is_late(breach, now),
        "decided": clock.is_decided(breach),
        "scope": scope.compute(breach),
        "preview": scope.preview(breach),
        "history": [(e, record.changed_in_words(e)) for e in record.history(breach)],
        "assess_form": AssessForm(initial={"risk": breach.risk, "reasons": breach.risk_reasons}),
        "decision_form": DecisionForm(),
        "supplement_form": SupplementForm(),
        "progress": notices.progress(breach),
        "supplements": authority.supplements(breach),
    }
    return TemplateResponse(request, "wagtail_gdpr/admin/breach_detail.html", context)


def _step(form_class, act):
    """A POST-only page that validates ``form_class`` and calls ``act(request, breach, data)``."""

    @managers_only
    def view(request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        breach = get_object_or_404(Breach, pk=pk)
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Fill in the form: %(errors)s") % {"errors": form.errors.as_text()}
            )
            return HttpResponseRedirect(_detail_url(breach))
        try:
            done = act(request, breach, form.cleaned_data)
        except Refused as exc:
            return _refused(request, breach, exc)
        messages.success(request, done)
        return HttpResponseRedirect(_detail_url(breach))

    return view


def _assess(request, breach, data):
    record.assess(breach, request.user, data["risk"], data["reasons"])
    return _("Risk assessment recorded.")


def _notify(request, breach, data):
    record.notify_authority(breach, request.user, data["delay_reason"])
    return _("Recorded: the authority was notified.")


def _not_notifying(request, breach, data):
    record.decide_not_to_notify(breach, request.user, data["delay_reason"])
    return _("Recorded: the authority is not notified.")


def _supplement(request, breach, data):
    record.add_supplement(breach, request.user, data["text"])
    return _("Supplement recorded.")


def _send_notices(request, breach, data):
    total = notices.start(breach, request.user)
    return _("%(count)d notices are being sent.") % {"count": total}


def _close(request, breach, data):
    record.close(breach, request.user)
    return _("Breach closed.")


assess = _step(AssessForm, _assess)
notify = _step(DecisionForm, _notify)
not_notifying = _step(DecisionForm, _not_notifying)
supplement = _step(SupplementForm, _supplement)
send_notices = _step(forms.Form, _send_notices)
close = _step(forms.Form, _close)


@managers_only
def draft(request, pk):
    """The authority's notification, item by item, editable until it is sent."""
    breach = get_object_or_404(Breach, pk=pk)
    values = authority.current(breach)
    if request.method == "POST":
        edited = {key: request.POST.get(key, values[key]) for key, _label in authority.ITEMS}
        try:
            record.edit_draft(breach, request.user, edited)
        except Refused as exc:
            return _refused(request, breach, exc)
        messages.success(request, _("The notification draft is saved."))
        return HttpResponseRedirect(reverse(f"{NAMESPACE}:draft", args=[breach.pk]))
    items = [(key, label, values[key]) for key, label in authority.ITEMS]
    return TemplateResponse(
        request, "wagtail_gdpr/admin/breach_draft.html", {"breach": breach, "items": items}
    )


@managers_only
def draft_html(request, pk):
    breach = get_object_or_404(Breach, pk=pk)
    response = HttpResponse(authority.as_html(breach))
    response["Cache-Control"] = "no-store"
    return response


@managers_only
def draft_json(request, pk):
    breach = get_object_or_404(Breach, pk=pk)
    response = HttpResponse(authority.as_json(breach), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="breach-{breach.pk}-notification.json"'
    response["Cache-Control"] = "no-store"
    return response


@managers_only
def export_csv(request):
    rows = register.filtered(
        request.GET.get("status", ""), request.GET.get("risk", ""), request.GET.get("notified", "")
    )
    response = HttpResponse(register.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="breach-register.csv"'
    response["Cache-Control"] = "no-store"
    return response


class BreachPanel(Component):
    """The 72-hour clock on the admin's home page: breaches whose decision is outstanding."""

    name = "gdpr_breaches"
    order = 95
    template_name = "wagtail_gdpr/admin/breach_panel.html"

    def get_context_data(self, parent_context):
        now = timezone.now()
        rows = [
            (
                breach,
                clock.deadline(breach),
                int(clock.hours_left(breach, now)),
                _detail_url(breach),
            )
            for breach in clock.open_undecided()[:10]
        ]
        return {"rows": rows}


def urls() -> list:
    patterns = [
        path("new/", breach_form, name="new"),
        path("export.csv", export_csv, name="export"),
        path("<int:pk>/", detail, name="detail"),
        path("<int:pk>/edit/", breach_form, name="edit"),
        path("<int:pk>/assess/", assess, name="assess"),
        path("<int:pk>/notify/", notify, name="notify"),
        path("<int:pk>/not-notifying/", not_notifying, name="not_notifying"),
        path("<int:pk>/supplement/", supplement, name="supplement"),
        path("<int:pk>/notices/", send_notices, name="send_notices"),
        path("<int:pk>/close/", close, name="close"),
        path("<int:pk>/notification/", draft, name="draft"),
        path("<int:pk>/notification.html", draft_html, name="draft_html"),
        path("<int:pk>/notification.json", draft_json, name="draft_json"),
    ]
    return [path(f"{URL_PREFIX}/", include((patterns, NAMESPACE)))]
