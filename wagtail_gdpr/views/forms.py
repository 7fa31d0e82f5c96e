"""The forms of the consent step and of consent blocks."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentStepForm(forms.Form):
    """The consent step: optional purposes as unticked boxes, plus what the member was shown.

    The hidden fields carry the notice version and each purpose's version and text hash as
    shown, so an answer to a text that has since changed is refused, not recorded.
    """

    notice_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    notice_sha256 = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, required_purposes=(), optional_purposes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.required_purposes = list(required_purposes)
        self.optional_purposes = list(optional_purposes)
        for purpose in self.required_purposes + self.optional_purposes:
            self.fields[f"version_{purpose.slug}"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields[f"sha256_{purpose.slug}"] = forms.CharField(widget=forms.HiddenInput)
        for purpose in self.optional_purposes:
            self.fields[f"consent_{purpose.slug}"] = forms.BooleanField(
                required=False, label=purpose.name, initial=False
            )

    def notice_shown(self) -> tuple:
        """``(version pk, text SHA-256)`` of the notice as the page showed it."""
        return (self.cleaned_data.get("notice_version"), self.cleaned_data.get("notice_sha256"))

    def shown(self, purpose):
        return (
            self.cleaned_data[f"version_{purpose.slug}"],
            self.cleaned_data[f"sha256_{purpose.slug}"],
        )

    def proof_missing(self) -> bool:
        """Did the page send back no version or fingerprint of a text it showed?"""
        proof = [name for name in self.fields if name.startswith(("version_", "sha256_"))]
        return any(name in self.errors for name in proof)

    def chosen_optional(self):
        return [p for p in self.optional_purposes if self.cleaned_data.get(f"consent_{p.slug}")]

    def clean(self):
        cleaned = super().clean()
        known = {f"consent_{p.slug}" for p in self.optional_purposes}
        forged = [key for key in self.data if key.startswith("consent_") and key not in known]
        if forged:
            raise forms.ValidationError(
                _("The form asked about a purpose that does not exist. Nothing was recorded."),
                code="unknown_purpose",
            )
        return cleaned


class ConsentChoiceForm(forms.Form):
    """Give or withdraw one purpose from a consent block."""

    action = forms.ChoiceField(choices=[("give", _("Give")), ("withdraw", _("Withdraw"))])
    # Both are checked by the view: without them an answer is refused with a 409.
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    text_sha256 = forms.CharField(required=False, max_length=64)
    next = forms.CharField(required=False, max_length=2000)
    page_id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
