"""The right to erasure (GDPR Art. 17): a plan the member reads first, then its execution.

The plan says, per declaration, what happens to the member's rows: deleted, anonymised (with
which anonymisers), or kept until a date because of a named legal obligation or a legal hold.
:func:`execute` carries it out in one transaction per member, set-based, so it is either done
completely or not at all; the receipt it returns holds no personal data.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wagtail_gdpr import erasure_log
from wagtail_gdpr.files import queue_file_removal
from wagtail_gdpr.models import LegalHold
from wagtail_gdpr.registry import ANONYMISE, DELETE, SELF, PersonalData, registry, verified_emails

logger = logging.getLogger(__name__)

DELETED = "deleted"
ANONYMISED = "anonymised"
RETAINED = "retained"
HELD = "held"


class ErasureBlocked(Exception):
    """A legal hold stops the erasure; ``message`` is the reason the member is shown."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class PlanItem:
    model: str
    name: str
    outcome: str
    count: int
    #: (field label, what happens to it) for anonymised rows.
    fields: list[tuple[str, str]] = field(default_factory=list)
    until: str | None = None
    reason: str = ""


@dataclass
class ErasurePlan:
    items: list[PlanItem]
    #: "deleted", or "anonymised" (closed) when kept rows still point to the account.
    account: str = DELETED
    blocked_by: str = ""

    def as_receipt(self) -> dict:
        return {"items": [asdict(i) for i in self.items], "account": self.account}

    @property
    def is_empty(self) -> bool:
        return not any(item.count for item in self.items)


def _as_cutoff(declaration: PersonalData, now: datetime):
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


def _record_holds(now):
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


@dataclass
class _Groups:
    """The querysets execution works on, per declaration."""

    declaration: PersonalData
    delete: models.QuerySet | None = None
    anonymise: models.QuerySet | None = None


def _plan_declaration(declaration, user, emails, holds_by_type, now, items, groups):
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

    group = _Groups(declaration)
    if declaration.retained_by_law and declaration.retention is not None:
        from_field = declaration.retention.from_field
        cutoff = _as_cutoff(declaration, now)
        expired = rows.filter(**{f"{from_field}__lt": cutoff})
        kept = rows.exclude(**{f"{from_field}__lt": cutoff})
        expired_count = expired.count()
        if expired_count:
            items.append(_item(declaration, DELETED, expired_count))
            group.delete = expired
        kept_stats = kept.aggregate(n=models.Count("pk"), latest=Max(from_field))
        if kept_stats["n"]:
            latest = kept_stats["latest"]
            until = _day(declaration.retention.expires(latest)) if latest else None
            outcome = ANONYMISED if declaration.on_erasure == ANONYMISE else RETAINED
            items.append(
                _item(
                    declaration,
                    outcome,
                    kept_stats["n"],
                    fields=_field_actions(declaration) if outcome == ANONYMISED else [],
                    until=until,
                    reason=str(declaration.retained_by_law),
                )
            )
            if outcome == ANONYMISED:
                group.anonymise = kept
    else:
        count = rows.count()
        if count:
            if declaration.on_erasure == DELETE:
                items.append(_item(declaration, DELETED, count))
                group.delete = rows
            else:
                items.append(
                    _item(declaration, ANONYMISED, count, fields=_field_actions(declaration))
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
    for declaration in registry:
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


def build_plan(user, now=None, *, _groups: list | None = None) -> ErasurePlan:
    now = now or timezone.now()
    member_holds = LegalHold.objects.active(now).filter(member=user)
    if member_holds.exists():
        reason = "; ".join(sorted({h.reason for h in member_holds}))
        return ErasurePlan(
            items=[PlanItem("", _("All your data"), HELD, 1, reason=reason)],
            blocked_by=reason,
        )
    emails = list(verified_emails(user))
    holds_by_type = _record_holds(now)
    items: list[PlanItem] = []
    groups = _groups if _groups is not None else []
    for declaration in registry:
        if declaration.subject == SELF:
            continue
        _plan_declaration(declaration, user, emails, holds_by_type, now, items, groups)
    account = _account_outcome(user, items)
    items.append(PlanItem(get_user_model()._meta.label, _("Your account"), account, 1))
    return ErasurePlan(items=items, account=account)


# -- execution ----------------------------------------------------------------------------


def queue_files(declaration: PersonalData, pks: list):
    """Stored files of rows about to be deleted or anonymised go too (after commit)."""
    for chunk in chunks(pks):
        queue_files_of(declaration, declaration.model._base_manager.filter(pk__in=chunk))


def queue_files_of(declaration: PersonalData, rows):
    for name in declaration.fields:
        model_field = declaration.model._meta.get_field(name)
        if not isinstance(model_field, models.FileField):
            continue
        for file_name in rows.exclude(**{name: ""}).values_list(name, flat=True):
            if file_name:
                queue_file_removal(model_field, file_name)


CHUNK = 5000


def chunks(pks: list, size: int = CHUNK):
    for start in range(0, len(pks), size):
        yield pks[start : start + size]


def anonymise_rows(declaration: PersonalData, pks: list):
    """Anonymise the rows ``pks``. Applying it twice gives the same result (replay relies on it)."""
    for chunk in chunks(pks):
        anonymise_queryset(declaration, declaration.model._base_manager.filter(pk__in=chunk))


def anonymise_queryset(declaration: PersonalData, rows):
    """Set-based where the anonymiser has an expression, by distinct value otherwise."""
    updates = {}
    for name in declaration.fields:
        anonymiser = declaration.anonymiser_for(name)
        if anonymiser is None:
            continue
        model_field = declaration.model._meta.get_field(name)
        if isinstance(model_field, models.FileField):
            updates[name] = models.Value("")  # the files were queued for removal
            continue
        expression = anonymiser.expression(model_field)
        if expression is not None:
            updates[name] = expression
            continue
        for value in rows.values_list(name, flat=True).distinct():
            replacement = anonymiser.anonymise(value, instance=None, field=model_field)
            if replacement != value:
                rows.filter(**{name: value}).update(**{name: replacement})
    if updates:
        rows.update(**updates)


def delete_rows(declaration: PersonalData, pks: list):
    for chunk in chunks(pks):
        declaration.model._base_manager.filter(pk__in=chunk).delete()


def _forget_revisions_and_index(declaration: PersonalData, pks: list):
    """Old revisions and search entries must not keep what was just anonymised."""
    from wagtail.models import Revision
    from wagtail.search import index

    model = declaration.model
    content_type = ContentType.objects.get_for_model(model)
    for chunk in chunks(pks):
        Revision.objects.filter(
            base_content_type=content_type, object_id__in=[str(pk) for pk in chunk]
        ).delete()
    if issubclass(model, index.Indexed):

        def reindex():
            for instance in model._base_manager.filter(pk__in=pks).iterator():
                index.insert_or_update_object(instance)

        transaction.on_commit(reindex)


def erase_account_again(user, outcome: str):
    """Replay: the account is deleted or anonymised again, as it was the first time."""
    _erase_account(user, outcome)


def _erase_account(user, outcome: str) -> str:
    user_model = get_user_model()
    if outcome == DELETED:
        try:
            with transaction.atomic():
                user_model._base_manager.filter(pk=user.pk).delete()
            return DELETED
        except (ProtectedError, RestrictedError):
            pass  # something we could not foresee still points to it: anonymise instead
    declaration = registry.get(user_model)
    if declaration is not None:
        anonymise_rows(declaration, [user.pk])
    account = user_model._base_manager.get(pk=user.pk)
    account.is_active = False
    account.set_unusable_password()  # also ends every session of the account
    account.save(update_fields=["is_active", "password"])
    return ANONYMISED


def execute(user, *, request_id: int | None = None, now=None) -> dict:
    """Erase ``user`` as the plan says, in one transaction. Returns the receipt.

    Raises :class:`ErasureBlocked` (and changes nothing) while a legal hold covers the member.
    """
    now = now or timezone.now()
    with transaction.atomic():
        get_user_model()._base_manager.select_for_update().filter(pk=user.pk).first()
        groups: list[_Groups] = []
        plan = build_plan(user, now, _groups=groups)
        if plan.blocked_by:
            raise ErasureBlocked(plan.blocked_by)
        # A copy still being prepared must not outlive the erasure: its worker finds the
        # request cancelled and keeps nothing.
        from wagtail_gdpr.models import DataSubjectRequest

        DataSubjectRequest.objects.filter(
            member=user,
            kind__in=(DataSubjectRequest.ACCESS, DataSubjectRequest.PORTABILITY),
            status__in=DataSubjectRequest.OPEN_STATUSES,
        ).update(status=DataSubjectRequest.CANCELLED, completed_at=now)
        log_entries = []
        for group in groups:
            declaration = group.declaration
            if group.delete is not None:
                pks = list(group.delete.values_list("pk", flat=True))
                queue_files(declaration, pks)
                delete_rows(declaration, pks)
                log_entries.append({"model": declaration.model_label, "delete": pks})
            if group.anonymise is not None:
                pks = list(group.anonymise.values_list("pk", flat=True))
                queue_files(declaration, pks)
                anonymise_rows(declaration, pks)
                _forget_revisions_and_index(declaration, pks)
                log_entries.append({"model": declaration.model_label, "anonymise": pks})
        account = _erase_account(user, plan.account)
        plan.account = account
        plan.items[-1].outcome = account
        log_entries.append(
            {"model": get_user_model()._meta.label, "account": account, "pk": user.pk}
        )
        receipt = {**plan.as_receipt(), "executed_at": now.isoformat(), "request_id": request_id}
        erasure_log.append(request_id=request_id, member_id=user.pk, at=now, actions=log_entries)
    logger.info("Erasure of member #%s done (request #%s).", user.pk, request_id)
    return receipt


def run_erasure_request(request_id: int) -> str:
    """Carry out an erasure request; a second run, or one after a dead worker, is safe."""
    from wagtail_gdpr import emails, recipients, subject_requests
    from wagtail_gdpr.models import DataSubjectRequest

    dsr = subject_requests.claim(request_id)
    if dsr is None:
        return "skipped"
    user = dsr.member
    if user is None:
        subject_requests.mark_failed(request_id, "the member's account no longer exists")
        return "failed"
    address, language = dsr.contact_email, dsr.language
    try:
        # The receipt's wording is made here: in the member's language.
        with translation.override(language or None), transaction.atomic():
            # Held until commit: a second worker's claim waits here, then finds it done.
            DataSubjectRequest.objects.select_for_update().filter(pk=request_id).first()
            receipt = execute(user, request_id=request_id)
            DataSubjectRequest.objects.filter(pk=request_id).update(
                status=DataSubjectRequest.DONE,
                completed_at=timezone.now(),
                outcome=receipt,
                progress=100,
                heartbeat_at=None,
            )
            recipients.notify_on_commit(request_id)  # Art. 19: told after commit
    except ErasureBlocked as exc:
        DataSubjectRequest.objects.filter(pk=request_id).update(
            status=DataSubjectRequest.REFUSED, refusal_reason=exc.message, heartbeat_at=None
        )
        emails.send_after_commit(request_id, "erasure_refused")
        return "refused"
    # The address was wiped with the rest; it was kept in memory only to send the receipt.
    emails.send_receipt(address, receipt, language)
    return "done"
