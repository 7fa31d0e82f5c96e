"""The submissions listing of a form page with a privacy tab: when each submission goes."""

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.views import SubmissionsListView

from wagtail_gdpr.form_privacy.upcoming import goes_on

COLUMN = "wagtail_gdpr_deleted_on"


class SubmissionsWithRetentionView(SubmissionsListView):
    """Wagtail's listing, with a last column: the day the retention sweep deletes the row."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_export:
            return context
        when = {s.pk: goes_on(self.form_page, s.submit_time) for s in context["submissions"]}
        context["data_headings"].append({"name": COLUMN, "label": _("Deleted on"), "order": None})
        for row in context["data_rows"]:
            day = when.get(row["model_id"])
            row["fields"].append(formats.date_format(day, "DATE_FORMAT") if day else "")
        return context
