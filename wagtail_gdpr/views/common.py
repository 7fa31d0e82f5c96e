"""What the member-facing views share: the base template, safe redirects, the privacy centre's
frame and a page that explains a refusal."""

from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from wagtail_gdpr import routes
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.headers import personal

# The privacy centre's menu: (route, label). Lazy: translated in the member's language.
NAVIGATION = [
    ("overview", gettext_lazy("Overview")),
    ("my_data", gettext_lazy("My data")),
    ("request_copy", gettext_lazy("Get a copy")),
    ("correct", gettext_lazy("Correct my data")),
    ("my_consents", gettext_lazy("My consents")),
    ("my_activity", gettext_lazy("My activity")),
    ("security_notices", gettext_lazy("Security notices")),
    ("my_requests", gettext_lazy("My requests")),
    ("erase", gettext_lazy("Delete my data")),
]


def base_template() -> str:
    """The template member pages extend: ``WAGTAIL_GDPR_BASE_TEMPLATE``, to match the site."""
    return app_settings.BASE_TEMPLATE


def safe_next(request, candidate: str | None, default: str = "/") -> str:
    """``candidate`` if it stays on this site, else ``default``: no open redirects."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def message_page(request, message, *, status, back_url="/"):
    """A plain page that explains why something was refused, with a way back."""
    response = render(
        request,
        "wagtail_gdpr/message.html",
        {"message": message, "back_url": back_url, "gdpr_base_template": base_template()},
        status=status,
    )
    return personal(response)


def render_centre(request, page, template, context, *, section, status=200):
    """A privacy-centre sub-page, ``section`` (a route name) marked as the current one."""
    context = {
        **context,
        "page": page,
        "self": page,
        # Templates of 0.1 built links from it; use {% routablepageurl page "name" %} instead.
        "centre_url": page.get_url(request),
        "navigation": [
            (routes.route_url(page, route, request=request), label, route == section)
            for route, label in NAVIGATION
        ],
        "gdpr_base_template": base_template(),
    }
    response = TemplateResponse(
        request, f"wagtail_gdpr/privacy_centre/{template}", context, status=status
    )
    return personal(response)
