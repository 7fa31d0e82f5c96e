"""A path that migrations name: ``PrivacyCentreMixin`` is a base of every privacy centre page.

Migrations written with wagtail-gdpr 0.1 import the mixin from here (``bases=(...)``); it lives
in :mod:`wagtail_gdpr.pages.privacy_centre`. Kept as long as such migrations exist.
"""

from wagtail_gdpr.pages.privacy_centre import (  # noqa: F401
    AbstractPrivacyCentrePage,
    PrivacyCentreMixin,
    PrivacyCentrePage,
)
