"""The privacy centre's "Correct my data" page: a thin caller of ``wagtail_gdpr.rectification``.

One form per record, named after the record, with every value of it the member may correct and
one button: values changed at once and values sent for review go together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail_gdpr import rectification, routes
from wagtail_gdpr.registry import DIRECT
from wagtail_gdpr.views.common import render_centre


@dataclass
class Entry:
    """One correctable value as the page shows it, with the member's input after a refusal."""

    item: rectification.CorrectableItem
    html_id: str
    widget: str
    shown: str = ""
    reason: str = ""
    error: str = ""
    proposal: object = None
    proposed: str = ""

    @property
    def is_direct(self) -> bool:
        return self.item.mode == DIRECT


@dataclass
class Record:
    """One of the member's records: one form."""

    label: str
    html_id: str
    model_label: str
    pk: object
    entries: list[Entry] = field(default_factory=list)

    @property
    def can_submit(self) -> bool:
        return any(entry.is_direct or entry.proposal is None for entry in self.entries)


@dataclass
class Group:
    declaration: object
    html_id: str
    records: list[Record] = field(default_factory=list)


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
    return widget.render(f"value-{item.field}", value, attrs=attrs)


def _groups(request, failed=None, errors=None, kept=None) -> list[Group]:
    """The page's values, grouped by declaration and record; ``failed`` is the record
    ``(model label, pk)`` that was refused, with its ``errors`` and ``kept`` input."""
    errors, kept = errors or {}, kept or {}
    pending = {
        _key(p.payload.get("model"), p.payload.get("pk"), p.payload.get("field")): p
        for p in rectification.open_proposals(request.user)
    }
    groups: dict[str, Group] = {}
    records: dict[tuple[str, str], Record] = {}
    for item in rectification.correctable_items(request.user):
        record_key = (item.model_label, str(item.pk))
        failed_here = record_key == failed
        html_id = "gdpr-" + slugify(f"{item.model_label}-{item.pk}-{item.field}")
        value = kept.get(f"value-{item.field}", item.value) if failed_here else item.value
        proposal = pending.get(_key(item.model_label, item.pk, item.field))
        entry = Entry(
            item=item,
            html_id=html_id,
            widget=_widget(item, html_id, value, invalid=failed_here and item.field in errors),
            shown=rectification.shown(item.value),
            reason=kept.get(f"reason-{item.field}", "") if failed_here else "",
            error=errors.get(item.field, "") if failed_here else "",
            proposal=proposal,
        )
        if proposal is not None:
            new = (rectification.proposal(proposal) or {}).get("new")
            entry.proposed = rectification.shown(new)
        group = groups.setdefault(
            item.model_label, Group(item.declaration, "gdpr-" + slugify(item.model_label))
        )
        if record_key not in records:
            records[record_key] = Record(
                label=item.row,
                html_id="gdpr-" + slugify(f"{item.model_label}-{item.pk}"),
                model_label=item.model_label,
                pk=item.pk,
            )
            group.records.append(records[record_key])
        records[record_key].entries.append(entry)
    return list(groups.values())


def _proposals(request) -> list[dict]:
    """The member's corrections waiting for review, each value shown as on the rest of the page."""
    shown = []
    for dsr in rectification.open_proposals(request.user):
        values = rectification.proposal(dsr) or {}
        shown.append(
            {
                "dsr": dsr,
                "label": values.get("label", ""),
                "old": rectification.shown(values.get("old")),
                "new": rectification.shown(values.get("new")),
            }
        )
    return shown


def _render(request, page, *, failed=None, errors=None, kept=None, page_error="", status=200):
    groups = _groups(request, failed, errors, kept)
    shown = {
        entry.item.field
        for group in groups
        for record in group.records
        if (record.model_label, str(record.pk)) == failed
        for entry in record.entries
        if entry.error and (entry.is_direct or entry.proposal is None)
    }
    # A refusal about a value not on the page (a forged or stale form) is shown on top.
    hidden = [message for name, message in (errors or {}).items() if name not in shown]
    context = {
        "groups": groups,
        "proposals": _proposals(request),
        "page_error": " ".join([page_error, *hidden]).strip(),
    }
    return render_centre(request, page, "correct.html", context, section="correct", status=status)


def _submitted_values(request) -> tuple[dict, dict]:
    """``value-<field>`` and ``reason-<field>`` of the posted record, by field name.

    Every posted value is passed on, so that one the page does not offer is refused by the
    service, not silently dropped.
    """
    model_label = request.POST.get("model", "")
    values, reasons = {}, {}
    for key in request.POST:
        name = key.removeprefix("value-")
        if key == name or not name.isidentifier():
            continue
        form_field = rectification.form_field_for(model_label, name)
        if form_field is not None:
            values[name] = form_field.widget.value_from_datadict(request.POST, request.FILES, key)
        else:
            values[name] = request.POST.get(key, "")
        reasons[name] = request.POST.get(f"reason-{name}", "")
    return values, reasons


class ReasonForm(forms.Form):
    """A member's reason, read as any form field is: a NUL character or an over-long text is
    refused with a message (``ProhibitNullCharactersValidator``, ``max_length``)."""

    reason = forms.CharField(required=False, max_length=rectification.MAX_REASON_LENGTH)


def _reason_errors(reasons: dict) -> dict:
    """``{field: message}`` for each reason the form refuses."""
    errors = {}
    for name, text in reasons.items():
        form = ReasonForm({"reason": text})
        if not form.is_valid():
            errors[name] = " ".join(form.errors["reason"])
    return errors


def _kept(values: dict, reasons: dict) -> dict:
    """What the member typed, to show again with the error (without NUL characters, which no
    page can show)."""
    kept = {**{f"value-{k}": v for k, v in values.items()},
            **{f"reason-{k}": v for k, v in reasons.items()}}  # fmt: skip
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in kept.items()}


def _submit(request, page):
    model_label = request.POST.get("model", "")
    pk = request.POST.get("pk", "")
    values, reasons = _submitted_values(request)
    refused = _reason_errors(reasons)
    if refused:
        return _render(
            request, page, failed=(model_label, str(pk)), errors=refused,
            kept=_kept(values, reasons), status=400,
        )  # fmt: skip
    try:
        done = rectification.correct_record(
            request.user, model_label, pk, values, reasons, request=request
        )
    except rectification.RecordRefused as exc:
        return _render(
            request, page, failed=(model_label, str(pk)), errors=exc.errors,
            kept=_kept(values, reasons), status=400,
        )  # fmt: skip
    except rectification.CorrectionRefused as exc:
        return _render(request, page, page_error=exc.message, status=400)
    saved = [d.payload.get("label", "") for d in done if d.status == d.DONE]
    sent = [d.payload.get("label", "") for d in done if d.status != d.DONE]
    if saved:
        messages.success(
            request, _("Saved: %(labels)s.") % {"labels": ", ".join(f"“{x}”" for x in saved)}
        )
    if sent:
        messages.success(
            request,
            _("Sent for review: %(labels)s. We will check it and tell you.")
            % {"labels": ", ".join(f"“{x}”" for x in sent)},
        )
    if not done:
        messages.info(request, _("Nothing was changed: these are the values we hold."))
    return HttpResponseRedirect(routes.route_url(page, "correct", request=request), status=303)


def correct(request, page):
    """GET: the member's records and open proposals; POST: the changes to one record."""
    if request.method == "POST":
        return _submit(request, page)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return _render(request, page)
