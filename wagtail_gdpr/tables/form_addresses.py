from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmissionAddress(models.Model):
    """An email address found in one form-builder submission, normalised (trimmed, lower case).

    Written when the submission is saved and filled in for older ones by a migration, so that
    a person's submissions are one indexed query rather than a scan of every submission's JSON.
    ``submission_id`` is a plain column, not a foreign key: the form builder is optional, and a
    table of the add-on must not need it. The sweep and erasure remove a submission's addresses
    with it; rows whose submission went some other way are tidied by the retention sweep.
    """

    submission_id = models.BigIntegerField(_("submission"))
    page_id = models.IntegerField(_("form page"), db_index=True)
    email = models.CharField(_("email address"), max_length=254)

    class Meta:
        verbose_name = _("email address in a form submission")
        verbose_name_plural = _("email addresses in form submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "submission_id"], name="wagtail_gdpr_form_address_unique"
            )
        ]
        indexes = [models.Index(fields=["submission_id"], name="wagtail_gdpr_form_address_sub")]

    def __str__(self):
        return self.email
