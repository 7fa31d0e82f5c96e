"""Deprecated alias of :mod:`wagtail_gdpr.erasure.log`, for one release: it goes in 0.3."""

from wagtail_gdpr.deprecation import moved
from wagtail_gdpr.erasure.log import *  # noqa: F403
from wagtail_gdpr.erasure.replay import replay  # noqa: F401

moved(__name__, "wagtail_gdpr.erasure.log")
