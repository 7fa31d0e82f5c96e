"""The same site without the consent middleware: the baseline of the add-on's cost per request."""

from load_settings import *  # noqa: F403
from load_settings import MIDDLEWARE

MIDDLEWARE = [m for m in MIDDLEWARE if m != "wagtail_gdpr.middleware.ConsentGateMiddleware"]
