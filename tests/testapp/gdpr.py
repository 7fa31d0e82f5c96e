from wagtail_gdpr import registry
from wagtail_gdpr.registry import Field, PersonalData, Recipient, Retention

from .models import (
    Attachment,
    Author,
    Booking,
    Branch,
    Order,
    OrderNote,
    Profile,
    Shop,
    ShopSettings,
    Visit,
)

registry.exclude(Shop, "contact_email", reason="A company's shared mailbox, not a person's.")


@registry.register(Order)
class OrderData(PersonalData):
    subject = "customer"
    email_field = "email"
    purpose = "Deliver and bill orders"
    lawful_basis = registry.CONTRACT
    categories = ["Contact details", "Purchases"]
    recipients = [
        Recipient("Payment provider", country="SE"),
        Recipient("Carrier", country="DE"),
    ]
    fields = {
        "email": Field(anonymiser="email"),
        "shipping_address": Field(anonymiser="text", correction=registry.REVIEWED),
        "total": Field(),
        "created_at": Field(),
    }
    on_erasure = registry.ANONYMISE
    retained_by_law = "Bookkeeping Act: accounting records are kept for 7 years"
    retention = Retention(
        years=7, from_field="created_at", reason="Bookkeeping Act", then=registry.DELETE
    )


@registry.register(OrderNote)
class OrderNoteData(PersonalData):
    subject = "order__customer"
    purpose = "Notes about an order"
    lawful_basis = registry.CONTRACT
    fields = {"text": Field(anonymiser="text"), "created_at": Field()}


@registry.register(Profile)
class ProfileData(PersonalData):
    subject = "user"
    purpose = "Your profile"
    lawful_basis = registry.CONTRACT
    fields = {
        "nickname": Field(anonymiser="null", correction=registry.DIRECT),
        "display_name": Field(anonymiser="name", correction=registry.DIRECT),
        "phone": Field(anonymiser="text", correction=registry.DIRECT),
        "birth_date": Field(anonymiser="year", correction=registry.REVIEWED),
    }


@registry.register(Visit)
class VisitData(PersonalData):
    subject = "user"
    purpose = "Security of your account"
    lawful_basis = registry.LEGITIMATE_INTERESTS
    fields = {"ip_address": Field(anonymiser="ip"), "visited_at": Field()}
    retention = Retention(months=12, from_field="visited_at", reason="Security logs")


@registry.register(Attachment)
class AttachmentData(PersonalData):
    subject = "owner"
    purpose = "Files you sent us"
    lawful_basis = registry.CONSENT
    fields = {"upload": Field(anonymiser="file"), "uploaded_at": Field()}
    on_erasure = registry.ANONYMISE


@registry.register(Author)
class AuthorData(PersonalData):
    members = False
    data_subjects = "Authors of articles on the site"
    purpose = "Naming who wrote what"
    lawful_basis = registry.LEGITIMATE_INTERESTS
    how_informed = "The author agreement each author signs"
    on_request = "The editors correct or remove the author's name; write to the privacy officer"
    email_field = "email"
    fields = {
        "first_name": Field(anonymiser="name"),
        "last_name": Field(anonymiser="name"),
        "email": Field(anonymiser="email"),
    }
    retention = Retention(
        years=5, from_field="added_at", reason="Articles are archived after 5 years"
    )


# The organisation's own details. Excluded, so the test settings pass the check; test_checks asks
# how the check judges them without these exclusions.
registry.exclude(Branch, "address", reason="The branch's own street address.")
registry.exclude(Branch, "phone_number", reason="The branch's switchboard.")
registry.exclude(Branch, "contact_email", reason="The branch's shared mailbox.")
registry.exclude(ShopSettings, "support_phone", reason="The support team's line.")
registry.exclude(ShopSettings, "support_email", reason="The support team's shared mailbox.")
# Declared only where the copy's two writers are compared (tests/test_copy_writers.py).
registry.exclude(Booking, "member", reason="Declared by the tests that use it.")
registry.exclude(Booking, "origin", reason="Declared by the tests that use it.")
