"""The retention sweep (storage limitation, GDPR Art. 5(1)(e)).

For each declaration with a retention rule, rows past it are deleted or anonymised in bounded
batches, in primary-key order, each batch its own transaction, set-based. An interrupted sweep
is simply run again: deletion is final and anonymisation idempotent. Rows of a member under a
legal hold, and single records under one, are left alone. Each run is recorded with its counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from wagtail_gdpr import inventory, readable
from wagtail_gdpr.erasure.execution import anonymise_queryset, queue_files_of
from wagtail_gdpr.erasure.plan import record_holds, retention_cutoff
from wagtail_gdpr.registry import DELETE, SELF, PersonalData, registry
from wagtail_gdpr.tables import LegalHold, RetentionRun

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 50_000


def expired_rows(declaration: PersonalData, now, held_members: list, held_records: dict):
    """The declaration's rows past retention and not under a hold, unevaluated."""
    retention = declaration.retention
    rows = declaration.all_rows().filter(
        **{f"{retention.from_field}__lt": retention_cutoff(declaration, now)}
    )
    if held_members:
        if declaration.subject == SELF:
            rows = rows.exclude(pk__in=held_members)
        elif declaration.subject:
            rows = rows.exclude(**{f"{declaration.subject}__in": held_members})
    held = held_records.get(ContentType.objects.get_for_model(declaration.model).pk)
    if held:
        rows = rows.exclude(pk__in=held)
    return declaration.keep_from_retention(rows).order_by("pk")


def _holds(now):
    active = LegalHold.objects.active(now)
    members = list(active.filter(member__isnull=False).values_list("member_id", flat=True))
    return members, record_holds(now)


def sweep_declaration(declaration, now, held_members, held_records, batch_size, on_batch=None):
    """Work through one declaration in batches; returns the number of rows removed."""
    rows = expired_rows(declaration, now, held_members, held_records).order_by()
    action = declaration.retention.then
    bounds = rows.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return 0
    done = 0
    # Batches are primary-key ranges: small, set-based statements that need no row list,
    # and a run that is stopped half-way simply starts again from the lowest expired row.
    low = bounds["low"] - 1
    while low < bounds["high"]:
        high = low + batch_size
        batch = rows.filter(pk__gt=low, pk__lte=high)
        with transaction.atomic():  # the batch and its progress commit together
            queue_files_of(declaration, batch)
            if action == DELETE:
                declaration.before_delete(batch)
                removed = batch.delete()[1].get(declaration.model._meta.label, 0)
            else:
                removed = batch.count()
                anonymise_queryset(declaration, batch)
            done += removed
            if removed and on_batch:
                on_batch(done)
        low = high
    return done


def sweep(*, dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE, now=None) -> RetentionRun:
    now = now or timezone.now()
    run = RetentionRun.objects.create(dry_run=dry_run)
    held_members, held_records = _holds(now)
    counts: dict[str, dict] = {}
    try:
        for declaration in registry.activities():
            if declaration.retention is None:
                continue
            label = declaration.activity_key
            action = "deleted" if declaration.retention.then == DELETE else "anonymised"
            if dry_run:
                counts[label] = {
                    action: expired_rows(declaration, now, held_members, held_records).count()
                }
                continue
            counts[label] = {action: 0}

            def progress(done, label=label, action=action):
                counts[label][action] = done
                RetentionRun.objects.filter(pk=run.pk).update(counts=counts)

            counts[label][action] = sweep_declaration(
                declaration, now, held_members, held_records, batch_size, progress
            )
        if not dry_run:
            for declaration in registry:
                declaration.tidy()
    except Exception as exc:
        RetentionRun.objects.filter(pk=run.pk).update(
            status=RetentionRun.FAILED, counts=counts, error=type(exc).__name__,
            finished_at=timezone.now(),
        )  # fmt: skip
        logger.exception("Retention run #%s failed", run.pk)
        raise
    RetentionRun.objects.filter(pk=run.pk).update(
        status=RetentionRun.DONE, counts=counts, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


@dataclass
class NextSweep:
    """What the next sweep would do to one declaration, and when its next row falls due."""

    name: str
    model: str
    #: "deleted" or "anonymised".
    action: str
    rule: str
    #: Rows past their retention now: the next run removes them.
    due_now: int
    #: The day the first row still within its retention reaches its end; ``None``: no such row.
    next_due: date | None


def next_sweep(now=None) -> list[NextSweep]:
    """A dry run that records nothing: what the next sweep removes, declaration by declaration,
    and when the rows it leaves begin to fall due. Legal holds are respected, as in the sweep."""
    now = now or timezone.now()
    held_members, held_records = _holds(now)
    preview = []
    for declaration in registry.activities():
        retention = declaration.retention
        if retention is None:
            continue
        from_field = retention.from_field
        within = declaration.all_rows().filter(
            **{f"{from_field}__gte": retention_cutoff(declaration, now)}
        )
        earliest = within.aggregate(first=Min(from_field))["first"]
        next_due = retention.expires(earliest) if earliest is not None else None
        preview.append(
            NextSweep(
                name=declaration.display_name,
                model=declaration.model_label,
                action="deleted" if retention.then == DELETE else "anonymised",
                rule=inventory.retention_in_words(declaration),
                due_now=expired_rows(declaration, now, held_members, held_records).count(),
                next_due=readable.local_day(next_due) if next_due is not None else None,
            )
        )
    return preview
