"""Links into the privacy centre and the Wagtail admin, built from route names.

The privacy centre is a RoutablePage: every link to one of its sub-pages is made with
``reverse_subpage`` (here) or ``{% routablepageurl %}`` (in templates), never from a URL fragment.
Links that leave the site in an email are absolute, from the Wagtail Site's root URL; links into
the admin come from Wagtail's admin URL finder, so nothing here knows how the admin is built.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import register_converter
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Site

from wagtail_gdpr.tables import DataSubjectRequest, GdprSettings

#: The largest id a URL may name: a database's 64-bit integer (SQLite refuses anything larger).
MAX_ID = 2**63 - 1


def parse_id(text) -> int | None:
    """``text`` as a row id (plain ASCII digits, within 64 bits), or ``None``: no query ever
    sees a value the database would refuse, so a strange id is a plain "not found"."""
    text = str(text)
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class IdConverter:
    """``<gdpr_id:name>`` in a URL: a row id, matched only when :func:`parse_id` accepts it."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # Django reads this as "no match": a 404
        return parsed

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "gdpr_id")

#: The privacy centre's route that shows one request, by kind; others use ``request_detail``.
REQUEST_ROUTES = {
    DataSubjectRequest.ACCESS: "copy_status",
    DataSubjectRequest.PORTABILITY: "copy_status",
    DataSubjectRequest.ERASURE: "erasure_status",
}


def default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first()


def centre_page(site: Site | None = None, request=None):
    """The live privacy centre page named in the site's privacy settings, or ``None``."""
    page = GdprSettings.current(request, site=site).privacy_centre_page
    if page is None or not page.live:
        return None
    page = page.specific
    return page if isinstance(page, RoutablePageMixin) else None


def centre_url(route: str = "overview", *args, site=None, request=None, absolute=False) -> str:
    """The URL of one of the privacy centre's routes ('' when the site has no privacy centre).

    ``absolute`` links (for emails) start with the Site's root URL.
    """
    page = centre_page(site, request)
    if page is None:
        return ""
    return route_url(page, route, *args, request=request, absolute=absolute)


def route_url(page, route: str, *args, request=None, absolute=False) -> str:
    """The URL of route ``route`` of the routable ``page``."""
    base = page.get_full_url(request) if absolute else page.get_url(request)
    if not base:
        return ""
    if absolute and base.startswith("/"):  # a page outside every site: the admin's base URL
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + base
    if not base.endswith("/"):
        base += "/"
    return base + page.reverse_subpage(route, args=args)


def request_route(dsr: DataSubjectRequest) -> str:
    """The privacy centre's route that shows ``dsr`` to its member."""
    return REQUEST_ROUTES.get(dsr.kind, "request_detail")


def request_url(dsr: DataSubjectRequest, *, absolute: bool = True, request=None) -> str:
    """Where the member follows ``dsr``; '' for a request no member is linked to."""
    if dsr.member_id is None:
        return ""  # a request from the public form: the privacy centre is for members only
    return centre_url(request_route(dsr), dsr.pk, absolute=absolute, request=request)


def admin_url(instance, user=None) -> str:
    """The full URL of ``instance``'s page in the Wagtail admin ('' when it has none)."""
    path = AdminURLFinder(user).get_edit_url(instance)
    if not path:
        return ""
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path
