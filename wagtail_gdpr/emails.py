"""Deprecated: emails are sent by :mod:`wagtail_gdpr.mail`, those about a request by
:mod:`wagtail_gdpr.requests.member_emails`. This path goes in 0.3."""

from wagtail_gdpr.deprecation import moved
from wagtail_gdpr.erasure.execution import send_receipt  # noqa: F401
from wagtail_gdpr.mail import render as render_message  # noqa: F401
from wagtail_gdpr.requests.member_emails import send_after_commit  # noqa: F401
from wagtail_gdpr.requests.member_emails import send_now as send_request_email  # noqa: F401

moved(__name__, "wagtail_gdpr.mail")
