"""Who may open the add-on's admin pages: staff who may work the privacy request queue."""

from functools import wraps

from django.template.response import TemplateResponse

from wagtail_gdpr.staff.people import can_manage


def managers_only(view):
    """A plain 403 for everyone else (raising PermissionDenied would make Wagtail redirect)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user):
            return TemplateResponse(request, "wagtail_gdpr/admin/forbidden.html", {}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
