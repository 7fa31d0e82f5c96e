"""A form's retention period: a number and a unit, bounded by the site's maximum."""

from __future__ import annotations

from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import unmigrated
from wagtail_gdpr.registry import DELETE, Retention
from wagtail_gdpr.tables import GdprSettings
from wagtail_gdpr.tables.site_settings import DAYS, MONTHS, RETENTION_UNITS, YEARS

__all__ = ["DAYS", "MONTHS", "RETENTION_UNITS", "YEARS", "as_retention", "longer_than"]

#: Why a form's submissions go when they do, in words members read.
FORM_REASON = _("Set for this form by the site's editors: we no longer need your answers then")
DEFAULT_REASON = _("We no longer need what you sent us through the form then")
EVENT = _("you sent the form")


def as_retention(amount: int, unit: str, reason=FORM_REASON) -> Retention:
    """The registry's retention rule for ``amount`` ``unit`` counted from the submission."""
    if unit not in (DAYS, MONTHS, YEARS):
        raise ValueError(f"unknown unit {unit!r}")
    return Retention(
        from_field="submit_time",
        reason=reason,
        then=DELETE,
        event=EVENT,
        **{unit: int(amount)},
    )


def site_default(site=None) -> Retention:
    """The retention of forms that do not set their own (and of forms with no privacy tab).

    Before ``migrate`` (the record of processing is also made from the code alone), the
    settings' defaults.
    """
    try:
        settings = GdprSettings.current(site=site)
    except DatabaseError as error:
        if not unmigrated.table_missing(error):
            raise
        settings = GdprSettings()
    return as_retention(settings.form_retention, settings.form_retention_unit, DEFAULT_REASON)


def site_maximum(site=None) -> Retention:
    settings = GdprSettings.current(site=site)
    return as_retention(settings.form_retention_max, settings.form_retention_max_unit)


def longer_than(retention: Retention, limit: Retention, now: datetime | None = None) -> bool:
    """Does ``retention`` keep submissions longer than ``limit``, counted from ``now``?"""
    now = now or timezone.now()
    return retention.expires(now) > limit.expires(now)
