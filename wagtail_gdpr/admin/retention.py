"""The next retention sweep, as a dry run staff read in the admin: nothing is recorded."""

from django.template.response import TemplateResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.erasure import retention


@managers_only
@require_GET
def next_sweep(request):
    return TemplateResponse(
        request,
        "wagtail_gdpr/admin/next_sweep.html",
        {"rows": retention.next_sweep()},
    )


def urls() -> list:
    """The page's URL (``wagtail_gdpr_retention:next``), for ``register_admin_urls``."""
    patterns = [path("", next_sweep, name="next")]
    return [path("gdpr/retention/next/", include((patterns, "wagtail_gdpr_retention")))]
