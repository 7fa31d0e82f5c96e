"""Which forms' submissions the retention sweep will delete soon, and how many: what staff are
told ahead of it, and when one submission goes (the admin's submissions listing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min
from django.utils import timezone

from wagtail_gdpr import readable
from wagtail_gdpr.form_privacy.declarations import FormsData
from wagtail_gdpr.registry import registry


@dataclass
class UpcomingRemoval:
    """One form (or the forms without a privacy tab) whose submissions go within the window."""

    name: str
    count: int
    #: The first day one of them goes (today, for those the next sweep removes).
    first_day: date
    page_id: int | None


def form_activities() -> list[FormsData]:
    return [a for a in registry.activities() if isinstance(a, FormsData) and a.retention]


def upcoming_removals(days: int, now: datetime | None = None) -> list[UpcomingRemoval]:
    """Per form, the submissions that are past their retention ``days`` from ``now``: those
    the sweeps until then delete (legal holds aside, which only ever keep more)."""
    now = now or timezone.now()
    upcoming = []
    for activity in form_activities():
        going = activity.all_rows().filter(
            submit_time__lt=activity.retention.cutoff(now + timedelta(days=days))
        )
        found = going.aggregate(count=Count("pk"), first=Min("submit_time"))
        if found["first"] is None:
            continue
        first = max(activity.retention.expires(found["first"]), now)
        page = getattr(activity, "page", None)
        upcoming.append(
            UpcomingRemoval(
                name=activity.display_name,
                count=found["count"],
                first_day=readable.local_day(first),
                page_id=page.pk if page is not None else None,
            )
        )
    return upcoming


def goes_on(page, submit_time: datetime) -> date:
    """The day the sweep deletes a submission of ``page`` sent at ``submit_time``."""
    retention = page.privacy_retention()
    return readable.local_day(retention.expires(submit_time))
