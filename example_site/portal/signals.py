"""Sign-in events for the member's own security history.

A failed sign-in is recorded only against an existing account; the typed password and any
username that matches no account are never stored.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import LoginEvent

USER_AGENT_MAX = LoginEvent._meta.get_field("user_agent").max_length


def record(user, event, request):
    meta = getattr(request, "META", {}) if request is not None else {}
    LoginEvent.objects.create(
        user=user,
        event=event,
        # As the server saw it; behind a proxy, configure it to set REMOTE_ADDR.
        ip_address=meta.get("REMOTE_ADDR") or None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
    )


@receiver(user_logged_in, dispatch_uid="portal_login_event")
def on_login(sender, request, user, **kwargs):
    record(user, LoginEvent.Event.LOGIN, request)


@receiver(user_logged_out, dispatch_uid="portal_logout_event")
def on_logout(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        record(user, LoginEvent.Event.LOGOUT, request)


@receiver(user_login_failed, dispatch_uid="portal_failed_login_event")
def on_login_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username")
    if not username:
        return
    try:
        user = User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        return
    record(user, LoginEvent.Event.FAILED, request)
