from django import template

from wagtail_gdpr import consent, processing

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
