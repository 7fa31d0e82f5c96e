"""The privacy centre's "Correct my data" page: a thin caller of ``wagtail_gdpr.rectification``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail_gdpr import rectification, routes
from wagtail_gdpr.registry import DIRECT, REVIEWED
from wagtail_gdpr.views.common import render_centre


@dataclass
class Entry:
    """One correctable value as the page shows it, with the member's input after a refusal."""

    item: rectification.CorrectableItem
    html_id: str
    widget: str
    reason: str = ""
    error: str = ""
    proposal: object = None

    @property
    def is_direct(self) -> bool:
        return self.item.mode == DIRECT


@dataclass
class Group:
    declaration: object
    html_id: str
    rows: list[list[Entry]] = field(default_factory=list)


def _key(model_label, pk, field_name) -> tuple[str, str, str]:
    return (str(model_label), str(pk), str(field_name))


def _widget(item, html_id: str, value, *, invalid: bool) -> str:
    """The model field's own form widget, so the browser gets the right input and limits."""
    form_field = item.declaration.model._meta.get_field(item.field).formfield()
    widget = form_field.widget
    if isinstance(widget, forms.DateInput) and not isinstance(widget, forms.DateTimeInput):
        widget.input_type, widget.format = "date", "%Y-%m-%d"
    if isinstance(widget, forms.Textarea):
        widget.attrs["rows"] = 3
    attrs = {"id": f"{html_id}-value"}
    if form_field.required:
        attrs["required"] = True
    if invalid:
        attrs.update({"aria-invalid": "true", "aria-describedby": f"{html_id}-error"})
    return widget.render("value", value, attrs=attrs)


def _groups(request, failed=None, error="", kept=None) -> tuple[list[Group], bool]:
    """The page's items, grouped by declaration and row; and whether the failed item is shown."""
    kept = kept or {}
    pending = {
        _key(p.payload.get("model"), p.payload.get("pk"), p.payload.get("field")): p
        for p in rectification.open_proposals(request.user)
    }
    groups: dict[str, Group] = {}
    rows: dict[tuple[str, str], list[Entry]] = {}
    shown_failed = False
    for item in rectification.correctable_items(request.user):
        key = _key(item.model_label, item.pk, item.field)
        html_id = "gdpr-" + slugify(f"{item.model_label}-{item.pk}-{item.field}")
        failed_here = key == failed
        shown_failed = shown_failed or failed_here
        entry = Entry(
            item=item,
            html_id=html_id,
            widget=_widget(
                item, html_id, kept.get("value") if failed_here else item.value, invalid=failed_here
            ),
            reason=kept.get("reason", "") if failed_here else "",
            error=error if failed_here else "",
            proposal=pending.get(key),
        )
        group = groups.setdefault(
            item.model_label,
            Group(item.declaration, "gdpr-" + slugify(item.model_label)),
        )
        row_key = (item.model_label, str(item.pk))
        if row_key not in rows:
            rows[row_key] = []
            group.rows.append(rows[row_key])
        rows[row_key].append(entry)
    return list(groups.values()), shown_failed


def _render(request, page, *, failed=None, error="", kept=None, status=200):
    groups, shown_failed = _groups(request, failed, error, kept)
    context = {
        "groups": groups,
        "proposals": rectification.open_proposals(request.user),
        # A refusal about an item not on the page (a forged or stale form) is shown on top.
        "page_error": error if error and not shown_failed else "",
    }
    return render_centre(request, page, "correct.html", context, section="correct", status=status)


def _submit(request, page):
    model_label = request.POST.get("model", "")
    pk = request.POST.get("pk", "")
    field_name = request.POST.get("field", "")
    reason = request.POST.get("reason", "")
    form_field = rectification.form_field_for(model_label, field_name)
    if form_field is not None:
        value = form_field.widget.value_from_datadict(request.POST, request.FILES, "value")
    else:
        value = request.POST.get("value", "")
    declaration = rectification.declaration_for(model_label)
    mode = rectification.correction_mode(declaration, field_name) if declaration else None
    try:
        if mode == REVIEWED:
            dsr = rectification.propose(
                request.user, model_label, pk, field_name, value, reason, request=request
            )
            message = _("Thank you. We will check your correction of “%(label)s” and tell you.")
        else:
            dsr = rectification.apply_direct(
                request.user, model_label, pk, field_name, value, request=request
            )
            message = _("Saved: “%(label)s” is corrected.")
    except rectification.CorrectionRefused as exc:
        return _render(
            request,
            page,
            failed=_key(model_label, pk, field_name),
            error=exc.message,
            kept={"value": value, "reason": reason},
            status=400,
        )
    messages.success(request, message % {"label": dsr.payload.get("label", "")})
    return HttpResponseRedirect(routes.route_url(page, "correct", request=request), status=303)


def correct(request, page):
    """GET: the member's correctable data and open proposals; POST: one correction."""
    if request.method == "POST":
        return _submit(request, page)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return _render(request, page)
