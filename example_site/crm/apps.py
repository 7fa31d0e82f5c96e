from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """A small customer-relationship system of its own, beside the portal: its own tables, its
    own HTTP endpoint, reached only through the connector protocol (never through the add-on's
    Python API), so that it behaves as the company's other systems do."""

    name = "example_site.crm"
    label = "crm"
    verbose_name = _("Customer service system (CRM)")
    default_auto_field = "django.db.models.BigAutoField"
