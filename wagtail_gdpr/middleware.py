"""Sends members who must still acknowledge the notice or a required purpose to the consent step."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from wagtail.models import Site

from wagtail_gdpr import gate

#: URL names that are never gated, besides the admin, static and media files and the add-on's own.
DEFAULT_EXEMPT_URL_NAMES = ("logout", "login", "password_reset", "password_change")


def _reverse_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class ConsentGateMiddleware:
    """Place it after ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_prefixes = None

    def exempt_prefixes(self) -> tuple[str, ...]:
        if self._exempt_prefixes is None:
            prefixes = [
                _reverse_or_none("wagtailadmin_home"),
                _reverse_or_none("wagtail_gdpr:consent_step"),
                settings.STATIC_URL,
                settings.MEDIA_URL,
            ]
            names = getattr(
                settings, "WAGTAIL_GDPR_GATE_EXEMPT_URL_NAMES", DEFAULT_EXEMPT_URL_NAMES
            )
            prefixes += [_reverse_or_none(name) for name in names]
            prefixes += list(getattr(settings, "WAGTAIL_GDPR_GATE_EXEMPT_PATHS", ()))
            self._exempt_prefixes = tuple(p for p in prefixes if p and p != "/")
        return self._exempt_prefixes

    def should_gate(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_staff:
            return False
        if request.path.startswith(self.exempt_prefixes()):
            return False
        site = Site.find_for_request(request)
        return site is not None and gate.must_stop(request, site)

    def __call__(self, request):
        if self.should_gate(request):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('wagtail_gdpr:consent_step')}?{query}")
        return self.get_response(request)
