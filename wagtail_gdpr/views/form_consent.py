"""The link in a form's confirmation email that withdraws the consent given on it.

Open to everybody, logged in or not: the signed link is what counts. GET shows what would be
withdrawn and a button; POST withdraws (mail scanners that open links withdraw nothing). A link
that is not valid, has expired or is spent gets a plain page saying so.
"""

from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from wagtail_gdpr import readable, routes
from wagtail_gdpr.form_privacy import consent as form_consent
from wagtail_gdpr.views.common import base_template


def _render(request, page, context, *, status=200):
    context = {**context, "page": page, "self": page, "gdpr_base_template": base_template()}
    response = TemplateResponse(
        request, "wagtail_gdpr/privacy_centre/form_consent_withdraw.html", context, status=status
    )
    response["Referrer-Policy"] = "no-referrer"  # the link must not travel on to other sites
    return response


def _described(entry) -> dict:
    form = entry.source_page
    return {
        "purpose_name": entry.purpose.for_reader().name,
        "form_title": form.title if form is not None else "",
        "given_on": readable.moment(entry.created_at),
    }


@never_cache
def withdraw(request, page, token):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        if request.method == "POST":
            withdrawal = form_consent.withdraw_by_link(token, request=request)
            return _render(
                request,
                page,
                {
                    "done": True,
                    "purpose_name": withdrawal.purpose.for_reader().name,
                    "withdrawn_on": readable.moment(withdrawal.created_at),
                },
            )
        entry = form_consent.check(token)
    except form_consent.LinkRefused as exc:
        return _render(request, page, {"refusal": exc.message}, status=400)
    action = routes.route_url(page, "withdraw_form_consent", token, request=request)
    return _render(request, page, {**_described(entry), "action": action})
