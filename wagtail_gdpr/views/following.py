"""What every page of one request shows its member: the request as they follow it, and the form
to answer a question staff asked (it posts to the request's own page)."""

from django import forms
from django.utils.translation import gettext_lazy

from wagtail_gdpr import clarification, member_requests, restriction_objection
from wagtail_gdpr.requests import notes
from wagtail_gdpr.tables import DataSubjectRequest


class AnswerForm(forms.Form):
    """The member's answer to a question staff asked about their request."""

    purpose = forms.ChoiceField(label=gettext_lazy("Which use of your data do you mean?"))
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=notes.MAX_LENGTH,
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        if clarification.needs_purpose(dsr):
            self.fields["purpose"].choices = restriction_objection.member_choices(dsr.kind)
        else:
            del self.fields["purpose"]


def answer_form(dsr: DataSubjectRequest, data=None) -> AnswerForm | None:
    """The form to answer ``dsr``'s question, or ``None`` when nothing is asked."""
    if dsr.status != DataSubjectRequest.WAITING_FOR_MEMBER:
        return None
    return AnswerForm(data, dsr=dsr)


def follow_context(dsr: DataSubjectRequest, form: AnswerForm | None = None) -> dict:
    return {"following": member_requests.follow(dsr), "answer_form": form or answer_form(dsr)}
