"""Sends members who must still acknowledge the notice or a required purpose to the consent step."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import LoginView, LogoutView, PasswordResetView
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.deprecation import MiddlewareMixin
from wagtail.models import Site

from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.consent import gate

#: URL names (in any namespace) that are never gated.
DEFAULT_EXEMPT_URL_NAMES = app_settings.default("GATE_EXEMPT_URL_NAMES")
#: Views that are never gated, wherever they are mounted.
EXEMPT_VIEW_CLASSES = (LoginView, LogoutView, PasswordResetView)


def _reverse_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class ConsentGateMiddleware(MiddlewareMixin):
    """Place it after ``AuthenticationMiddleware``.

    Never gated: anonymous visitors, staff, people who may use the Wagtail admin (unless
    ``WAGTAIL_GDPR_GATE_ADMIN_USERS``), the Wagtail admin itself, static and media files, the
    consent step, the privacy notice and the privacy centre, login and logout (by URL name in
    any namespace, or by view class), and ``WAGTAIL_GDPR_GATE_EXEMPT_PATHS`` /
    ``..._EXEMPT_URL_NAMES``.
    """

    _exempt_prefixes = None

    def exempt_prefixes(self) -> tuple[str, ...]:
        if self._exempt_prefixes is None:
            prefixes = [
                _reverse_or_none("wagtailadmin_home"),
                _reverse_or_none("wagtail_gdpr:consent_step"),
                settings.STATIC_URL,
                settings.MEDIA_URL,
                *app_settings.GATE_EXEMPT_PATHS,
            ]
            self._exempt_prefixes = tuple(p for p in prefixes if p and p != "/")
        return self._exempt_prefixes

    def exempt_view(self, request, view_func) -> bool:
        match = request.resolver_match
        names = app_settings.GATE_EXEMPT_URL_NAMES
        if match is not None and (match.url_name in names or match.view_name in names):
            return True
        view_class = getattr(view_func, "view_class", None)
        return isinstance(view_class, type) and issubclass(view_class, EXEMPT_VIEW_CLASSES)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_staff:
            return None
        if request.path.startswith(self.exempt_prefixes()) or self.exempt_view(request, view_func):
            return None
        site = Site.find_for_request(request)
        if site is None:
            return None
        requirements = gate.requirements_for_site(site)
        exempt_pages = tuple(p for p in (requirements.notice_path, requirements.centre_path) if p)
        if exempt_pages and request.path.startswith(exempt_pages):
            # Members read what they are asked to acknowledge, and use their rights (withdraw,
            # copy, erase...) without first having to agree to anything.
            return None
        if not gate.must_stop(request, site):
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('wagtail_gdpr:consent_step')}?{query}")
