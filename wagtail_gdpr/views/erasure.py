"""Erasure in the privacy centre: the plan first, then password, then (maybe) a grace period."""

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import activity, erasure, subject_requests
from wagtail_gdpr.models import DataSubjectRequest, MemberActivity
from wagtail_gdpr.views.common import base_template
from wagtail_gdpr.views.privacy_centre import render_centre


class ConfirmErasureForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To make sure it is really you."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone."), required=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    #: Wrong passwords allowed per member and hour: a session left open must not become a
    #: way to guess the password (and then erase the account).
    MAX_FAILURES = 5

    def _failures_key(self):
        return f"wagtail_gdpr:erasure-password:{self.user.pk}"

    def clean_password(self):
        password = self.cleaned_data["password"]
        failures = cache.get(self._failures_key(), 0)
        if failures >= self.MAX_FAILURES:
            raise forms.ValidationError(
                _("Too many wrong passwords. Please try again in an hour."), code="throttled"
            )
        if not self.user.check_password(password):
            cache.set(self._failures_key(), failures + 1, 3600)
            activity.record(self.user, MemberActivity.LOGIN_FAILED, detail="erasure confirmation")
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


def _open_erasure(user):
    return DataSubjectRequest.objects.filter(
        member=user, kind=DataSubjectRequest.ERASURE, status__in=DataSubjectRequest.OPEN_STATUSES
    ).first()


def erase(request, page):
    existing = _open_erasure(request.user)
    if existing is not None:
        return HttpResponseRedirect(f"{page.get_url(request)}erase/{existing.pk}/")
    plan = erasure.build_plan(request.user)
    form = ConfirmErasureForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if plan.blocked_by:
            status = 409
        elif form.is_valid():
            try:
                dsr = subject_requests.request_erasure(request.user, request=request)
            except subject_requests.RequestRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                dsr.refresh_from_db()
                if dsr.status == DataSubjectRequest.SCHEDULED:
                    return HttpResponseRedirect(
                        f"{page.get_url(request)}erase/{dsr.pk}/", status=303
                    )
                # Done already, or in a worker's hands: end the session without recording a
                # logout for an account that may no longer exist.
                request.session.flush()
                request.user = AnonymousUser()
                return TemplateResponse(
                    request,
                    "wagtail_gdpr/privacy_centre/erase_done.html",
                    {"dsr": dsr, "gdpr_base_template": base_template()},
                )
        else:
            status = 400
    return render_centre(
        request, page, "erase.html", {"plan": plan, "form": form}, section="erase/", status=status
    )


def erasure_status(request, page, request_id):
    dsr = DataSubjectRequest.objects.filter(
        pk=request_id, member=request.user, kind=DataSubjectRequest.ERASURE
    ).first()
    if dsr is None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "cancel":
        subject_requests.cancel_erasure(request.user, dsr.pk)
        return HttpResponseRedirect(f"{page.get_url(request)}erase/{dsr.pk}/", status=303)
    return render_centre(
        request,
        page,
        "erasure_status.html",
        {"dsr": dsr, "cancellable": dsr.status in (DataSubjectRequest.SCHEDULED,)},
        section="erase/",
    )
