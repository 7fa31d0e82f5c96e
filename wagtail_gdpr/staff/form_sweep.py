"""Telling staff ahead of the retention sweep which forms' submissions it will delete.

Sent by the periodic job ``wagtail_gdpr.send_form_sweep_notice`` (``manage.py
gdpr_form_sweep_notice``), once a day, to the privacy officers, each in their admin language,
when submissions will go within the site's ``form_sweep_notice_days``: which forms, how many,
from which day. Nothing is sent when nothing will go.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from wagtail_gdpr import mail
from wagtail_gdpr.form_privacy.upcoming import upcoming_removals
from wagtail_gdpr.staff.people import admin_language, privacy_officers
from wagtail_gdpr.tables import GdprSettings

logger = logging.getLogger(__name__)


def send_form_sweep_notice(now: datetime | None = None, days: int | None = None) -> int:
    """Email the privacy officers what the sweeps of the next ``days`` delete; returns how
    many were emailed."""
    now = now or timezone.now()
    if days is None:
        days = GdprSettings.current().form_sweep_notice_days
    forms = upcoming_removals(days, now)
    if not forms:
        return 0
    context = {"forms": forms, "days": days, "total": sum(form.count for form in forms)}
    sent = 0
    for user in privacy_officers():
        address = (getattr(user, user.get_email_field_name(), "") or "").strip()
        if not address:
            continue
        mail.send("form_sweep_notice", address, context, language=admin_language(user))
        sent += 1
    logger.info("Form sweep notice sent to %d people.", sent)
    return sent
