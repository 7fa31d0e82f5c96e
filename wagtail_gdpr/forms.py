"""Deprecated alias of :mod:`wagtail_gdpr.views.forms`, for one release: it goes in 0.3."""

from wagtail_gdpr.deprecation import moved
from wagtail_gdpr.views.forms import *  # noqa: F403

moved(__name__, "wagtail_gdpr.views.forms")
