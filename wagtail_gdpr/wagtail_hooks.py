"""Wagtail hooks: the add-on's admin menu, pages and log actions, and consent purposes as
snippets. The pages themselves are in ``wagtail_gdpr.admin``."""

from functools import wraps

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_gdpr import audit, routes
from wagtail_gdpr.admin import (
    breaches,
    connector_events,
    corrections,
    modeladmin,
    queue,
    retention,
)
from wagtail_gdpr.staff.people import can_manage
from wagtail_gdpr.tables import ConsentPurpose


class PurposeChosenView(SnippetChosenView):
    """An id that is not a row id is "not found", never a server error."""

    def get_object(self, pk):
        if routes.parse_id(pk) is None:
            raise ConsentPurpose.DoesNotExist
        return super().get_object(pk)


class PurposesChosenView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return super().get_objects([pk for pk in pks if routes.parse_id(pk) is not None])


class PurposeChooserViewSet(SnippetChooserViewSet):
    chosen_view_class = PurposeChosenView
    chosen_multiple_view_class = PurposesChosenView


class ConsentPurposeViewSet(SnippetViewSet):
    model = ConsentPurpose
    pk_path_converter = "gdpr_id"
    chooser_viewset_class = PurposeChooserViewSet
    icon = "tick-inverse"
    menu_label = _("Consent purposes")
    list_display = ["name", "slug", "version", "required", "active"]
    list_filter = ["required", "active"]
    search_fields = ["name", "text"]
    # Searched with the database's own filters: a search backend's query syntax (SQLite's
    # full-text "name:" on Wagtail 7.0) must never turn a typed search into a server error.
    search_backend_name = None

    def get_urlpatterns(self):
        """Wagtail 7.0 routes some views (copy, delete) with any text as the id: an id that is
        not one is a 404 there too, never a server error."""
        patterns = super().get_urlpatterns()
        for pattern in patterns:
            if hasattr(pattern, "callback"):
                pattern.callback = _only_real_ids(pattern.callback)
        return patterns


def _only_real_ids(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if "pk" in kwargs and routes.parse_id(str(kwargs["pk"])) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return checked


register_snippet(ConsentPurposeViewSet)


@hooks.register("register_admin_urls")
def register_queue_urls():
    return [
        *queue.urls(),
        *corrections.urls(),
        *retention.urls(),
        *breaches.urls(),
        *connector_events.urls(),
    ]


# After the queue's own URLs: where the paths meet, those resolve first.
modeladmin.register()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, label, message in audit.LOG_ACTIONS:
        actions.register_action(action, label, message)


@hooks.register("construct_homepage_panels")
def add_queue_panel(request, panels):
    if can_manage(request.user):
        panels.append(queue.QueuePanel())
        panels.append(breaches.BreachPanel())
