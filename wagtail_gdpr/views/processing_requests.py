"""Members ask for restriction or objection, and read one request's page; logic in the services."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import processing, recipients
from wagtail_gdpr.models import DataSubjectRequest
from wagtail_gdpr.views.privacy_centre import render_centre


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
        max_length=processing.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = processing.purpose_choices()


def new_request(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = ProcessingRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                dsr = processing.request_change(
                    request.user,
                    form.cleaned_data["kind"],
                    form.cleaned_data["purpose"],
                    form.cleaned_data["reason"],
                    request=request,
                )
            except processing.ProcessingRequestRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _("Thank you: we have your request."))
                return HttpResponseRedirect(
                    f"{page.get_url(request)}requests/{dsr.pk}/", status=303
                )
    return render_centre(
        request,
        page,
        "processing_request.html",
        {"form": form, "in_force": _in_force(request.user)},
        section="requests/",
        status=status,
    )


def _in_force(user) -> list[DataSubjectRequest]:
    return [
        dsr
        for dsr in DataSubjectRequest.objects.filter(
            member=user, kind__in=processing.KINDS, status=DataSubjectRequest.DONE
        ).order_by("-completed_at")
        if (dsr.outcome or {}).get("active")
    ]


def request_detail(request, page, request_id):
    """One of the member's own requests: what it is, where it stands, who was told of it."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id, member=request.user).first()
    if dsr is None:
        raise Http404
    payload, outcome = dsr.payload or {}, dsr.outcome or {}
    purpose = outcome.get("purpose") or payload.get("purpose")
    return render_centre(
        request,
        page,
        "request_detail.html",
        {
            "dsr": dsr,
            "purpose_name": (outcome.get("purpose_name") or payload.get("purpose_name"))
            if purpose
            else "",
            "in_force": outcome.get("active") if dsr.kind in processing.KINDS else None,
            "accepted_at": parse_datetime(outcome.get("accepted_at") or ""),
            "lifted_at": parse_datetime(outcome.get("lifted_at") or ""),
            "reason": payload.get("reason", "") if dsr.kind in processing.KINDS else "",
            "recipients": recipients.for_display(dsr),
            "is_copy": dsr.kind in (DataSubjectRequest.ACCESS, DataSubjectRequest.PORTABILITY),
        },
        section="requests/",
    )
