"""The privacy tab of form-builder pages: purpose, lawful basis, retention, storage, consent.

Mix :class:`FormPrivacyMixin` into a form page, before ``AbstractEmailForm`` or
``AbstractForm`` (as ``wagtail.contrib.forms`` mixes ``FormMixin`` into them)::

    class ContactPage(FormPrivacyMixin, AbstractEmailForm):
        ...

The page gets a "Privacy" tab after "Content" (or, with an ``edit_handler`` of your own, add
``ObjectList(FormPrivacyMixin.privacy_panels, heading="Privacy")`` to it), and the form's
submissions become a processing activity of their own (see ``wagtail_gdpr.form_privacy``).
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.utils.decorators import cached_classmethod

from wagtail_gdpr import consent, readable
from wagtail_gdpr.form_privacy import consent as form_consent
from wagtail_gdpr.form_privacy import periods
from wagtail_gdpr.registry import CONTRACT, LAWFUL_BASES


def submission_notice(page, submission, consent_entry=None) -> dict:
    """What the landing page tells the person about what was kept of their answers, and of the
    consent they gave on the form."""
    notice = {"consent": consent_entry.purpose.for_reader().name if consent_entry else ""}
    if submission is None:
        return {**notice, "stored": False}
    retention = page.privacy_retention()
    return {
        **notice,
        "stored": True,
        "period": retention.period_text,
        "until": readable.local_day(retention.expires(submission.submit_time)),
    }


STORE = "store"
EMAIL_ONLY = "email_only"
STORAGE_CHOICES = [
    (STORE, _("Store submissions, and email them if an address is set")),
    (EMAIL_ONLY, _("Only email them: store nothing on the site")),
]


class FormPrivacyMixin(models.Model):
    """What a form does with the personal data people send through it, set by its editors."""

    #: Marks page types with the privacy tab, for the services that cannot import this module.
    gdpr_form_privacy = True

    privacy_purpose = models.TextField(
        _("why we ask"),
        blank=True,
        help_text=_(
            "In plain words, what you do with the answers: “To answer your question”, "
            "“To consider your application”. People read it in their privacy centre."
        ),
    )
    privacy_lawful_basis = models.CharField(
        _("lawful basis"),
        max_length=32,
        choices=list(LAWFUL_BASES.items()),
        default=CONTRACT,
        help_text=_("What allows you to use the answers (GDPR Art. 6)."),
    )
    privacy_keep_for = models.PositiveIntegerField(
        _("keep submissions for"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the site's default, set in the privacy settings."),
    )
    privacy_keep_unit = models.CharField(
        _("unit"), max_length=6, choices=periods.RETENTION_UNITS, default=periods.MONTHS
    )
    privacy_storage = models.CharField(
        _("submissions"), max_length=10, choices=STORAGE_CHOICES, default=STORE
    )
    privacy_consent_purpose = models.ForeignKey(
        "wagtail_gdpr.ConsentPurpose",
        verbose_name=_("ask for consent to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Optional: the form shows an unticked box with this purpose's exact text. Sending "
            "the form never depends on ticking it."
        ),
    )

    privacy_panels = [
        FieldPanel("privacy_purpose"),
        FieldPanel("privacy_lawful_basis"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("privacy_keep_for"), FieldPanel("privacy_keep_unit")])],
            heading=_("How long"),
        ),
        FieldPanel("privacy_storage"),
        FieldPanel("privacy_consent_purpose"),
    ]

    class Meta:
        abstract = True

    @cached_classmethod
    def get_edit_handler(cls):
        """Content, Privacy, Promote, Settings; a page's own ``edit_handler`` wins."""
        if hasattr(cls, "edit_handler"):
            return cls.edit_handler.bind_to_model(cls)
        tabs = [
            ObjectList(panels, heading=heading)
            for panels, heading in (
                (cls.content_panels, _("Content")),
                (cls.privacy_panels, _("Privacy")),
                (cls.promote_panels, _("Promote")),
                (cls.settings_panels, _("Settings")),
            )
            if panels
        ]
        return TabbedInterface(tabs, base_form_class=cls.base_form_class).bind_to_model(cls)

    def get_submissions_list_view_class(self):
        """The admin's listing of submissions, with the day each one is deleted."""
        if self.submissions_list_view_class:
            return self.submissions_list_view_class
        # Here, not at the top: Wagtail's admin views need the models loaded, and this module
        # is loaded with them (wagtail.contrib.forms imports its views the same way).
        from wagtail_gdpr.admin.form_submissions import (  # noqa: PLC0415
            SubmissionsWithRetentionView,
        )

        return SubmissionsWithRetentionView

    # -- sending the form -------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        # The consent a form records notes the browser it came from, as the consent step does.
        self._gdpr_request = request
        return super().serve(request, *args, **kwargs)

    def get_form_class(self):
        """The form builder's form, with the unticked consent box when the form asks for one."""
        base = super().get_form_class()
        page = self

        class FormWithConsent(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                form_consent.add_box(self, page)

            def clean(self):
                cleaned = super().clean()
                form_consent.clean_box(self, page)
                return cleaned

        FormWithConsent.__name__ = base.__name__
        return FormWithConsent

    def process_form_submission(self, form):
        """Store the submission (and its files), or only email it and store nothing; then
        record the consent of a ticked box (the ledger keeps it, not the submission).

        With "only email them" no ``FormSubmission`` row is written and uploaded files are
        neither saved nor kept: the email is all there is. Put code that saves a form's
        uploaded files in :meth:`store_submission_files`, so that it follows the same rule.
        """
        ticked, shown = form_consent.take_box(form)
        answers = dict(form.cleaned_data)
        if self.privacy_stores_submissions:
            submission = super().process_form_submission(form)
            self.store_submission_files(form, submission)
        else:
            form.cleaned_data = {
                name: value
                for name, value in form.cleaned_data.items()
                if not isinstance(value, UploadedFile)
            }
            if getattr(self, "to_address", ""):
                self.send_mail(form)
            submission = None
        try:
            self._gdpr_consent_entry = form_consent.record(
                self,
                form,
                ticked=ticked,
                shown_sha256=shown,
                answers=answers,
                request=getattr(self, "_gdpr_request", None),
            )
        except consent.ConsentError:
            # Checked as the form was cleaned; a text changed in between records nothing.
            self._gdpr_consent_entry = None
        return submission

    def store_submission_files(self, form, submission):
        """Save the form's uploaded files with ``submission``; called only when submissions are
        stored. The form builder of Wagtail itself has no file fields: sites that add them
        override this."""

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        response = super().render_landing_page(request, form_submission, *args, **kwargs)
        if hasattr(response, "context_data"):
            response.context_data["gdpr_form"] = submission_notice(
                self, form_submission, getattr(self, "_gdpr_consent_entry", None)
            )
        return response

    # -- what the rest of the add-on reads --------------------------------------------------

    def privacy_site(self):
        return self.get_site() if self.pk else None

    def privacy_retention(self):
        """The form's retention rule: its own period, or the site's default."""
        if self.privacy_keep_for:
            return periods.as_retention(self.privacy_keep_for, self.privacy_keep_unit)
        return periods.site_default(self.privacy_site())

    @property
    def privacy_stores_submissions(self) -> bool:
        return self.privacy_storage != EMAIL_ONLY

    # -- validation -------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.privacy_keep_for is not None:
            limit = periods.site_maximum(self.privacy_site())
            if self.privacy_keep_for == 0:
                errors["privacy_keep_for"] = _("Keep submissions for at least one day.")
            elif periods.longer_than(self.privacy_retention(), limit):
                errors["privacy_keep_for"] = _(
                    "The site keeps form submissions for at most %(period)s. Choose a shorter "
                    "period, or ask a privacy officer to change the maximum."
                ) % {"period": limit.period_text}
        if self.privacy_storage == EMAIL_ONLY and not (getattr(self, "to_address", "") or ""):
            errors["privacy_storage"] = _(
                "Nothing would be kept or sent: give an address to email submissions to, in "
                "the Content tab, or store them."
            )
        purpose = self.privacy_consent_purpose
        if purpose is not None and (purpose.required or not purpose.active):
            errors["privacy_consent_purpose"] = _(
                "Choose an active purpose people may freely agree to: one needed to deliver the "
                "service is not asked for with a box."
            )
        if errors:
            raise ValidationError(errors)
