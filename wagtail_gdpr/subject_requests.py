"""Deprecated: the worker queue is :mod:`wagtail_gdpr.requests.worker_queue`; asking for a copy
is :mod:`wagtail_gdpr.access.copies`, for erasure :mod:`wagtail_gdpr.erasure.requests`. This
path goes in 0.3."""

from wagtail_gdpr.access.copies import RequestRefused, request_copy  # noqa: F401
from wagtail_gdpr.access.copies import cooldown as access_cooldown  # noqa: F401
from wagtail_gdpr.deprecation import moved
from wagtail_gdpr.erasure.requests import cancel_erasure, request_erasure  # noqa: F401
from wagtail_gdpr.requests.legal_clock import response_days  # noqa: F401
from wagtail_gdpr.requests.worker_queue import *  # noqa: F403
from wagtail_gdpr.requests.worker_queue import release_scheduled as release_due_erasures  # noqa: F401

moved(__name__, "wagtail_gdpr.requests.worker_queue")
