"""Staff review of proposed corrections in the Wagtail admin: thin callers of ``rectification``.

A list of the corrections waiting for a decision, beside the request queue (``admin_queue``),
which offers the same decisions on every request. Every view needs the
``wagtail_gdpr.manage_requests`` permission (superusers have it); others get a 403.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wagtail_gdpr import rectification
from wagtail_gdpr.models import DataSubjectRequest

PERMISSION = "wagtail_gdpr.manage_requests"


def can_manage(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(PERMISSION)))


def managers_only(view):
    """A plain 403 for everyone else (raising PermissionDenied would make Wagtail redirect)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user):
            return TemplateResponse(request, "wagtail_gdpr/admin/forbidden.html", {}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejecting (the member reads it)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=rectification.MAX_REASON_LENGTH,
    )


def _in_review():
    return DataSubjectRequest.objects.filter(
        kind=DataSubjectRequest.RECTIFICATION, status=DataSubjectRequest.IN_REVIEW
    )


def _review_page(request, dsr, *, reject_form=None, error="", status=200):
    found, current = rectification.value_now(dsr)
    context = {
        "dsr": dsr,
        "payload": dsr.payload,
        "found": found,
        "current": current,
        "changed": found and current != dsr.payload.get("old"),
        "reject_form": reject_form or RejectForm(),
        "error": error,
        "can_decide": dsr.status == DataSubjectRequest.IN_REVIEW,
    }
    return TemplateResponse(
        request, "wagtail_gdpr/admin/correction_review.html", context, status=status
    )


def _get(request_id) -> DataSubjectRequest:
    return get_object_or_404(
        DataSubjectRequest.objects.select_related("member"),
        pk=request_id,
        kind=DataSubjectRequest.RECTIFICATION,
    )


@managers_only
@require_GET
def index(request):
    requests = _in_review().select_related("member").order_by("due_at", "received_at", "pk")
    return TemplateResponse(
        request,
        "wagtail_gdpr/admin/corrections_index.html",
        {"requests": requests, "now": timezone.now()},
    )


@managers_only
@require_GET
def review(request, request_id):
    return _review_page(request, _get(request_id))


@managers_only
@require_POST
def approve(request, request_id):
    dsr = _get(request_id)
    try:
        rectification.approve(dsr, request.user)
    except rectification.CorrectionRefused as exc:
        return _review_page(request, _get(request_id), error=exc.message, status=409)
    messages.success(request, _("Correction applied; the member is told."))
    return HttpResponseRedirect(reverse("wagtail_gdpr_corrections:index"), status=303)


@managers_only
@require_POST
def reject(request, request_id):
    dsr = _get(request_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _review_page(request, dsr, reject_form=form, status=400)
    try:
        rectification.reject(dsr, request.user, form.cleaned_data["reason"])
    except rectification.CorrectionRefused as exc:
        return _review_page(request, _get(request_id), reject_form=form, error=exc.message,
                            status=409)  # fmt: skip
    messages.success(request, _("Correction rejected; the member is told why."))
    return HttpResponseRedirect(reverse("wagtail_gdpr_corrections:index"), status=303)
