"""Wagtail admin registration: purposes as snippets; the consent ledger and notice versions;
the request queue, the corrections to review, their audit log actions and dashboard panel."""

from datetime import UTC, datetime

from django.contrib import admin
from django.db.models import Case, DateTimeField, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.urls import include, path, re_path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from wagtail_gdpr import deadlines, queue, rectification
from wagtail_gdpr.models import (
    ConsentPurpose,
    ConsentRecord,
    DataSubjectRequest,
    LegalHold,
    NoticeVersion,
    RetentionRun,
)
from wagtail_gdpr.views import admin_corrections, admin_queue
from wagtail_gdpr.views.admin_corrections import managers_only


class ConsentPurposeViewSet(SnippetViewSet):
    model = ConsentPurpose
    icon = "tick-inverse"
    menu_label = _("Consent purposes")
    list_display = ["name", "slug", "version", "required", "active"]
    list_filter = ["required", "active"]
    search_fields = ["name", "text"]


register_snippet(ConsentPurposeViewSet)


class ReadOnlyPermissionHelper(PermissionHelper):
    """Proof is only ever read: nobody adds, edits or deletes it from the admin."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ConsentRecordAdmin(ModelAdmin):
    model = ConsentRecord
    menu_label = _("Consent ledger")
    menu_icon = "list-ul"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = ["created_at", "user_id", "action", "purpose", "purpose_version", "source"]
    list_filter = ["action", "source", "purpose", "created_at"]
    search_fields = ["user__username", "user__email", "text_sha256"]
    list_export = [
        "created_at",
        "user_id",
        "action",
        "purpose",
        "purpose_version",
        "notice_version",
        "text_sha256",
        "source",
        "source_page_id",
        "ip_address",
        "user_agent",
    ]
    export_filename = "consent-ledger"
    inspect_view_fields = [*list_export]


class NoticeVersionAdmin(ModelAdmin):
    model = NoticeVersion
    menu_label = _("Notice versions")
    menu_icon = "doc-full"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = ["page_id", "number", "material", "published_at", "published_by", "text_sha256"]
    list_filter = ["material", "published_at"]


class LegalHoldAdmin(ModelAdmin):
    model = LegalHold
    menu_label = _("Legal holds")
    menu_icon = "warning"
    list_display = ["__str__", "member", "content_type", "object_id", "starts_at", "ends_at"]
    list_filter = ["starts_at", "ends_at"]
    search_fields = ["member__username", "member__email", "reason"]
    form_fields_exclude = ["created_by"]


class RetentionRunAdmin(ModelAdmin):
    model = RetentionRun
    menu_label = _("Retention runs")
    menu_icon = "time"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = ["started_at", "finished_at", "dry_run", "status", "counts"]
    list_filter = ["status", "dry_run"]


class RequestQueueAdmin(ModelAdmin):
    """The staff request queue (GDPR Art. 12): who asked for what, and when it is due."""

    model = DataSubjectRequest
    menu_label = _("Request queue")
    menu_icon = "tasks"
    base_url_path = queue.ADMIN_URL_BASE
    permission_helper_class = admin_queue.QueuePermissionHelper
    button_helper_class = admin_queue.QueueButtonHelper
    index_view_class = admin_queue.QueueIndexView
    inspect_view_class = admin_queue.QueueInspectView
    inspect_view_enabled = True
    history_view_enabled = False
    list_display = ["__str__", "kind", "status", "member_or_contact", "received_at", "due",
                    "assignee"]  # fmt: skip
    list_filter = [
        "kind",
        "status",
        admin_queue.DeadlineFilter,
        admin_queue.AssignedFilter,
    ]
    list_select_related = ["member", "assignee"]
    search_fields = ["member__username", "member__email", "contact_email"]
    # The open ones first, the most urgent at the top.
    ordering = ["closed_last", "due_order", "-received_at"]
    list_export = [
        "id",
        "kind_label",
        "status_label",
        "member_id",
        "received_at",
        "verified_at",
        "due_at",
        "extended_until",
        "due_for_export",
        "overdue_for_export",
        "completed_at",
        "assignee_name",
    ]
    export_filename = "privacy-requests"

    def get_queryset(self, request):
        far_future = Value(datetime(9999, 12, 31, tzinfo=UTC))
        requests = deadlines.with_effective_due(self.model._default_manager.all())
        return requests.annotate(
            closed_last=Case(
                When(status__in=DataSubjectRequest.OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            due_order=Coalesce(
                F("extended_until"), F("due_at"), far_future, output_field=DateTimeField()
            ),
        ).order_by(*self.get_ordering(request))

    @admin.display(description=_("member"), ordering="member__username")
    def member_or_contact(self, obj):
        if obj.member_id:
            return obj.member.get_username()
        return obj.contact_email or "—"

    @admin.display(description=_("due"), ordering="due_order")
    def due(self, obj):
        if deadlines.is_paused(obj):
            return _("paused (identity check)")
        due = deadlines.effective_due(obj)
        if due is None:
            return "—"
        text = date_format(timezone.localtime(due), "DATE_FORMAT")
        if deadlines.is_overdue(obj):
            return format_html("{} <strong>{}</strong>", text, _("overdue"))
        if obj.extended_until:
            return format_html("{} <small>({})</small>", text, _("extended"))
        return text

    @admin.display(description=_("kind"))
    def kind_label(self, obj):
        return obj.get_kind_display()

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("answer due"))
    def due_for_export(self, obj):
        return deadlines.effective_due(obj)

    @admin.display(description=_("overdue"))
    def overdue_for_export(self, obj):
        return deadlines.is_overdue(obj)

    @admin.display(description=_("assigned to"))
    def assignee_name(self, obj):
        return obj.assignee.get_username() if obj.assignee_id else ""

    def get_admin_urls_for_registration(self):
        """The listing, the inspect view and the actions; nobody adds, edits or deletes here.

        Every view answers 403 to anyone without the permission.
        """
        helper = self.url_helper
        urls = [
            re_path(helper.get_action_url_pattern("index"), managers_only(self.index_view),
                    name=helper.get_action_url_name("index")),
            re_path(helper.get_action_url_pattern("inspect"), managers_only(self.inspect_view),
                    name=helper.get_action_url_name("inspect")),
            re_path(helper.get_action_url_pattern("report"), admin_queue.report_view(self),
                    name=helper.get_action_url_name("report")),
        ]  # fmt: skip
        urls += [
            re_path(
                helper.get_action_url_pattern(name),
                admin_queue.action_view(self, name),
                name=helper.get_action_url_name(name),
            )
            for name in queue.ACTIONS
        ]
        return tuple(urls)

    def register_admin_url_finders(self):
        # Links to a request (from the audit log reports) open its inspect view.
        register_admin_url_finder(self.model, RequestURLFinder)

    def register_indexing(self):
        """Requests are records, not content: no usage index of the members they point to."""


class RequestURLFinder:
    def __init__(self, user=None):
        self.user = user

    def get_edit_url(self, instance):
        if self.user is not None and not queue.can_manage(self.user):
            return None
        return reverse(
            f"{queue.ADMIN_URL_BASE.replace('/', '_')}_modeladmin_inspect", args=[instance.pk]
        )


class CorrectionsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_corrections.can_manage(request.user)


class PrivacyAdminGroup(ModelAdminGroup):
    menu_label = _("Privacy")
    menu_icon = "lock"
    menu_order = 250
    items = (
        RequestQueueAdmin,
        ConsentRecordAdmin,
        NoticeVersionAdmin,
        LegalHoldAdmin,
        RetentionRunAdmin,
    )

    def get_submenu_items(self):
        """The queue first, then the corrections to review, then the records."""
        items = super().get_submenu_items()
        corrections = CorrectionsMenuItem(
            _("Corrections to review"),
            reverse("wagtail_gdpr_corrections:index"),
            name="gdpr-corrections",
            icon_name="edit",
            order=items[0].order + 1 if items else 1,
        )
        for item in items[1:]:
            item.order += 1
        return [items[0], corrections, *items[1:]] if items else [corrections]


modeladmin_register(PrivacyAdminGroup)


# -- corrections (GDPR Art. 16): staff review, audit log actions ------------------------------


@hooks.register("register_log_actions")
def register_correction_log_actions(actions):
    actions.register_action(
        rectification.APPROVED_ACTION, _("Approve correction"), _("Correction approved")
    )
    actions.register_action(
        rectification.REJECTED_ACTION, _("Reject correction"), _("Correction rejected")
    )


@hooks.register("register_admin_urls")
def register_correction_urls():
    urls = [
        path("", admin_corrections.index, name="index"),
        path("<int:request_id>/", admin_corrections.review, name="review"),
        path("<int:request_id>/approve/", admin_corrections.approve, name="approve"),
        path("<int:request_id>/reject/", admin_corrections.reject, name="reject"),
    ]
    return [path("gdpr/corrections/", include((urls, "wagtail_gdpr_corrections")))]


# The corrections' menu item is in the "Privacy" group, beside the queue.


# -- the request queue (GDPR Art. 12 and 5(2)): log actions, dashboard panel ------------------


@hooks.register("register_log_actions")
def register_queue_log_actions(actions):
    for action, label, message in queue.LOG_ACTIONS:
        actions.register_action(action, label, message)


@hooks.register("construct_homepage_panels")
def add_queue_panel(request, panels):
    if queue.can_manage(request.user):
        index_url = reverse(f"{queue.ADMIN_URL_BASE.replace('/', '_')}_modeladmin_index")
        panels.append(admin_queue.QueuePanel(index_url))
