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
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone, translation
from wagtail.models import Revision
from wagtail.search import index

from wagtail_gdpr import mail, recipients
from wagtail_gdpr.erasure import log, settlement
from wagtail_gdpr.erasure.plan import ErasureBlocked, RowGroups, build_plan
from wagtail_gdpr.files import queue_file_removal
from wagtail_gdpr.registry import ANONYMISED, DELETED, PersonalData, registry
from wagtail_gdpr.requests import member_emails, worker_queue
from wagtail_gdpr.tables import DataSubjectRequest

logger = logging.getLogger(__name__)


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
        groups: list[RowGroups] = []
        plan = build_plan(user, now, row_groups=groups, describe=False)
        if plan.blocked_by:
            raise ErasureBlocked(plan.blocked_by)
        # The member's other requests are settled: a copy still being prepared finds its
        # request cancelled and keeps nothing; nothing stays open with an erased address.
        settlement.settle_open_requests(user, request_id, now)
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
