"""Members ask for restriction of processing or object to it; the rules are in the service."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import restriction_objection, routes
from wagtail_gdpr.tables import DataSubjectRequest
from wagtail_gdpr.views.common import render_centre


class ProcessingRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What do you ask for?"),
        widget=forms.RadioSelect,
        choices=[
            (DataSubjectRequest.RESTRICTION,
             gettext_lazy("Restriction: keep my data, but do not use it for this for now")),
            (DataSubjectRequest.OBJECTION,
             gettext_lazy("Objection: stop using my data for this, because of my situation")),
        ],
    )  # fmt: skip
    purpose = forms.ChoiceField(label=gettext_lazy("For what?"))
    reason = forms.CharField(
        label=gettext_lazy("Why? (optional)"),
        help_text=gettext_lazy(
            "For an objection, tell us about your particular situation: it helps us decide."
        ),
        required=False,
        max_length=restriction_objection.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = restriction_objection.member_choices()


def new_request(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = ProcessingRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                dsr = restriction_objection.request_change(
                    request.user,
                    form.cleaned_data["kind"],
                    form.cleaned_data["purpose"],
                    form.cleaned_data["reason"],
                    request=request,
                )
            except restriction_objection.ProcessingRequestRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _("Thank you: we have your request."))
                url = routes.route_url(page, "request_detail", dsr.pk, request=request)
                return HttpResponseRedirect(url, status=303)
    return render_centre(
        request,
        page,
        "processing_request.html",
        {
            "form": form,
            "in_force": restriction_objection.in_force(request.user).order_by("-completed_at"),
        },
        section="my_requests",
        status=status,
    )
