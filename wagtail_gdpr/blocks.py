"""StreamField blocks for privacy notices; usable on any page.

``PrivacyNoticeBlock`` bundles them; add single blocks to your own StreamFields as you need.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from wagtail_gdpr import consent, inventory
from wagtail_gdpr.rights import rights_for_request
from wagtail_gdpr.tables import GdprSettings


class DataInventoryBlock(blocks.StructBlock):
    """What is stored, why, on what basis, how long, who receives it: read live from the code."""

    heading = blocks.CharBlock(
        label=_("heading"), required=False, default=_("What we store about you")
    )
    intro = blocks.TextBlock(label=_("introduction"), required=False)
    show_fields = blocks.BooleanBlock(
        label=_("list each piece of data"), required=False, default=True
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["groups"] = inventory.grouped_for_readers()
        context["others"] = inventory.others_for_readers()
        return context

    class Meta:
        icon = "list-ul"
        label = _("Data inventory")
        template = "wagtail_gdpr/blocks/data_inventory.html"
        help_text = _(
            "Lists the personal data the site stores, from the site's own declarations: it is "
            "always up to date and cannot be edited here."
        )
        description = _("What data is stored, why, for how long and who receives it")
        preview_value = {"heading": _("What we store about you"), "show_fields": True}


class RightsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, default=_("Your rights"))
    intro = blocks.TextBlock(label=_("introduction"), required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["rights"] = rights_for_request((parent_context or {}).get("request"))
        return context

    class Meta:
        icon = "user"
        label = _("Your rights")
        template = "wagtail_gdpr/blocks/rights.html"
        help_text = _("The member's rights, each linking to where they can use it.")
        description = _(
            "Access, correction, erasure, restriction, objection, portability, complaint"
        )
        preview_value = {"heading": _("Your rights")}


class ContactBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, default=_("Who to contact"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        context["gdpr_settings"] = GdprSettings.for_request(request) if request else None
        return context

    class Meta:
        icon = "mail"
        label = _("Privacy contacts")
        template = "wagtail_gdpr/blocks/contact.html"
        help_text = _(
            "The controller, the data protection officer and the supervisory authority, "
            "from the privacy settings."
        )
        description = _("Controller and data protection officer contacts")
        preview_value = {"heading": _("Who to contact")}


class ConsentBlock(blocks.StructBlock):
    """A purpose a logged-in member can agree to or withdraw from, right on the page."""

    purpose = SnippetChooserBlock("wagtail_gdpr.ConsentPurpose", label=_("purpose"))
    heading = blocks.CharBlock(label=_("heading"), required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        purpose = value.get("purpose")
        # The original's text in the reader's language: the block may name any translation.
        purpose = purpose.original().for_reader() if purpose is not None else None
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        context["purpose"] = purpose
        context["text_sha256"] = consent.text_sha256(purpose.text) if purpose else ""
        context["given"] = (
            consent.has_consent(user, purpose.slug)
            if purpose and user is not None and user.is_authenticated
            else None
        )
        page = (parent_context or {}).get("page")
        context["page_id"] = getattr(page, "pk", "")
        return context

    class Meta:
        icon = "tick-inverse"
        label = _("Consent")
        template = "wagtail_gdpr/blocks/consent.html"
        help_text = _(
            "Members who are logged in see whether they agreed and can agree or withdraw here."
        )
        description = _("Lets a member give or withdraw consent to one purpose")


class PrivacyNoticeBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("heading"),
        form_classname="title",
        icon="title",
        template="wagtail_gdpr/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(label=_("paragraph"), icon="pilcrow")
    data_inventory = DataInventoryBlock()
    rights = RightsBlock()
    contact = ContactBlock()
    consent = ConsentBlock()
