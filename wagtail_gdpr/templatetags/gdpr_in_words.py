"""``{% load gdpr_in_words %}``: moments as people read them, with their time zone.

``{{ dsr.received_at|moment }}`` gives "27 Nov 2026, 21:30 CET"; ``{{ dsr.due_at|day }}`` the
date only. Both come from :mod:`wagtail_gdpr.requests.in_words`, as pages and emails do.
"""

from django import template

from wagtail_gdpr.requests import in_words

register = template.Library()


@register.filter
def moment(value) -> str:
    return in_words.moment(value) or "—"


@register.filter
def day(value) -> str:
    return in_words.day(value) or "—"
