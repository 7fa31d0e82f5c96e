"""The legal clock: a request is due one calendar month after receipt (GDPR Art. 12(3))."""

from datetime import datetime, timedelta

from django.utils import timezone

from wagtail_gdpr.periods import shift_months


def due_date(received_at: datetime, response_days: int | None = None) -> datetime:
    """One calendar month after receipt (31 January → 28/29 February), or ``response_days``.

    Site settings hold ``response_days``; 30 (the default) means "one calendar month".
    """
    local = timezone.localtime(received_at) if timezone.is_aware(received_at) else received_at
    if response_days in (None, 30):
        return shift_months(local, 1)  # the calendar as the site's members live it
    return local + timedelta(days=response_days)
