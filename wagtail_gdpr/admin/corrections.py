"""The list of proposed corrections waiting for review, beside the request queue.

Each links to the request's own page, where staff approve or reject it as they act on any
request: through the staff actions.
"""

from django.template.response import TemplateResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from wagtail_gdpr import rectification
from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.admin.queue import request_url


def _what(dsr) -> str:
    """ "Birth date (Your profile)": the field and the data it belongs to, by their names."""
    payload = dsr.payload or {}
    declaration = rectification.declaration_for(payload.get("model", ""))
    label = payload.get("label", "")
    return f"{label} ({declaration.display_name})" if declaration else label


@managers_only
@require_GET
def index(request):
    requests = list(rectification.waiting_for_review())
    rows = [(dsr, request_url(dsr, request.user), _what(dsr)) for dsr in requests]
    return TemplateResponse(
        request,
        "wagtail_gdpr/admin/corrections_index.html",
        {"rows": rows, "requests": requests, "now": timezone.now()},
    )


def urls() -> list:
    """The list's URL (``wagtail_gdpr_corrections:index``), for ``register_admin_urls``."""
    patterns = [path("", index, name="index")]
    return [path("gdpr/corrections/", include((patterns, "wagtail_gdpr_corrections")))]
