"""Recording what members do in the portal (their activity log)."""

from django.contrib.auth import get_user_model

from wagtail_gdpr.models import MemberActivity


def record(user, kind: str, *, detail: str = "", request=None) -> MemberActivity | None:
    """Append one line to the member's activity log; ``detail`` must hold no personal data."""
    from wagtail_gdpr.consent import request_facts

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
