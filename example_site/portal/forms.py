from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import email_verification
from wagtail_gdpr.errors import Refused

from .models import MemberProfile, SupportTicket

User = get_user_model()


def clean_unique_email(email, *, exclude_pk=None):
    """One account per address: guest orders and form answers are matched to members by it.

    The add-on's rule, which its "correct my data" path follows too."""
    account = User(pk=exclude_pk)
    try:
        email_verification.check_new_address(account, email)
    except Refused as exc:
        raise forms.ValidationError(exc.message) from None
    return email


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name")

    def clean_email(self):
        return clean_unique_email(self.cleaned_data["email"])


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self):
        return clean_unique_email(self.cleaned_data["email"], exclude_pk=self.instance.pk)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = MemberProfile
        # The date of birth is corrected through a request that staff check, not here.
        fields = ("phone", "street_address", "postcode", "city")
        # Autocomplete tokens let browsers and assistive technology fill the fields in.
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }


class NewsletterForm(forms.Form):
    """The newsletter box on the account page: a consent to the ``newsletter`` purpose.

    The version and SHA-256 of the text the member read travel with the answer, so that consent
    to a text that changed in the meantime is refused instead of recorded against the new one.
    """

    subscribed = forms.BooleanField(
        label=_("Send me the newsletter"),
        required=False,
        # The purpose's text, shown under the box, is what the member agrees to.
        widget=forms.CheckboxInput(attrs={"aria-describedby": "newsletter-text"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class SupportTicketForm(forms.ModelForm):
    class Meta:
        model = SupportTicket
        fields = ("subject", "message")
