from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailGdprConfig(AppConfig):
    name = "wagtail_gdpr"
    label = "wagtail_gdpr"
    verbose_name = _("Privacy (GDPR)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: each needs the models, which Django loads after it
        # has created this config.
        from wagtail_gdpr import (  # noqa: PLC0415
            checks,  # noqa: F401  (registers the system checks)
            signal_handlers,
            tasks,  # noqa: F401  (registers the Celery tasks that jobs are sent to)
        )
        from wagtail_gdpr.registry import autodiscover  # noqa: PLC0415

        signal_handlers.connect()
        autodiscover()
