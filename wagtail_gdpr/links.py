"""Deprecated: links are built by :mod:`wagtail_gdpr.routes`. This path goes in 0.3."""

from wagtail_gdpr import routes
from wagtail_gdpr.deprecation import moved


def privacy_centre_url(site=None) -> str:
    return routes.centre_url("overview", site=site, absolute=True)


def request_status_url(dsr) -> str:
    return routes.request_url(dsr)


moved(__name__, "wagtail_gdpr.routes")
