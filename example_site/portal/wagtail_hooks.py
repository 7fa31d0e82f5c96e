"""The portal's records in the Wagtail admin, for staff answering members."""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from wagtail_gdpr.models import MemberActivity

from .models import MemberProfile, NewsletterSubscription, Order, SupportTicket


class RecordsOnlyPermissionHelper(PermissionHelper):
    """For rows the site writes itself: staff may look at them, not invent or rewrite them."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False


class OrderAdmin(ModelAdmin):
    model = Order
    menu_label = _("Orders")
    menu_icon = "list-ul"
    list_display = ("reference", "customer", "email", "total", "created_at")
    list_filter = ("created_at",)
    search_fields = ("reference", "email", "customer__username", "customer__email")
    inspect_view_enabled = True


class SupportTicketAdmin(ModelAdmin):
    model = SupportTicket
    menu_label = _("Support tickets")
    menu_icon = "help"
    list_display = ("subject", "owner", "status", "created_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("subject", "message", "owner__username")
    inspect_view_enabled = True


class MemberProfileAdmin(ModelAdmin):
    model = MemberProfile
    menu_label = _("Member profiles")
    menu_icon = "user"
    list_display = ("user", "city", "phone")
    search_fields = ("user__username", "user__email", "city")
    inspect_view_enabled = True


class NewsletterSubscriptionAdmin(ModelAdmin):
    model = NewsletterSubscription
    menu_label = _("Newsletter")
    menu_icon = "mail"
    list_display = ("email", "user", "consent_given_at")
    search_fields = ("email", "user__username")
    # Only the member's consent creates a row (portal.signals); staff cannot subscribe anybody.
    permission_helper_class = RecordsOnlyPermissionHelper
    inspect_view_enabled = True


class MemberActivityAdmin(ModelAdmin):
    """wagtail-gdpr's activity log (logins, failed logins, downloads...), to spot account misuse."""

    model = MemberActivity
    menu_label = _("Member activity")
    menu_icon = "key"
    list_display = ("created_at", "user", "kind", "detail", "ip_address")
    list_filter = ("kind",)
    search_fields = ("user__username", "ip_address")
    permission_helper_class = RecordsOnlyPermissionHelper
    inspect_view_enabled = True


@modeladmin_register
class MembersGroup(ModelAdminGroup):
    menu_label = _("Members")
    menu_icon = "group"
    menu_order = 200
    items = (
        OrderAdmin,
        SupportTicketAdmin,
        MemberProfileAdmin,
        NewsletterSubscriptionAdmin,
        MemberActivityAdmin,
    )
