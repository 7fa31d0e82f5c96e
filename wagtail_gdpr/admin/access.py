"""Who may open the add-on's admin pages: staff who may work the privacy request queue."""

from functools import wraps

from django.template.response import TemplateResponse

from wagtail_gdpr.headers import personal
from wagtail_gdpr.staff.people import can_manage


def managers_only(view):
    """A plain 403 for everyone else (raising PermissionDenied would make Wagtail redirect).

    What these pages show is about members: no answer of theirs is ever cached."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user):
            return personal(
                TemplateResponse(request, "wagtail_gdpr/admin/forbidden.html", {}, status=403)
            )
        return personal(view(request, *args, **kwargs))

    return wrapper
