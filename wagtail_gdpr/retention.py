"""Deprecated alias of :mod:`wagtail_gdpr.erasure.retention`, for one release: it goes in 0.3."""

from wagtail_gdpr.deprecation import moved
from wagtail_gdpr.erasure.retention import *  # noqa: F403

moved(__name__, "wagtail_gdpr.erasure.retention")
