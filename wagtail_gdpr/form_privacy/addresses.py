"""The email addresses in each form submission, kept in an indexed side table.

A person's submissions used to be found with one ``form_data__<key>__iexact`` condition per
email field and address, a scan of every submission's JSON. Each submission's addresses are
written, normalised, to :class:`~wagtail_gdpr.tables.FormSubmissionAddress` when it is saved
(and by a migration for older ones), so finding them is one indexed query however many email
fields the site's forms have.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from wagtail_gdpr.builtin import form_field_models
from wagtail_gdpr.tables import FormSubmissionAddress

#: The key a form's email answer is looked for under even when no field says it is an email
#: (the form builder's usual name for it), as the lookup has always done.
USUAL_KEY = "email"
BATCH_SIZE = 5_000
MAX_LENGTH = 254


def normalise(value) -> str | None:
    """An address as it is compared: trimmed and in lower case; ``None`` for anything else."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    if "@" not in value or len(value) > MAX_LENGTH or any(c.isspace() for c in value):
        return None
    return value


def normalised(emails: Iterable[str]) -> list[str]:
    return sorted({e for e in (normalise(e) for e in emails) if e})


def email_keys(page_ids: Iterable[int], field_models=None) -> dict[int, set[str]]:
    """``{page id: keys}``: where each form stores its email answers (its email-type fields)."""
    page_ids = list(page_ids)
    keys: dict[int, set[str]] = {pk: {USUAL_KEY} for pk in page_ids}
    for model in form_field_models() if field_models is None else field_models:
        rows = model._base_manager.filter(page_id__in=page_ids, field_type="email")
        for page_id, name in rows.values_list("page_id", "clean_name"):
            keys[page_id].add(name)
    return keys


def addresses_in(form_data, keys: Iterable[str]) -> set[str]:
    if not isinstance(form_data, dict):
        return set()
    found = {normalise(form_data.get(key)) for key in keys}
    found.discard(None)
    return found


def index_submission(submission) -> int:
    """(Re)write one submission's addresses; returns how many it has."""
    keys = email_keys([submission.page_id])[submission.page_id]
    FormSubmissionAddress.objects.filter(submission_id=submission.pk).delete()
    rows = [
        FormSubmissionAddress(submission_id=submission.pk, page_id=submission.page_id, email=e)
        for e in sorted(addresses_in(submission.form_data, keys))
    ]
    FormSubmissionAddress.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def backfill(submission_model, address_model, field_models, batch_size: int = BATCH_SIZE) -> int:
    """Index every submission, a primary-key range at a time; returns the addresses written.

    Takes the models as arguments so that the data migration runs it on its historical models.
    Run again, it writes nothing twice (the table is unique on address and submission).
    """
    written = 0
    last = 0
    submissions = submission_model._base_manager.order_by("pk")
    while True:
        batch = list(submissions.filter(pk__gt=last).values_list("pk", "page_id", "form_data")[
            :batch_size
        ])  # fmt: skip
        if not batch:
            return written
        keys = email_keys({page_id for _, page_id, _ in batch}, field_models)
        rows = [
            address_model(submission_id=pk, page_id=page_id, email=email)
            for pk, page_id, form_data in batch
            for email in sorted(addresses_in(form_data, keys[page_id]))
        ]
        address_model._base_manager.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
        last = batch[-1][0]


def submissions_with(emails: Iterable[str]):
    """The ids of submissions that contain any of ``emails``, as a subquery."""
    return FormSubmissionAddress.objects.filter(email__in=normalised(emails)).values(
        "submission_id"
    )


def forget(submissions) -> int:
    """Remove the addresses of ``submissions`` (a queryset), before they are deleted."""
    return FormSubmissionAddress.objects.filter(
        submission_id__in=submissions.order_by().values("pk")
    ).delete()[0]


def tidy(submission_model) -> int:
    """Remove addresses whose submission is gone (deleted in the admin, say): set-based."""
    gone = ~Exists(submission_model._base_manager.filter(pk=OuterRef("submission_id")))
    return FormSubmissionAddress.objects.filter(gone).delete()[0]
