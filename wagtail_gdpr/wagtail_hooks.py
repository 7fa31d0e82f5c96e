"""Wagtail hooks: the add-on's admin menu, pages and log actions, and consent purposes as
snippets. The pages themselves are in ``wagtail_gdpr.admin``."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_gdpr import audit
from wagtail_gdpr.admin import corrections, modeladmin, queue, retention
from wagtail_gdpr.staff.people import can_manage
from wagtail_gdpr.tables import ConsentPurpose


class ConsentPurposeViewSet(SnippetViewSet):
    model = ConsentPurpose
    icon = "tick-inverse"
    menu_label = _("Consent purposes")
    list_display = ["name", "slug", "version", "required", "active"]
    list_filter = ["required", "active"]
    search_fields = ["name", "text"]


register_snippet(ConsentPurposeViewSet)


@hooks.register("register_admin_urls")
def register_queue_urls():
    return [*queue.urls(), *corrections.urls(), *retention.urls()]


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
