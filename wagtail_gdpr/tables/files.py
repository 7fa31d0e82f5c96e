from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingFileRemoval(models.Model):
    """A stored file of erased data, waiting to be deleted from its storage.

    Written in the same transaction as the erasure that emptied the field, so the file goes
    exactly when the erasure commits; the row is deleted with the file.
    """

    model_label = models.CharField(_("model"), max_length=255)
    field_name = models.CharField(_("field"), max_length=255)
    file_name = models.CharField(_("file"), max_length=1024)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("pending file removal")
        verbose_name_plural = _("pending file removals")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.model_label}.{self.field_name} #{self.pk}"
