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


def financial_year_start(day: date, first_month: int, years_later: int = 0) -> date:
    """The first day of the financial year ``day`` falls in (or of one ``years_later``).

    ``first_month`` is the month the financial year starts in: 1 for the calendar year, 7 for a
    year from July to June.
    """
    if not 1 <= first_month <= 12:
        raise ValueError(f"a financial year starts in a month from 1 to 12, not {first_month}")
    year = day.year if day.month >= first_month else day.year - 1
    return date(year + years_later, first_month, 1)
