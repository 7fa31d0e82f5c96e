from wagtail_gdpr import registry
from wagtail_gdpr.registry import Field, PersonalData

from .models import Subscriber, Ticket

registry.exclude(Subscriber, "office_email", reason="A shared office mailbox, not a person's.")


@registry.register(Ticket)
class TicketData(PersonalData):
    subject = "owner"
    purpose = "Answer support tickets"
    lawful_basis = registry.CONTRACT
    fields = {"subject_line": Field(anonymiser="text")}
