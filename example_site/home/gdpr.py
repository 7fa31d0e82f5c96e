"""Fields of the page models that look personal to the system check but hold no member's data.

What members send through a form page is stored by Wagtail as a form submission; the add-on
declares those itself (``wagtail_gdpr.builtin.FormSubmissionData``).
"""

from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import registry

from .models import FormPage

registry.exclude(
    FormPage,
    "to_address",
    reason=_("The site's own inbox that form answers are sent to, set by editors."),
)
registry.exclude(
    FormPage,
    "from_address",
    reason=_("The site's own sender address for form notifications, set by editors."),
)
