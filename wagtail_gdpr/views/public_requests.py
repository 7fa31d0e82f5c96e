"""The public request form of the privacy centre: thin callers of ``wagtail_gdpr.public_requests``.

Open to everybody, logged in or not. Every answer is the same whatever address is typed in.
"""

from django import forms
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from wagtail_gdpr import public_requests, restriction_objection, routes
from wagtail_gdpr.tables import DataSubjectRequest
from wagtail_gdpr.views.common import base_template

KIND_CHOICES = [
    (DataSubjectRequest.ACCESS, _("Send me a copy of my data (access)")),
    (DataSubjectRequest.RECTIFICATION, _("Correct my data (rectification)")),
    (DataSubjectRequest.ERASURE, _("Delete my data (erasure)")),
    (DataSubjectRequest.RESTRICTION, _("Limit what you do with my data (restriction)")),
    (DataSubjectRequest.OBJECTION, _("Stop using my data for a purpose (objection)")),
]


class PublicRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send a link to this address: your request goes on once you open it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    purpose = forms.ChoiceField(
        label=_("For a restriction or an objection: which use of your data?"),
        help_text=_("Leave it as it is for the other kinds of request."),
        required=False,
    )
    message = forms.CharField(
        label=_("Anything we should know"),
        help_text=_(
            "For a correction: which data is wrong, and what is right. Otherwise optional: for "
            "example, which data you mean."
        ),
        required=False,
        max_length=public_requests.MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "—"), *restriction_objection.member_choices()]
        self.fields["purpose"].widget.attrs["aria-describedby"] = "id_purpose_help"

    def clean(self):
        """Each kind of request brings what staff need to act on it."""
        cleaned = super().clean()
        kind, purpose = cleaned.get("kind"), cleaned.get("purpose", "")
        if kind in restriction_objection.KINDS:
            if not purpose:
                self.add_error("purpose", _("Choose which use of your data you mean."))
            else:
                try:
                    restriction_objection.check_purpose(kind, purpose)
                except restriction_objection.ProcessingRequestRefused as exc:
                    self.add_error("purpose", exc.message)
        elif kind == DataSubjectRequest.RECTIFICATION and not cleaned.get("message"):
            self.add_error("message", _("Tell us which data is wrong, and what is right."))
        if kind not in restriction_objection.KINDS:
            cleaned["purpose"] = ""
        return cleaned


def _render(request, page, template, context, *, status=200):
    context = {
        **context,
        "page": page,
        "self": page,
        # Templates of 0.1 built links from it; use {% routablepageurl page "name" %} instead.
        "centre_url": page.get_url(request),
        "gdpr_base_template": base_template(),
    }
    return TemplateResponse(
        request, f"wagtail_gdpr/privacy_centre/{template}", context, status=status
    )


@never_cache
def request_form(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = PublicRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            public_requests.submit(
                form.cleaned_data["kind"],
                form.cleaned_data["email"],
                form.cleaned_data["message"],
                request=request,
                centre=page,
                purpose=form.cleaned_data["purpose"],
            )
        except public_requests.Throttled as exc:
            return _render(
                request, page, "public_request.html", {"form": form, "refusal": exc.message},
                status=429,
            )  # fmt: skip
        # The same redirect for every address: nothing tells whether it has an account.
        sent = routes.route_url(page, "public_request_sent", request=request)
        return HttpResponseRedirect(sent, status=303)
    status = 400 if request.method == "POST" else 200
    return _render(request, page, "public_request.html", {"form": form}, status=status)


def request_sent(request, page):
    return _render(
        request,
        page,
        "public_request_sent.html",
        {"valid_hours": int(public_requests.link_lifetime().total_seconds() // 3600)},
    )


@never_cache
def confirm(request, page, token):
    """GET shows a button, POST confirms: mail scanners that open links use up nothing."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        if request.method == "POST":
            dsr = public_requests.confirm(token)
            response = _render(request, page, "public_request_confirmed.html", {"dsr": dsr})
            response["Referrer-Policy"] = "no-referrer"
            return response
        dsr = public_requests.check(token)
    except public_requests.LinkRefused as exc:
        response = _render(
            request, page, "public_request_confirm.html", {"refusal": exc.message}, status=400
        )
    else:
        response = _render(
            request,
            page,
            "public_request_confirm.html",
            {
                "dsr": dsr,
                "action": routes.route_url(page, "confirm_public_request", token, request=request),
            },
        )
    response["Referrer-Policy"] = "no-referrer"  # the link must not travel on to other sites
    return response
