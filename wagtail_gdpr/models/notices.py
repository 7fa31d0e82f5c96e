"""A path that migrations name: ``PrivacyNoticeMixin`` is a base of every notice page type.

Migrations written with wagtail-gdpr 0.1 import the mixin from here (``bases=(...)``); it lives
in :mod:`wagtail_gdpr.pages.notice`. Kept as long as such migrations exist.
"""

from wagtail_gdpr.pages.notice import (  # noqa: F401
    AbstractPrivacyNoticePage,
    PrivacyNoticeMixin,
    PrivacyNoticePage,
)
