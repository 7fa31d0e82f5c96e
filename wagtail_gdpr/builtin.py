"""Declarations for models a site cannot edit: the user model and form-builder submissions.

Replace or drop them with ``WAGTAIL_GDPR_BUILTIN_DECLARATIONS`` (see ``registry``), or by
registering the model in a ``gdpr.py`` of your own.
"""

import re

from django.apps import apps
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import readable
from wagtail_gdpr.registry import (
    ANONYMISE,
    CONTRACT,
    DELETE,
    LEGAL_OBLIGATION,
    LEGITIMATE_INTERESTS,
    SELF,
    Field,
    PersonalData,
    Retention,
)
from wagtail_gdpr.tables import ConsentState

_USER_FIELDS = {
    "username": Field(anonymiser="token", label=_("Username")),
    "email": Field(anonymiser="email", label=_("Email address"), correction="direct"),
    "first_name": Field(anonymiser="name", label=_("First name"), correction="direct"),
    "last_name": Field(anonymiser="name", label=_("Last name"), correction="direct"),
    "date_joined": Field(label=_("Member since")),
    "last_login": Field(label=_("Last login")),
    "is_active": Field(label=_("Account active")),
}


class UserData(PersonalData):
    """The account itself. Takes whichever of Django's usual user fields the user model has."""

    subject = SELF
    purpose = _("Your member account: signing you in and recognising you on the site")
    lawful_basis = CONTRACT
    categories = [_("Identity"), _("Contact details"), _("Account")]
    source = _("You gave it to us when you signed up.")
    on_erasure = DELETE
    label = _("Your account")

    def __init__(self, model):
        names = {f.name for f in model._meta.get_fields()}
        self.fields = {name: spec for name, spec in _USER_FIELDS.items() if name in names}
        super().__init__(model)


_SAFE_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9]|_(?!_))*$")


def form_field_models() -> list:
    """The site's form-builder field models (each form page type has its own)."""
    # Here, not at the top: wagtail.contrib.forms is optional, and this runs only when it is
    # installed (the declaration is registered only then).
    from wagtail.contrib.forms.models import AbstractFormField  # noqa: PLC0415

    return [model for model in apps.get_models() if issubclass(model, AbstractFormField)]


def email_field_keys() -> set[str]:
    """Keys under which form-builder pages store an email answer (their email-type fields)."""
    keys = set()
    for model in form_field_models():
        keys.update(
            model._base_manager.filter(field_type="email").values_list("clean_name", flat=True)
        )
    return {k for k in keys if _SAFE_KEY.match(k)} or {"email"}


class FormSubmissionData(PersonalData):
    """Wagtail form-builder submissions, found by the email address given in the form."""

    purpose = _("Answering what you sent us through a form on the site")
    lawful_basis = CONTRACT
    categories = [_("What you wrote in the form")]
    source = _("You filled in a form on the site.")
    fields = {
        "page": Field(label=_("Form")),
        "submit_time": Field(label=_("Sent")),
        "form_data": Field(label=_("Your answers"), words=readable.mapping_in_words),
    }
    on_erasure = DELETE
    label = _("Form submissions")
    record_label = "page__title"

    def subject_filter(self, user, emails):
        emails = sorted({e.strip().lower() for e in emails if e and e.strip()})
        condition = Q(pk__in=[])
        if not emails:
            return condition
        for key in sorted(email_field_keys()):
            for email in emails:
                condition |= Q(**{f"form_data__{key}__iexact": email})
        return condition

    def rows_of_members(self, members, emails=None):
        """Every submission when every member is affected; else those that give an address."""
        if members is None:
            return self.model._base_manager.all()
        return self.model._base_manager.filter(self.subject_filter(None, emails or ()))


class ConsentRecordData(PersonalData):
    """The consent ledger: proof of what the member agreed to, kept after erasure for a while."""

    subject = "user"
    purpose = _("Proving what you agreed to and when (GDPR Art. 7(1))")
    lawful_basis = LEGAL_OBLIGATION
    categories = [_("Your consent choices")]
    source = _("Recorded when you gave, withdrew or acknowledged consent.")
    #: A guest's answer on a form is theirs once they confirm the address they gave.
    email_field = "email"
    fields = {
        "created_at": Field(label=_("When")),
        "email": Field(anonymiser="email", label=_("Address you gave on the form")),
        "action": Field(label=_("What you did")),
        "purpose": Field(label=_("Purpose")),
        "purpose_version": Field(label=_("Version of the text")),
        "notice_version": Field(label=_("Version of the privacy notice")),
        "locale": Field(label=_("Language of the text"), words=readable.language_name),
        "source": Field(label=_("Where")),
        "ip_address": Field(anonymiser="ip", label=_("Network address")),
        "user_agent": Field(anonymiser="text", label=_("Browser")),
        "text_sha256": Field(label=_("Fingerprint of the text shown")),
    }
    on_erasure = ANONYMISE
    retained_by_law = _(
        "We must be able to prove the consent we relied on (GDPR Art. 7(1)), so the record is "
        "kept, without your browser details, until the retention period ends."
    )
    retention = Retention(
        years=3,
        from_field="created_at",
        reason=_("The general limitation period for claims"),
        then=DELETE,
        event=_("you made the choice"),
    )
    label = _("Your consent history")
    record_label = "created_at"

    def keep_from_retention(self, rows):
        """The line a consent in force rests on is its proof: it stays while the consent does."""
        return rows.exclude(pk__in=ConsentState.objects.values("record_id"))


class ConsentStateData(PersonalData):
    subject = "user"
    purpose = _("Remembering your current consent choices")
    lawful_basis = LEGAL_OBLIGATION
    categories = [_("Your consent choices")]
    source = _("Derived from your consent history.")
    email_field = "email"
    fields = {
        "purpose": Field(label=_("Purpose")),
        "email": Field(label=_("Address you gave on the form")),
        "given": Field(label=_("Agreed")),
        "purpose_version": Field(label=_("Version of the text")),
        "updated_at": Field(label=_("Last changed")),
    }
    on_erasure = DELETE
    label = _("Your current consent choices")
    record_label = "purpose__name"


class MemberActivityData(PersonalData):
    subject = "user"
    purpose = _("Keeping your account safe and showing you what happened in it")
    lawful_basis = LEGITIMATE_INTERESTS
    categories = [_("Account activity"), _("Network address"), _("Browser")]
    source = _("Recorded while you used the site.")
    fields = {
        "created_at": Field(label=_("When")),
        "kind": Field(label=_("What")),
        "detail": Field(label=_("Details"), words=readable.activity_detail_in_words),
        "ip_address": Field(anonymiser="ip", label=_("Network address")),
        "user_agent": Field(anonymiser="text", label=_("Browser")),
    }
    on_erasure = DELETE
    retention = Retention(
        months=12,
        from_field="created_at",
        reason=_("Security logs are only useful for a year"),
        then=DELETE,
        event=_("it happened"),
    )
    label = _("Your activity")
    record_label = "created_at"


class VerifiedEmailData(PersonalData):
    subject = "user"
    purpose = _("Knowing which email addresses are yours, so we find all your data")
    lawful_basis = CONTRACT
    categories = [_("Contact details")]
    source = _("You confirmed the address through a link we emailed you.")
    fields = {
        "email": Field(anonymiser="email", label=_("Email address")),
        "verified_at": Field(label=_("Confirmed")),
    }
    on_erasure = DELETE
    label = _("Your confirmed email addresses")
    record_label = "email"


class DataSubjectRequestData(PersonalData):
    """Requests are kept, minimised, after erasure: the proof that they were honoured."""

    subject = "member"
    email_field = "contact_email"
    purpose = _("Answering your privacy requests and proving that we did")
    lawful_basis = LEGAL_OBLIGATION
    categories = [_("Your privacy requests")]
    source = _("You made the request.")
    fields = {
        "kind": Field(label=_("Request")),
        "status": Field(label=_("Status")),
        "contact_email": Field(anonymiser="email", label=_("Email address")),
        "received_at": Field(label=_("Received")),
        "due_at": Field(label=_("Answer due")),
        "completed_at": Field(label=_("Completed")),
        "extension_reason": Field(anonymiser="text", label=_("Reason for more time")),
        "refusal_reason": Field(anonymiser="text", label=_("Reason for refusal")),
        "requester_name": Field(anonymiser="text", label=_("Your name")),
        "contact_details": Field(anonymiser="text", label=_("Other contact details")),
        "identity_check": Field(anonymiser="text", label=_("How we checked who you are")),
        # Proposed corrections: old and new values, and the member's reason.
        "payload": Field(
            anonymiser="empty", label=_("Details"), words=readable.request_details_in_words
        ),
    }
    on_erasure = ANONYMISE
    retained_by_law = _(
        "We must be able to show that we answered your requests (GDPR Art. 5(2)); the record "
        "is kept without your name or address."
    )
    retention = Retention(
        years=3,
        from_field="received_at",
        reason=_("The general limitation period for claims"),
        then=DELETE,
        event=_("we received the request"),
    )
    label = _("Your privacy requests")
    record_label = "received_at"


class AccessReportData(PersonalData):
    subject = "request__member"
    purpose = _("Giving you a copy of your data")
    lawful_basis = LEGAL_OBLIGATION
    categories = [_("Copies of your data")]
    source = _("Made when you asked for a copy.")
    fields = {
        "file": Field(anonymiser="file", label=_("File")),
        "size": Field(label=_("Size"), words=lambda size: filesizeformat(size or 0)),
        "sha256": Field(label=_("Fingerprint (SHA-256)")),
        "created_at": Field(label=_("Made")),
        "expires_at": Field(label=_("Available until")),
        "downloads": Field(label=_("Downloads")),
    }
    on_erasure = ANONYMISE
    label = _("Copies of your data")
    record_label = "created_at"


class RequestNoteData(PersonalData):
    """Notes on requests: staff's notes, questions to the requester and their answers."""

    subject = "request__member"
    purpose = _("Answering your privacy requests and proving that we did")
    lawful_basis = LEGAL_OBLIGATION
    categories = [_("Your privacy requests")]
    source = _("Written by our staff, or by you in answer to our questions.")
    fields = {
        "kind": Field(label=_("Kind of note")),
        "text": Field(anonymiser="text", label=_("Text")),
        "created_at": Field(label=_("Written")),
    }
    # The line stays as proof that something was said; what was said goes.
    on_erasure = ANONYMISE
    retained_by_law = _(
        "We must be able to show how we answered your requests (GDPR Art. 5(2)); the note is "
        "kept without its text."
    )
    retention = Retention(
        years=3,
        from_field="created_at",
        reason=_("The general limitation period for claims"),
        then=DELETE,
    )
    label = _("Notes on your privacy requests")


#: How long the breach register is kept: the authority may ask to see it (GDPR Art. 33(5)).
BREACH_REGISTER_RETENTION = Retention(
    years=5,
    from_field="recorded_at",
    reason=_("The breach register documents each breach for the supervisory authority"),
    then=DELETE,
    event=_("the breach was recorded"),
)


class BreachData(PersonalData):
    """The breach register itself (GDPR Art. 33(5)): it names the staff who handle a breach."""

    members = False
    subject = ""
    data_subjects = _("Staff who handle personal data breaches")
    purpose = _("Documenting personal data breaches (GDPR Art. 33(5))")
    lawful_basis = LEGAL_OBLIGATION
    categories = [_("Who handled a breach")]
    how_informed = _("Told when they are named to handle a breach")
    on_request = _("Write to the privacy officer")
    fields = {
        "title": Field(label=_("Breach")),
        "handler": Field(label=_("Handled by")),
        "recorded_at": Field(label=_("Recorded")),
    }
    on_erasure = ANONYMISE
    retention = BREACH_REGISTER_RETENTION
    label = _("Personal data breaches")


class BreachPeopleData(PersonalData):
    """What the register keeps about the people a breach affected: kept as long as the breach's
    own record, for the supervisory authority."""

    subject = "member"
    email_field = "email"
    purpose = _("Telling you about a security breach that affected your data (GDPR Art. 34)")
    lawful_basis = LEGAL_OBLIGATION
    categories = [_("Security notices")]
    fields = {"email": Field(anonymiser="email", label=_("Email address"))}
    on_erasure = DELETE

    @staticmethod
    def kept_for_five_years(event):
        return Retention(
            years=5,
            from_field="created_at",
            reason=_("The breach register documents each breach for the supervisory authority"),
            then=DELETE,
            event=event,
        )


class BreachPersonData(BreachPeopleData):
    """The people an officer names as affected by a breach."""

    source = _("Recorded when a security breach affected your data.")
    retention = BreachPeopleData.kept_for_five_years(_("the breach was recorded"))
    label = _("Security breaches that affected you")


class BreachNoticeData(BreachPeopleData):
    """The notices sent to the people a breach affected (GDPR Art. 34)."""

    source = _("Recorded when we told you about a security breach.")
    fields = {
        "email": Field(anonymiser="email", label=_("Email address")),
        "sent_at": Field(label=_("Sent")),
    }
    retention = BreachPeopleData.kept_for_five_years(_("we told you"))
    label = _("Security notices")
