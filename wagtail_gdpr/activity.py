"""Recording what members do in the portal (their activity log)."""

from django.contrib.auth import get_user_model

from wagtail_gdpr.anonymisers import truncate_ip
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.tables import MemberActivity


def request_facts(request) -> dict:
    """IP address (truncated unless ``WAGTAIL_GDPR_TRUNCATE_IP`` is False) and user agent."""
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    ip = request.META.get("REMOTE_ADDR") or None
    if ip and app_settings.TRUNCATE_IP:
        ip = truncate_ip(ip)
    return {"ip_address": ip, "user_agent": request.META.get("HTTP_USER_AGENT", "")[:512]}


def record(user, kind: str, *, detail: str = "", request=None) -> MemberActivity | None:
    """Append one line to the member's activity log; ``detail`` must hold no personal data."""
    if user is None or not getattr(user, "pk", None):
        return None
    return MemberActivity.objects.create(
        user=user, kind=kind, detail=detail[:255], **request_facts(request)
    )


def record_failed_login(credentials: dict, request=None) -> MemberActivity | None:
    """A failed login on an existing account. Unknown usernames and passwords are never stored."""
    User = get_user_model()
    username = (credentials or {}).get(User.USERNAME_FIELD) or (credentials or {}).get("username")
    if not username:
        return None
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    return record(user, MemberActivity.LOGIN_FAILED, request=request) if user else None
