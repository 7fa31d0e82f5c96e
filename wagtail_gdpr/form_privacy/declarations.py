"""Form submissions as processing activities: one per form page that has a privacy tab.

:class:`FormsData` replaces the built-in declaration of ``wagtailforms.FormSubmission``
(``registry.BUILTIN_DECLARATIONS`` names it). Erasure still reads it whole: a person's
submissions go, whichever form they were sent through. Everything that describes or sweeps
the data reads its :meth:`~FormsData.activities`: each form page with the mixin, under its
title, with the purpose, lawful basis and retention its editors set; and the submissions of
every other form, with the site's default retention.
"""

from __future__ import annotations

from django.apps import apps
from django.db import DatabaseError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import unmigrated
from wagtail_gdpr.builtin import FormSubmissionData
from wagtail_gdpr.form_privacy import addresses, periods


def privacy_form_models() -> list:
    """Page types that carry the form privacy tab (their marker is ``gdpr_form_privacy``)."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "gdpr_form_privacy", False) and not model._meta.abstract
    ]


def privacy_form_pages() -> list:
    """Every form page with a privacy tab, in tree order, its own fields read; none before
    ``migrate`` (the record of processing is also made from the code alone)."""
    pages = []
    for model in privacy_form_models():
        try:
            pages.extend(model._base_manager.order_by("path"))
        except DatabaseError as error:
            if not unmigrated.table_missing(error):
                raise
    return sorted(pages, key=lambda page: page.path)


class FormsData(FormSubmissionData):
    """All form submissions, found by the addresses indexed for them."""

    def subject_filter(self, user, emails):
        wanted = addresses.normalised(emails)
        if not wanted:
            return Q(pk__in=[])
        return Q(pk__in=addresses.submissions_with(wanted))

    def before_delete(self, rows):
        addresses.forget(rows)

    def tidy(self):
        return addresses.tidy(self.model)

    def activities(self):
        pages = privacy_form_pages()
        own = [FormActivity(self.model, page) for page in pages]
        return [*own, OtherForms(self.model, [page.pk for page in pages])]


class FormActivity(FormsData):
    """The submissions of one form page, as its editors described them."""

    def __init__(self, model, page):
        self.page = page
        self.purpose = page.privacy_purpose.strip() or FormSubmissionData.purpose
        self.lawful_basis = page.privacy_lawful_basis
        self.retention = page.privacy_retention()
        self.label = page.title
        self.source = _("You filled in the form “%(title)s” on the site.") % {"title": page.title}
        super().__init__(model)

    def activities(self):
        return [self]

    def all_rows(self):
        return super().all_rows().filter(page_id=self.page.pk)

    def subject_filter(self, user, emails):
        return super().subject_filter(user, emails) & Q(page_id=self.page.pk)

    @property
    def activity_key(self) -> str:
        return f"{self.model_label}:{self.page.pk}"

    @property
    def data_name(self) -> str:
        return gettext("form %(slug)s") % {"slug": self.page.slug}


class OtherForms(FormsData):
    """Submissions of forms that have no privacy tab: the site's default retention."""

    def __init__(self, model, excluded_pages: list[int]):
        self.excluded_pages = excluded_pages
        self.retention = periods.site_default()
        if excluded_pages:
            self.label = _("Other form submissions")
        super().__init__(model)

    def activities(self):
        return [self]

    def all_rows(self):
        return super().all_rows().exclude(page_id__in=self.excluded_pages)

    def subject_filter(self, user, emails):
        return super().subject_filter(user, emails) & ~Q(page_id__in=self.excluded_pages)
