from wagtail_gdpr import registry
from wagtail_gdpr.registry import Field, PersonalData

from .models import StaffMember, Subscriber, Ticket

registry.exclude(Subscriber, "office_email", reason="A shared office mailbox, not a person's.")


@registry.register(Ticket)
class TicketData(PersonalData):
    subject = "owner"
    purpose = "Answer support tickets"
    lawful_basis = registry.CONTRACT
    fields = {"subject_line": Field(anonymiser="text")}


@registry.register(StaffMember)
class StaffMemberData(PersonalData):
    members = False
    data_subjects = "Our staff, named on the site's pages"
    purpose = "Showing who wrote what and whom to contact"
    lawful_basis = registry.LEGITIMATE_INTERESTS
    how_informed = "The staff handbook, which every employee receives"
    on_request = "The privacy officer edits or deletes the snippet on request"
    kept_while = "As long as the person works for us"
    fields = {"first_name": Field(anonymiser="name"), "last_name": Field(anonymiser="name")}
