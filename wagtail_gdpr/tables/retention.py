from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    """One sweep of the retention rules, with what it removed per declaration."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUSES = [(RUNNING, _("running")), (DONE, _("done")), (FAILED, _("failed"))]

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=RUNNING)
    #: {model label: {"deleted": n, "anonymised": n, "held": n}}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at"]

    def __str__(self):
        return str(_("Retention run #%(pk)s")) % {"pk": self.pk}
