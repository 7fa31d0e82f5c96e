"""A busy database answers in plain words: SQLite's "database is locked" becomes a 409 page.

SQLite lets one writer at a time; when two members click at once, the second may wait past the
timeout and Django raises ``OperationalError``. That is not a fault of the site, and nothing was
written: the member reads that the site was busy and may try again, never a server error.
PostgreSQL queues such writers on its row locks instead, so there this never fires.
"""

from django.db import OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _

from wagtail_gdpr.conf import app_settings

#: What SQLite says when another connection holds the write lock too long.
LOCKED = ("database is locked", "database table is locked")


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(text in str(exc) for text in LOCKED)


class DatabaseBusyMiddleware:
    """Turn "database is locked" into a 409 with a plain message. Place it anywhere after
    ``SessionMiddleware``; the add-on's pages and admin views are covered alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_locked(exception):
            return None
        return busy_page(request)


def busy_page(request):
    response = render(
        request,
        "wagtail_gdpr/message.html",
        {
            "message": _(
                "The site was busy with another change and could not save yours. "
                "Nothing was changed: please try again in a moment."
            ),
            "back_url": request.get_full_path(),
            "gdpr_base_template": app_settings.BASE_TEMPLATE,
        },
        status=409,
    )
    response["Retry-After"] = "2"
    return response
