"""Small helpers the member-facing views share."""

from django.conf import settings
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

DEFAULT_BASE_TEMPLATE = "wagtail_gdpr/base.html"


def base_template() -> str:
    """The template member pages extend: ``WAGTAIL_GDPR_BASE_TEMPLATE``, to match the site."""
    return getattr(settings, "WAGTAIL_GDPR_BASE_TEMPLATE", DEFAULT_BASE_TEMPLATE)


def safe_next(request, candidate: str | None, default: str = "/") -> str:
    """``candidate`` if it stays on this site, else ``default``: no open redirects."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def message_page(request, message, *, status, back_url="/"):
    """A plain page that explains why something was refused, with a way back."""
    return render(
        request,
        "wagtail_gdpr/message.html",
        {"message": message, "back_url": back_url, "gdpr_base_template": base_template()},
        status=status,
    )
