"""Wagtail admin registration: purposes as snippets; the consent ledger and notice versions."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from wagtail_gdpr.models import ConsentPurpose, ConsentRecord, NoticeVersion


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


class PrivacyAdminGroup(ModelAdminGroup):
    menu_label = _("Privacy")
    menu_icon = "lock"
    menu_order = 250
    items = (ConsentRecordAdmin, NoticeVersionAdmin)


modeladmin_register(PrivacyAdminGroup)
