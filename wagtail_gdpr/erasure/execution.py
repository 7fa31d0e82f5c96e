"""Carrying out an erasure: the plan, executed in one transaction per member.

:func:`execute` works set-based, declaration by declaration, so it is either done completely or
not at all; stored files go only once it commits, and the erasure log records what was done so
that it can be replayed after a restore. The receipt it returns holds no personal data.
"""

from __future__ import annotations

import logging
import time

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone, translation
from wagtail.models import Revision
from wagtail.search import index

from wagtail_gdpr import mail, recipients
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.erasure import log, settlement
from wagtail_gdpr.erasure.plan import ErasureBlocked, RowGroups, build_plan
from wagtail_gdpr.files import queue_file_removal
from wagtail_gdpr.registry import ANONYMISED, DELETED, PersonalData, registry
from wagtail_gdpr.requests import member_emails, worker_queue
from wagtail_gdpr.row_ids import batches, in_batches, with_pks
from wagtail_gdpr.tables import DataSubjectRequest

logger = logging.getLogger(__name__)


def queue_files(declaration: PersonalData, pks: list):
    """Stored files of rows about to be deleted or anonymised go too (after commit)."""
    if not any(isinstance(f, models.FileField) for f in _declared_fields(declaration)):
        return
    for rows in in_batches(declaration.model._base_manager.all(), pks):
        queue_files_of(declaration, rows)


def _declared_fields(declaration: PersonalData):
    return [declaration.model._meta.get_field(name) for name in declaration.fields]


def queue_files_of(declaration: PersonalData, rows):
    for model_field in _declared_fields(declaration):
        if not isinstance(model_field, models.FileField):
            continue
        for file_name in rows.exclude(**{model_field.name: ""}).values_list(
            model_field.name, flat=True
        ):
            if file_name:
                queue_file_removal(model_field, file_name)


#: Rows Django reads into memory at a time, where a deletion needs each one.
CHUNK = 5000


def chunks(pks: list, size: int = CHUNK):
    return batches(pks, size)


def anonymise_rows(declaration: PersonalData, pks: list, also: dict | None = None):
    """Anonymise the rows ``pks``, and set the columns ``also`` names in the same statements.
    Applying it twice gives the same result (replay relies on it)."""
    for rows in in_batches(declaration.model._base_manager.all(), pks):
        anonymise_queryset(declaration, rows, also)


def anonymise_queryset(declaration: PersonalData, rows, also: dict | None = None):
    """Set-based where the anonymiser has an expression, by distinct value otherwise."""
    in_database, by_value = _anonymisers(declaration)
    for model_field, anonymiser in by_value:
        name = model_field.name
        for value in rows.values_list(name, flat=True).distinct():
            replacement = anonymiser.anonymise(value, instance=None, field=model_field)
            if replacement != value:
                rows.filter(**{name: value}).update(**{name: replacement})
    updates = {**(also or {}), **in_database}
    if updates:
        rows.update(**updates)


def _anonymisers(declaration: PersonalData) -> tuple[dict, list]:
    """``({field: expression}, [(field, anonymiser)])``: what the database anonymises in one
    update, and what is anonymised value by value in Python."""
    in_database, by_value = {}, []
    for name in declaration.fields:
        anonymiser = declaration.anonymiser_for(name)
        if anonymiser is None:
            continue
        model_field = declaration.model._meta.get_field(name)
        if isinstance(model_field, models.FileField):
            in_database[name] = models.Value("")  # the files were queued for removal
            continue
        expression = anonymiser.expression(model_field)
        if expression is None:
            by_value.append((model_field, anonymiser))
        else:
            in_database[name] = expression
    return in_database, by_value


def links_emptied_with_the_account(declaration: PersonalData) -> dict:
    """``{field: None}`` for a kept row's link to the member that deleting the account would
    empty (``on_delete=SET_NULL``): emptied in the anonymising update instead, so that the
    deletion does not pass over the same rows a second time."""
    if not declaration.subject or "__" in declaration.subject:
        return {}
    try:
        link = declaration.model._meta.get_field(declaration.subject)
    except FieldDoesNotExist:
        return {}
    if link.related_model is get_user_model() and link.remote_field.on_delete is models.SET_NULL:
        return {link.name: None}
    return {}


def delete_rows(declaration: PersonalData, pks: list):
    """Delete the rows ``pks``: in as few statements as the database allows where Django can
    delete without reading them (nothing cascades from them, no signal wants each one);
    otherwise Django reads each row it deletes, so they go in chunks."""
    every_row = declaration.model._base_manager.all()
    if Collector(using=every_row.db).can_fast_delete(every_row):
        parts = in_batches(every_row, pks)
    else:
        parts = (with_pks(every_row, chunk) for chunk in chunks(pks))
    for rows in parts:
        declaration.before_delete(rows)
        rows.delete()


def delete_planned(declaration: PersonalData, rows, pks: list):
    """Delete the planned ``rows``, which are ``pks``: by their condition in one statement,
    as hand-written SQL would, where Django can delete without reading them; by their ids
    otherwise, or if the condition no longer names exactly those rows."""
    if Collector(using=rows.db).can_fast_delete(rows):
        declaration.before_delete(rows)
        deleted, _ = rows.delete()
        if deleted == len(pks):
            return
    delete_rows(declaration, pks)  # the rest, by id: rows already gone are not found again


def anonymise_planned(declaration: PersonalData, rows, pks: list, also: dict | None):
    """Anonymise the planned ``rows``, which are ``pks``: by their condition in one statement
    where every anonymiser is an expression for the database; by their ids otherwise, or if
    the condition no longer names exactly those rows (anonymising twice changes nothing)."""
    in_database, by_value = _anonymisers(declaration)
    updates = {**(also or {}), **in_database}
    if not by_value and (not updates or rows.update(**updates) == len(pks)):
        return
    anonymise_rows(declaration, pks, also)


def _forget_revisions_and_index(declaration: PersonalData, pks: list):
    """Old revisions and search entries must not keep what was just anonymised."""
    model = declaration.model
    # Revisions name the model's topmost concrete parent (``Page`` for every page type).
    parents = model._meta.get_parent_list()
    content_type = ContentType.objects.get_for_model(
        parents[-1] if parents else model, for_concrete_model=False
    )
    revisions = Revision.objects.filter(base_content_type=content_type)
    if revisions.exists():  # most declared models have none: one query, not one per chunk
        for chunk in chunks(pks):
            revisions.filter(object_id__in=[str(pk) for pk in chunk]).delete()
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


def _in_order(groups: list[RowGroups]) -> list[RowGroups]:
    """Declarations that find their rows through another's link first (emptying that link
    would hide their rows); a model that another planned model protects from deletion
    (``PROTECT``, ``RESTRICT``) after that model."""
    models_planned = {group.declaration.model for group in groups}

    def protected_by_others(model) -> int:
        return sum(
            1
            for other in models_planned - {model}
            for field in other._meta.concrete_fields
            if field.is_relation
            and field.related_model is model
            and field.remote_field.on_delete in (models.PROTECT, models.RESTRICT)
        )

    return sorted(
        groups,
        key=lambda group: (
            "__" not in (group.declaration.subject or ""),
            protected_by_others(group.declaration.model),
        ),
    )


def _pks(rows) -> list:
    return [] if rows is None else list(rows.values_list("pk", flat=True))


def execute(user, *, request_id: int | None = None, now=None) -> dict:
    """Erase ``user`` as the plan says, in one transaction. Returns the receipt.

    Raises :class:`ErasureBlocked` (and changes nothing) while a legal hold covers the member.
    """
    now = now or timezone.now()
    with transaction.atomic():
        get_user_model()._base_manager.select_for_update().filter(pk=user.pk).first()
        groups: list[RowGroups] = []
        plan = build_plan(user, now, row_groups=groups, describe=False)
        if plan.blocked_by:
            raise ErasureBlocked(plan.blocked_by)
        # The member's other requests are settled: a copy still being prepared finds its
        # request cancelled and keeps nothing; nothing stays open with an erased address.
        settlement.settle_open_requests(user, request_id, now)
        # Events of the member's other requests forget whom they were about; this erasure's
        # own events tell the connected systems.
        outbox.forget_subjects_of(user, but_request_id=request_id)
        # Every row is named before any is changed, for the log, and in an order where no
        # change hides or protects the rows of a declaration still to come (_in_order).
        unlink = plan.account == DELETED
        named = [(group, _pks(group.delete), _pks(group.anonymise)) for group in _in_order(groups)]
        log_entries = []
        for group, to_delete, to_anonymise in named:
            declaration = group.declaration
            if to_delete:
                queue_files(declaration, to_delete)
                delete_planned(declaration, group.delete, to_delete)
                log_entries.append({"model": declaration.model_label, "delete": to_delete})
            if to_anonymise:
                queue_files(declaration, to_anonymise)
                also = links_emptied_with_the_account(declaration) if unlink else None
                anonymise_planned(declaration, group.anonymise, to_anonymise, also)
                _forget_revisions_and_index(declaration, to_anonymise)
                log_entries.append({"model": declaration.model_label, "anonymise": to_anonymise})
        account = _erase_account(user, plan.account)
        plan.account = account
        plan.items[-1].outcome = account
        log_entries.append(
            {"model": get_user_model()._meta.label, "account": account, "pk": user.pk}
        )
        receipt = {**plan.as_receipt(), "executed_at": now.isoformat(), "request_id": request_id}
        log.append(request_id=request_id, member_id=user.pk, at=now, actions=log_entries)
    logger.info("Erasure of member #%s done (request #%s).", user.pk, request_id)
    return receipt


def run_erasure_request(request_id: int) -> str:
    """Carry out an erasure request; a second run, or one after a dead worker, is safe."""
    dsr, stop = worker_queue.claim_with_member(request_id)
    if stop:
        return stop
    user = dsr.member
    address, language = dsr.contact_email, dsr.language
    try:
        # The receipt's wording is made here: in the member's language.
        with translation.override(language or None), transaction.atomic():
            # Held until commit: a second worker's claim waits here, then finds it done.
            worker_queue.lock_request(request_id)
            # Written before the erasure, while the member's addresses still exist; sent
            # to the connected systems once it commits.
            outbox.record(dsr, user)
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
        member_emails.send_after_commit(request_id, "erasure_refused")
        return "refused"
    # The address was wiped with the rest; it was kept in memory only to send the receipt.
    send_receipt(address, receipt, language)
    return "done"


def send_receipt(address: str, receipt: dict, language: str | None, attempts: int = 3) -> bool:
    """The erasure receipt, to an address that exists nowhere else any more.

    Tried a few times in place: once this process forgets the address it cannot be sent at all.
    """
    if not address:
        return False
    for attempt in range(1, attempts + 1):
        try:
            mail.send("erasure_receipt", address, {"receipt": receipt}, language=language)
            return True
        except OSError as exc:
            logger.warning("Erasure receipt attempt %s failed (%s).", attempt, type(exc).__name__)
            time.sleep(2**attempt)
    logger.error("The erasure receipt could not be sent.")
    return False
