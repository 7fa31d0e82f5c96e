from django import template

from wagtail_gdpr import consent, processing, readable

register = template.Library()


@register.simple_tag(takes_context=True)
def has_consent(context, slug):
    """``{% has_consent "newsletter" as agreed %}``: the current member's answer, as a bool."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return consent.has_consent(user, slug)


@register.simple_tag(takes_context=True)
def processing_allowed(context, purpose):
    """``{% processing_allowed "newsletter" as ok %}``: consent, restriction, objection, hooks."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return processing.processing_allowed(user, purpose)


@register.filter
def in_words(value):
    """``{{ value|in_words }}``: any stored value as a member reads it (never a code or repr)."""
    return readable.in_words(value)


@register.filter
def moment(value):
    """``{{ time|moment }}``: in the reader's time zone and language, with the zone."""
    return readable.moment(value) if value else ""


@register.filter
def day(value):
    """``{{ time|day }}``: the date alone, in the reader's time zone and language."""
    if not value:
        return ""
    return readable.day(value)


@register.filter
def iso_day(value):
    """``{{ "2033-12-31"|iso_day }}``: a date kept as ISO text, in the reader's language."""
    return readable.day(readable.parse_day(value)) if value else ""


@register.filter
def activity_detail(value):
    """``{{ entry.detail|activity_detail }}``: an activity line's detail in words."""
    return readable.activity_detail_in_words(value) or "—"


@register.filter
def network_address(value):
    """``{{ ip|network_address }}``: a shortened address is said to be shortened."""
    return readable.ip_in_words(value)
