"""The erasure plan (GDPR Art. 17): what erasing a member would do, for them to read first.

The plan says, per declaration, what happens to the member's rows: deleted, anonymised (with
which anonymisers), or kept until a date because of a named legal obligation or a legal hold.
Each record kept has its own date, from its own retention. The member reads the plan with each
record named by its label (:attr:`PlanItem.records`); the receipt keeps only the dates and how
many records have each (:attr:`PlanItem.until_dates`), and no personal data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import inventory, readable
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.registry import (
    ANONYMISE,
    ANONYMISED,
    DELETE,
    DELETED,
    HELD,
    RETAINED,
    SELF,
    PersonalData,
    registry,
    verified_emails,
)
from wagtail_gdpr.tables import LegalHold


class ErasureBlocked(Refused):
    """A legal hold stops the erasure; ``message`` is the reason the member is shown."""


#: How many records of one kind the plan names one by one; the rest are counted.
RECORDS_NAMED = 50


@dataclass
class PlanRecord:
    """One record, as the member knows it (an order by its number), and until when it stays."""

    label: str
    #: ISO date: kept until then; ``None``: goes now.
    until: str | None = None


@dataclass
class PlanItem:
    model: str
    name: str
    outcome: str
    count: int
    #: (field label, what happens to it) for anonymised rows.
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: The last of the ``until_dates``: when the last of these records goes.
    until: str | None = None
    reason: str = ""
    #: ``[(ISO date, how many records)]``: each record kept until its own date.
    until_dates: list[tuple[str, int]] = field(default_factory=list)
    #: The first :data:`RECORDS_NAMED` records by label, for the member to read; never kept.
    records: list[PlanRecord] = field(default_factory=list)


@dataclass
class ErasurePlan:
    items: list[PlanItem]
    #: "deleted", or "anonymised" (closed) when kept rows still point to the account.
    account: str = DELETED
    blocked_by: str = ""

    def as_receipt(self) -> dict:
        """The plan without the records' labels: what the receipt and the request keep."""
        items = []
        for item in self.items:
            kept = asdict(item)
            kept.pop("records")
            items.append(kept)
        return {"items": items, "account": self.account}

    @property
    def is_empty(self) -> bool:
        return not any(item.count for item in self.items)


def retention_cutoff(declaration: PersonalData, now: datetime):
    """Rows whose retention field is before this value are past their retention."""
    cutoff = declaration.retention.cutoff(now)
    from_field = declaration.model._meta.get_field(declaration.retention.from_field)
    if not isinstance(from_field, models.DateTimeField):
        return cutoff.date()
    return cutoff


def _day(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.isoformat() if isinstance(value, date) else str(value)


def _held_pks(declaration: PersonalData, holds_by_type: dict) -> list[str]:
    content_type = ContentType.objects.get_for_model(declaration.model)
    return holds_by_type.get(content_type.pk, [])


def record_holds(now):
    """``{content type id: [object ids]}`` of the records under a legal hold now."""
    by_type: dict[int, list[str]] = {}
    for content_type_id, object_id in (
        LegalHold.objects.active(now)
        .filter(content_type__isnull=False)
        .values_list("content_type_id", "object_id")
    ):
        by_type.setdefault(content_type_id, []).append(object_id)
    return by_type


def _field_actions(declaration: PersonalData) -> list[tuple[str, str]]:
    actions = []
    for name in declaration.fields:
        anonymiser = declaration.anonymiser_for(name)
        if anonymiser:
            actions.append((declaration.field_label(name), str(anonymiser.label)))
    return actions


def _item(declaration: PersonalData, outcome: str, count: int, **details) -> PlanItem:
    return PlanItem(declaration.model_label, declaration.display_name, outcome, count, **details)


def label_path(declaration: PersonalData) -> str | None:
    """What names one record for the member: the declaration's ``record_label``, else the
    model's own ``__str__`` (``None``: it has none, and records are only counted)."""
    if declaration.record_label:
        return declaration.record_label
    return "" if declaration.model.__str__ is not models.Model.__str__ else None


def named_records(declaration: PersonalData, rows, until_of=None) -> list[PlanRecord]:
    """The first records of ``rows`` by label, each with its own date when ``until_of`` gives
    one (``fn(row's retention date) -> date``)."""
    path = label_path(declaration)
    if path is None:
        return []
    from_field = declaration.retention.from_field if until_of else None
    rows = rows.order_by("pk")[:RECORDS_NAMED]
    if path:
        # A record may be named by the date its retention counts from: one column then (some
        # Django 5.2 releases return a field named twice only once).
        columns = [path] + ([from_field] if from_field and from_field != path else [])
        values = rows.values_list(*columns)
        labels_and_dates = [
            (readable.in_words(v[0]), v[-1] if from_field else None) for v in values
        ]
    else:
        labels_and_dates = [
            (str(obj), getattr(obj, from_field) if from_field else None) for obj in rows
        ]
    return [
        PlanRecord(label, _day(until_of(start)) if until_of and start is not None else None)
        for label, start in labels_and_dates
    ]


def until_dates(declaration: PersonalData, rows) -> list[tuple[str, int]]:
    """``[(ISO date, count)]``, oldest first: each row kept until its own retention ends.

    Counted per day the rows start on, in the database: a retention never ends earlier for a
    later start, so where a day's first and last rows end on the same day, all of that day's
    rows do, and none is read. Only a day whose rows end on different days is read row by row.
    """
    from_field = declaration.retention.from_field
    expires = declaration.retention.expires
    model_field = declaration.model._meta.get_field(from_field)
    start_day = (
        TruncDate(from_field) if isinstance(model_field, models.DateTimeField) else F(from_field)
    )
    days = (
        rows.exclude(**{f"{from_field}__isnull": True})
        .order_by()
        .annotate(_gdpr_day=start_day)
        .values("_gdpr_day")
        .annotate(_gdpr_rows=Count("pk"), _gdpr_first=Min(from_field), _gdpr_last=Max(from_field))
    )
    counts: dict[str, int] = {}
    for day in days:
        first, last = _day(expires(day["_gdpr_first"])), _day(expires(day["_gdpr_last"]))
        if first == last:
            counts[first] = counts.get(first, 0) + day["_gdpr_rows"]
            continue
        that_day = rows.filter(**{f"{from_field}__range": (day["_gdpr_first"], day["_gdpr_last"])})
        for start in that_day.values_list(from_field, flat=True).iterator(chunk_size=2000):
            until = _day(expires(start))
            counts[until] = counts.get(until, 0) + 1
    return sorted(counts.items())


@dataclass
class RowGroups:
    """The querysets execution works on, per declaration."""

    declaration: PersonalData
    delete: models.QuerySet | None = None
    anonymise: models.QuerySet | None = None


def _plan_declaration(declaration, user, emails, holds_by_type, now, items, groups, describe):
    rows = declaration.rows_for(user, emails).order_by()
    held = _held_pks(declaration, holds_by_type)
    if held:
        held_rows = rows.filter(pk__in=held)
        count = held_rows.count()
        if count:
            reasons = LegalHold.objects.active(now).filter(
                content_type=ContentType.objects.get_for_model(declaration.model),
                object_id__in=[str(pk) for pk in held_rows.values_list("pk", flat=True)],
            )
            items.append(
                _item(
                    declaration, HELD, count, reason="; ".join(sorted({h.reason for h in reasons}))
                )
            )
        rows = rows.exclude(pk__in=held)

    group = RowGroups(declaration)
    if declaration.retained_by_law and declaration.retention is not None:
        from_field = declaration.retention.from_field
        cutoff = retention_cutoff(declaration, now)
        expired = rows.filter(**{f"{from_field}__lt": cutoff})
        kept = rows.exclude(**{f"{from_field}__lt": cutoff})
        expired_count = expired.count()
        if expired_count:
            items.append(
                _item(
                    declaration,
                    DELETED,
                    expired_count,
                    records=named_records(declaration, expired) if describe else [],
                )
            )
            group.delete = expired
        kept_count = kept.count()
        if kept_count:
            dates = until_dates(declaration, kept)
            outcome = ANONYMISED if declaration.on_erasure == ANONYMISE else RETAINED
            items.append(
                _item(
                    declaration,
                    outcome,
                    kept_count,
                    fields=_field_actions(declaration) if outcome == ANONYMISED else [],
                    until=dates[-1][0] if dates else None,
                    until_dates=dates,
                    reason=str(declaration.retained_by_law),
                    records=named_records(declaration, kept, declaration.retention.expires)
                    if describe
                    else [],
                )
            )
            if outcome == ANONYMISED:
                group.anonymise = kept
    else:
        count = rows.count()
        if count:
            records = named_records(declaration, rows) if describe else []
            if declaration.on_erasure == DELETE:
                items.append(_item(declaration, DELETED, count, records=records))
                group.delete = rows
            else:
                items.append(
                    _item(
                        declaration,
                        ANONYMISED,
                        count,
                        fields=_field_actions(declaration),
                        records=records,
                    )
                )
                group.anonymise = rows
    groups.append(group)


def _account_outcome(user, items) -> str:
    """Delete the account, unless rows that stay would block that or be destroyed by it."""
    remaining = {i.model for i in items if i.outcome in (RETAINED, HELD, ANONYMISED)}
    must_keep = {
        i.model
        for i in items
        if i.outcome in (RETAINED, HELD) or (i.outcome == ANONYMISED and i.until)
    }
    user_model = get_user_model()
    for declaration in registry.about_members():
        if declaration.subject in ("", SELF) or declaration.model_label not in remaining:
            continue
        first = declaration.model._meta.get_field(declaration.subject.split("__")[0])
        if first.related_model is not user_model:
            continue
        on_delete = first.remote_field.on_delete
        blocks = on_delete in (models.PROTECT, models.RESTRICT) or (
            on_delete is models.DO_NOTHING and first.db_constraint
        )
        destroys_kept = on_delete is models.CASCADE and declaration.model_label in must_keep
        if blocks or destroys_kept:
            return ANONYMISED  # the account stays, anonymised and closed
    return DELETED


def build_plan(
    user, now=None, *, row_groups: list | None = None, describe: bool = True
) -> ErasurePlan:
    """What erasing ``user`` now would do. ``row_groups``, when given, receives the querysets
    of rows each declaration would delete or anonymise (execution works on them).
    ``describe=False`` leaves out the records' labels (execution does not need them)."""
    now = now or timezone.now()
    member_holds = LegalHold.objects.active(now).filter(member=user)
    if member_holds.exists():
        reason = "; ".join(sorted({h.reason for h in member_holds}))
        return ErasurePlan(
            items=[PlanItem("", _("All your data"), HELD, 1, reason=reason)],
            blocked_by=reason,
        )
    emails = list(verified_emails(user))
    holds_by_type = record_holds(now)
    items: list[PlanItem] = []
    groups = row_groups if row_groups is not None else []
    for declaration in registry.about_members():
        if declaration.subject == SELF:
            continue
        _plan_declaration(declaration, user, emails, holds_by_type, now, items, groups, describe)
    account = _account_outcome(user, items)
    items.append(PlanItem(get_user_model()._meta.label, _("Your account"), account, 1))
    return ErasurePlan(items=items, account=account)


@dataclass
class ErasureFacts:
    """What the member is told before confirming, besides the plan itself."""

    #: Days before the erasure is carried out (the grace period), during which it can be
    #: cancelled; 0: at once.
    grace_days: int
    #: How long backups keep data, in days; ``None``: the site keeps no backups of it.
    backup_days: int | None
    #: Who receives the data that goes, in words: they are told of the erasure (Art. 19).
    recipients: list[str]


def erasure_facts(plan: ErasurePlan, gdpr_settings) -> ErasureFacts:
    going = {
        item.model for item in plan.items if item.count and item.outcome in (DELETED, ANONYMISED)
    }
    recipients: list[str] = []
    for declaration in registry.about_members():
        if declaration.model_label in going:
            for recipient in declaration.recipients:
                words = inventory.recipient_in_words(recipient)
                if words not in recipients:
                    recipients.append(words)
    return ErasureFacts(
        grace_days=gdpr_settings.erasure_grace_days,
        backup_days=gdpr_settings.backup_days,
        recipients=recipients,
    )
