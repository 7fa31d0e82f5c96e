"""Who may work the privacy request queue, and who is reminded of its deadlines."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail.users.models import UserProfile

PERMISSION = "wagtail_gdpr.manage_requests"


def can_manage(user) -> bool:
    """The one check of the queue: active, and a superuser or holder of the permission."""
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(PERMISSION)))


def _permission():
    return Permission.objects.filter(
        codename="manage_requests", content_type__app_label="wagtail_gdpr"
    )


def staff_members():
    """Everybody who may work the queue: holders of the permission, and superusers."""
    permission = _permission()
    return (
        get_user_model()
        ._default_manager.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
    )


def privacy_officers():
    """Who is reminded of deadlines: holders of the permission; superusers if nobody holds it."""
    permission = _permission()
    users = get_user_model()._default_manager.filter(is_active=True)
    holders = users.filter(
        Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    ).distinct()
    return holders if holders.exists() else users.filter(is_superuser=True)


def admin_language(user) -> str:
    """The language ``user`` chose for the Wagtail admin, else the site's."""
    try:
        return UserProfile.get_for_user(user).get_preferred_language()
    except Exception:  # no profile table, or no preference: the site's language
        return settings.LANGUAGE_CODE


def find_member(text: str):
    """The one account whose username or email address is ``text`` (any case), or ``None``.

    An address two accounts share finds neither: staff must then name the username.
    """
    text = (text or "").strip()
    if not text:
        return None
    model = get_user_model()
    manager = model._default_manager
    by_name = manager.filter(**{f"{model.USERNAME_FIELD}__iexact": text})
    if by_name.count() == 1:
        return by_name.get()
    email_field = model.get_email_field_name()
    by_email = manager.filter(**{f"{email_field}__iexact": text})
    return by_email.get() if by_email.count() == 1 else None
