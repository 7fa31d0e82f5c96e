"""Deprecated alias of :mod:`wagtail_gdpr.consent.notices`, for one release: it goes in 0.3."""

from wagtail_gdpr.consent.notices import *  # noqa: F403
from wagtail_gdpr.deprecation import moved

moved(__name__, "wagtail_gdpr.consent.notices")
