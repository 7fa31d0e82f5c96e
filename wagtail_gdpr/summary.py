"""Deprecated alias of :mod:`wagtail_gdpr.access.summary`, for one release: it goes in 0.3."""

from wagtail_gdpr.access.summary import *  # noqa: F403
from wagtail_gdpr.deprecation import moved

moved(__name__, "wagtail_gdpr.access.summary")
