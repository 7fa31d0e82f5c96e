"""Staff send an event that could not be delivered again, or close it without sending it.

``GET`` shows what is about to happen; ``POST`` does it and returns to the list of events.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.tables import ConnectorEvent

NAMESPACE = "wagtail_gdpr_connector_events"
#: The list of events (``admin.modeladmin`` registers it under this name too).
INDEX_URL_NAME = "wagtail_gdpr_connector_events_list"
ACTIONS = {
    "send-again": (outbox.send_again, gettext_lazy("Send again")),
    "close": (outbox.close_unsent, gettext_lazy("Close without sending")),
}


def action_url(event: ConnectorEvent, action: str) -> str:
    return reverse(f"{NAMESPACE}:{action}", args=[event.pk])


@managers_only
@require_http_methods(["GET", "POST"])
def act(request, event_id: int, action: str):
    event = get_object_or_404(ConnectorEvent.objects.select_related("request"), pk=event_id)
    do, label = ACTIONS[action]
    error = ""
    if request.method == "POST":
        try:
            do(event.pk, by=request.user)
        except Refused as exc:
            error = exc.message
        else:
            if action == "close":
                messages.success(request, _("The event was closed without sending it."))
            else:
                messages.success(request, _("The event will be sent again."))
            return redirect(_list_url())
    return TemplateResponse(
        request,
        "wagtail_gdpr/admin/connector_event_action.html",
        {
            "event": event,
            "action": action,
            "label": label,
            "error": error,
            "back_url": _list_url(),
        },  # fmt: skip
        status=409 if error else 200,
    )


def _list_url() -> str:
    return reverse(INDEX_URL_NAME)


def urls() -> list:
    """``wagtail_gdpr_connector_events:send-again`` and ``:close``, for ``register_admin_urls``."""
    patterns = [
        path(f"<gdpr_id:event_id>/{action}/", act, {"action": action}, name=action)
        for action in ACTIONS
    ]
    return [path("gdpr/connector-events/", include((patterns, NAMESPACE)))]
