"""Wagtail admin registration: purposes as snippets; the consent ledger and notice versions."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from wagtail_gdpr.models import (
    ConsentPurpose,
    ConsentRecord,
    LegalHold,
    NoticeVersion,
    RetentionRun,
)


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


class PrivacyAdminGroup(ModelAdminGroup):
    menu_label = _("Privacy")
    menu_icon = "lock"
    menu_order = 250
    items = (ConsentRecordAdmin, NoticeVersionAdmin, LegalHoldAdmin, RetentionRunAdmin)


modeladmin_register(PrivacyAdminGroup)


# -- corrections (GDPR Art. 16): staff review, audit log actions, menu -----------------------

from django.urls import include, path, reverse  # noqa: E402
from wagtail import hooks  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from wagtail_gdpr import rectification  # noqa: E402
from wagtail_gdpr.views import admin_corrections  # noqa: E402


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


class CorrectionsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_corrections.can_manage(request.user)


@hooks.register("register_admin_menu_item")
def register_corrections_menu_item():
    return CorrectionsMenuItem(
        _("Corrections to review"),
        reverse("wagtail_gdpr_corrections:index"),
        name="gdpr-corrections",
        icon_name="edit",
        order=260,
    )
