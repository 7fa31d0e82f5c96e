"""What the member portal stores about people, and why. Read by every part of wagtail-gdpr."""

from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import registry
from wagtail_gdpr.registry import Field, PersonalData, Retention

from .models import (
    MemberProfile,
    NewsletterSubscription,
    Order,
    OrderLine,
    SupportTicket,
)

BOOKKEEPING_ACT = _(
    "The Swedish Bookkeeping Act (bokföringslagen, chapter 7, section 2) requires us to keep "
    "accounting records, orders included, for seven years after the end of the financial year."
)
PAYMENT_PROVIDER = _("Our payment provider, to take payment")
CARRIER = _("The carrier that delivers your parcel")


@registry.register(MemberProfile)
class MemberProfileData(PersonalData):
    subject = "user"
    purpose = _("Delivering your orders and contacting you about them; checking your age")
    lawful_basis = registry.CONTRACT
    categories = [_("Contact details"), _("Postal address"), _("Date of birth")]
    recipients = [CARRIER]
    source = _("You gave it to us in your profile.")
    fields = {
        "phone": Field(anonymiser="text", correction=registry.DIRECT),
        "street_address": Field(anonymiser="text", correction=registry.DIRECT),
        "postcode": Field(anonymiser="text", correction=registry.DIRECT),
        "city": Field(anonymiser="text", correction=registry.DIRECT),
        # Age-restricted products depend on it, so a change is checked by staff first.
        "birth_date": Field(anonymiser="year", correction=registry.REVIEWED),
    }
    on_erasure = registry.DELETE
    label = _("Your profile")


@registry.register(Order)
class OrderData(PersonalData):
    subject = "customer"
    # Orders placed without signing in, with the member's address, are theirs too.
    email_field = "email"
    purpose = _("Delivering and billing your orders, and keeping the accounts the law requires")
    lawful_basis = registry.CONTRACT
    categories = [_("Contact details"), _("Postal address"), _("Purchases")]
    recipients = [PAYMENT_PROVIDER, CARRIER]
    source = _("You gave it to us when you placed the order.")
    fields = {
        # Listed so that anonymising an order also unlinks it from the account.
        "customer": Field(anonymiser="null", label=_("Member")),
        "id": Field(label=_("Order ID")),
        "reference": Field(),
        "email": Field(anonymiser="email"),
        "shipping_address": Field(anonymiser="text", correction=registry.REVIEWED),
        "total": Field(),
        "created_at": Field(),
    }
    # Orders still inside the bookkeeping period are kept; older ones lose who placed them.
    on_erasure = registry.ANONYMISE
    retained_by_law = BOOKKEEPING_ACT
    retention = Retention(
        years=7,
        from_field="created_at",
        reason=BOOKKEEPING_ACT,
        # Afterwards only the amounts remain, for sales statistics.
        then=registry.ANONYMISE,
    )
    label = _("Your orders")


@registry.register(OrderLine)
class OrderLineData(PersonalData):
    subject = "order__customer"
    purpose = _("Delivering and billing your orders, and keeping the accounts the law requires")
    lawful_basis = registry.CONTRACT
    categories = [_("Purchases")]
    recipients = [PAYMENT_PROVIDER, CARRIER]
    source = _("You gave it to us when you placed the order.")
    fields = {
        "order": Field(label=_("Order ID")),
        "product_name": Field(),
        "quantity": Field(),
        "unit_price": Field(),
        "created_at": Field(),
    }
    on_erasure = registry.DELETE
    retained_by_law = BOOKKEEPING_ACT
    retention = Retention(years=7, from_field="created_at", reason=BOOKKEEPING_ACT)
    label = _("What you ordered")


@registry.register(SupportTicket)
class SupportTicketData(PersonalData):
    subject = "owner"
    purpose = _("Answering your questions and complaints")
    lawful_basis = registry.CONTRACT
    categories = [_("Your messages to us")]
    source = _("You wrote it in a support ticket.")
    fields = {
        "subject": Field(anonymiser="text"),
        "message": Field(anonymiser="text"),
        "status": Field(),
        "created_at": Field(),
        "closed_at": Field(),
    }
    on_erasure = registry.DELETE
    retention = Retention(
        years=2,
        from_field="closed_at",
        reason=_(
            "We keep a closed ticket for two years in case the same problem comes back or "
            "becomes a warranty claim."
        ),
        then=registry.DELETE,
    )
    label = _("Your support tickets")


@registry.register(NewsletterSubscription)
class NewsletterSubscriptionData(PersonalData):
    subject = "user"
    purpose = _("Sending you our newsletter")
    lawful_basis = registry.CONSENT
    categories = [_("Contact details")]
    source = _(
        "You agreed to receive the newsletter: when you first logged in, on your account page, "
        "on our privacy notice or in your privacy centre."
    )
    fields = {
        "email": Field(anonymiser="email"),
        "subscribed_at": Field(),
        "consent_given_at": Field(),
    }
    # Withdrawing consent deletes the row (portal.signals); the consent ledger keeps the proof.
    on_erasure = registry.DELETE
    label = _("Your newsletter subscription")
