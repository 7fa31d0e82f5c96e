from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailGdprConfig(AppConfig):
    name = "wagtail_gdpr"
    label = "wagtail_gdpr"
    verbose_name = _("Privacy (GDPR)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail_gdpr import (
            checks,  # noqa: F401  (registers the system checks)
            signal_handlers,
        )
        from wagtail_gdpr.registry import autodiscover

        signal_handlers.connect()
        autodiscover()
