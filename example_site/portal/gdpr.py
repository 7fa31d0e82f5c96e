"""What the member portal stores about people, and why. Read by every part of wagtail-gdpr."""

from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import registry
from wagtail_gdpr.registry import AutomatedDecisions, Field, PersonalData, Recipient, Retention

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
PAYMENT_PROVIDER = Recipient(_("Our payment provider, to take payment"), country="SE")
CARRIER = Recipient(_("The carrier that delivers your parcel"), country="SE")
# The newsletter is sent through a mailing service in the United States.
MAILING_SERVICE = Recipient(
    _("The mailing service that sends the newsletter"),
    country="US",
    safeguard=registry.ADEQUACY,
    safeguard_details=_(
        "the EU–US Data Privacy Framework, under which the service is certified "
        "(Commission decision of 10 July 2023)"
    ),
    how_to_get_a_copy=_(
        "the decision is public at eur-lex.europa.eu; ask our data protection officer, "
        "dpo@example.com, for the service's certification"
    ),
)
# Orders are accounting records: kept until seven full financial years have passed.
ORDERS_KEPT = {
    "years": 7,
    "from_field": "created_at",
    "reason": BOOKKEEPING_ACT,
    "counted": registry.AFTER_FINANCIAL_YEAR,
    "event": _("the order was placed"),
}


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
        "reference": Field(),
        "email": Field(anonymiser="email"),
        "shipping_address": Field(anonymiser="text", correction=registry.REVIEWED),
        "total": Field(),
        "created_at": Field(),
    }
    # Orders still inside the bookkeeping period are kept; older ones lose who placed them.
    on_erasure = registry.ANONYMISE
    retained_by_law = BOOKKEEPING_ACT
    # Afterwards only the amounts remain, for sales statistics.
    retention = Retention(**ORDERS_KEPT, then=registry.ANONYMISE)
    # Product research (a consent purpose) picks its questions from what members ordered.
    automated_decisions = AutomatedDecisions(
        logic=_(
            "If you agreed to product research, we use what you have ordered to choose which "
            "survey questions to send you."
        ),
        significance=_(
            "It only decides which questions you are asked; it decides nothing else about you "
            "and has no effect on your orders, prices or account."
        ),
        consequences=_(
            "You may be asked about products you bought and not about others. Withdraw your "
            "consent to product research and it stops."
        ),
        profiling=True,
    )
    label = _("Your orders")
    record_label = "reference"


@registry.register(OrderLine)
class OrderLineData(PersonalData):
    subject = "order__customer"
    purpose = _("Delivering and billing your orders, and keeping the accounts the law requires")
    lawful_basis = registry.CONTRACT
    categories = [_("Purchases")]
    recipients = [PAYMENT_PROVIDER, CARRIER]
    source = _("You gave it to us when you placed the order.")
    fields = {
        "order": Field(label=_("Order"), shows="reference"),
        "product_name": Field(),
        "quantity": Field(),
        "unit_price": Field(),
        "created_at": Field(),
    }
    on_erasure = registry.DELETE
    retained_by_law = BOOKKEEPING_ACT
    retention = Retention(**ORDERS_KEPT)
    label = _("What you ordered")
    record_label = "product_name"


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
        event=_("the ticket is closed"),
    )
    label = _("Your support tickets")


@registry.register(NewsletterSubscription)
class NewsletterSubscriptionData(PersonalData):
    subject = "user"
    purpose = _("Sending you our newsletter")
    lawful_basis = registry.CONSENT
    categories = [_("Contact details")]
    recipients = [MAILING_SERVICE]
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
