"""Erasure in the privacy centre: the plan first, then password, then (maybe) a grace period."""

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy

from wagtail_gdpr import erasure, routes
from wagtail_gdpr.erasure import requests as erasure_requests
from wagtail_gdpr.tables import DataSubjectRequest, GdprSettings
from wagtail_gdpr.views.common import base_template, personal, render_centre
from wagtail_gdpr.views.following import follow_context


class ConfirmErasureForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To make sure it is really you."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone."), required=True
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            erasure.check_password(self.user, password, request=self.request)
        except erasure.WrongPassword as exc:
            code = "throttled" if exc.throttled else "wrong_password"
            raise forms.ValidationError(exc.message, code=code) from None
        return password


def erase(request, page):
    existing = erasure_requests.open_erasure(request.user)
    if existing is not None:
        return HttpResponseRedirect(
            routes.route_url(page, "erasure_status", existing.pk, request=request)
        )
    plan = erasure.build_plan(request.user)
    form = ConfirmErasureForm(request.POST or None, user=request.user, request=request)
    status = 200
    if request.method == "POST":
        if plan.blocked_by:
            status = 409
        elif form.is_valid():
            try:
                dsr = erasure.request_erasure(request.user, request=request)
            except erasure.RequestRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                dsr.refresh_from_db()
                if dsr.status == DataSubjectRequest.SCHEDULED:
                    url = routes.route_url(page, "erasure_status", dsr.pk, request=request)
                    return HttpResponseRedirect(url, status=303)
                # Done already, or in a worker's hands: end the session without recording a
                # logout for an account that may no longer exist.
                request.session.flush()
                request.user = AnonymousUser()
                return personal(
                    TemplateResponse(
                        request,
                        "wagtail_gdpr/privacy_centre/erase_done.html",
                        {"dsr": dsr, "gdpr_base_template": base_template()},
                    )
                )
        else:
            status = 400
    facts = erasure.erasure_facts(plan, GdprSettings.current(request))
    return render_centre(
        request,
        page,
        "erase.html",
        {"plan": plan, "facts": facts, "form": form},
        section="erase",
        status=status,
    )


def erasure_status(request, page, request_id):
    dsr = erasure_requests.for_member(request.user, request_id)
    if dsr is None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "cancel":
        erasure.cancel_erasure(request.user, dsr.pk)
        url = routes.route_url(page, "erasure_status", dsr.pk, request=request)
        return HttpResponseRedirect(url, status=303)
    return render_centre(
        request,
        page,
        "erasure_status.html",
        {
            "dsr": dsr,
            "cancellable": dsr.status == DataSubjectRequest.SCHEDULED,
            **follow_context(dsr),
        },
        section="erase",
    )
