"""Calendar arithmetic for retention periods: months and years are calendar units, not 30 days."""

import calendar
from datetime import date, datetime


def shift_months(moment: date | datetime, months: int) -> date | datetime:
    """Move by whole calendar months, clamping to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
