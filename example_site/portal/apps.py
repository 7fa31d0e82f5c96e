from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "example_site.portal"
    label = "portal"
    verbose_name = _("Member portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the newsletter list in step with consent)
