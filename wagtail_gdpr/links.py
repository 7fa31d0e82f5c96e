"""Absolute links into the privacy centre, for emails and admin views."""

from django.conf import settings
from wagtail.models import Site

from wagtail_gdpr.models import GdprSettings


def privacy_centre_url(site=None) -> str:
    """The privacy centre page's full URL ('' when the site has none configured)."""
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    page = GdprSettings.for_site(site).privacy_centre_page
    if page is None:
        return ""
    url = page.specific.get_full_url() or ""
    if url.startswith("/"):
        url = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + url
    return url


def request_status_url(dsr) -> str:
    base = privacy_centre_url()
    if not base:
        return ""
    if dsr.member_id is None:
        return ""  # a request from the public form: its page is for members only
    section = "copy" if dsr.kind in ("access", "portability") else "requests"
    return f"{base}{section}/{dsr.pk}/"
