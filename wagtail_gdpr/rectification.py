"""The right to rectification (GDPR Art. 16): direct edits and reviewed correction requests.

Fields declared ``Field(correction=DIRECT)`` are changed by the member at once; fields declared
``Field(correction=REVIEWED)`` are proposed by the member and applied only when staff approve.
Every value goes through the model field's own form field and the model's own validation, and
every change is kept as a ``DataSubjectRequest`` of kind rectification, with the old and new
value, so it appears among the member's requests and can be proven later.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import activity, audit, email_verification, recipients
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.registry import (
    CORRECTION_MODES,
    DIRECT,
    REVIEWED,
    PersonalData,
    registry,
    verified_emails,
)
from wagtail_gdpr.requests import intake, member_emails
from wagtail_gdpr.tables import DataSubjectRequest, MemberActivity

#: Longest reason a member or staff member may give, in characters.
MAX_REASON_LENGTH = 2000


class CorrectionRefused(Refused):
    """The correction cannot be made; ``message`` says why, for the member (or staff) to read."""


class RecordRefused(CorrectionRefused):
    """Some values of one record were refused, and nothing was changed; ``errors`` says why,
    by field name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class CorrectableItem(NamedTuple):
    """One correctable value of one of the member's rows."""

    declaration: PersonalData
    pk: Any
    field: str
    label: str
    value: Any
    mode: str
    #: The row's name among the member's rows of its kind ("Order PO-11205").
    row: str = ""

    @property
    def model_label(self) -> str:
        return self.declaration.model_label


# -- what may be corrected ---------------------------------------------------------------------


def _is_trusted_account_email(declaration: PersonalData, name: str) -> bool:
    """The account address, while it is trusted as verified.

    Changing it directly would make an address nobody confirmed "verified", and with it every
    guest row kept under that address (someone else's orders) would become the member's.
    """
    user_model = get_user_model()
    return (
        declaration.model is user_model
        and name == user_model.get_email_field_name()
        and app_settings.TRUST_ACCOUNT_EMAIL
    )


def correction_mode(declaration: PersonalData, name: str) -> str | None:
    """``DIRECT``, ``REVIEWED`` or ``None``: how the member may correct one declared field."""
    spec = declaration.fields.get(name)
    if spec is None or spec.correction not in CORRECTION_MODES:
        return None
    field = declaration.model._meta.get_field(name)
    if not field.editable or isinstance(field, models.FileField):
        return None  # a file cannot travel in a request's JSON, nor be typed in a box
    if _is_trusted_account_email(declaration, name):
        return None
    return spec.correction


def correctable_fields(declaration: PersonalData) -> list[tuple[str, str]]:
    """``(field name, mode)`` for each field of ``declaration`` the member may correct."""
    return [
        (name, mode)
        for name in declaration.fields
        if (mode := correction_mode(declaration, name)) is not None
    ]


def declaration_for(model_label: str) -> PersonalData | None:
    for declaration in registry.about_members():
        if declaration.model_label == model_label:
            return declaration
    return None


def form_field_for(model_label: str, field_name: str) -> forms.Field | None:
    """The model field's own form field, or ``None`` if the field is not correctable."""
    declaration = declaration_for(model_label)
    if declaration is None or correction_mode(declaration, field_name) is None:
        return None
    return declaration.model._meta.get_field(field_name).formfield()


def correctable_items(user, emails: Iterable[str] | None = None) -> list[CorrectableItem]:
    """Every value the member may correct: one query per declaration with correctable fields."""
    if emails is None:
        emails = verified_emails(user)
    emails = list(emails)
    items = []
    for declaration in registry.about_members():
        fields = correctable_fields(declaration)
        if not fields:
            continue
        for number, row in enumerate(declaration.rows_for(user, emails), start=1):
            label = declaration.row_label(row, number)
            items.extend(
                CorrectableItem(
                    declaration,
                    row.pk,
                    name,
                    declaration.field_label(name),
                    getattr(row, declaration.model._meta.get_field(name).attname),
                    mode,
                    label,
                )
                for name, mode in fields
            )
    return items


def as_value(model_label: str, field_name: str, stored):
    """A value kept in a request's JSON (``"1986-04-18"``) back as its field's own Python value
    (a date), so that it is shown the same way as the value the field holds now."""
    declaration = declaration_for(model_label or "")
    try:
        field = declaration.model._meta.get_field(field_name) if declaration else None
    except FieldDoesNotExist:
        field = None
    if field is None or stored is None:
        return stored
    try:
        return field.to_python(stored)
    except (ValidationError, TypeError, ValueError):
        return stored


def shown(value) -> str:
    """A value as pages show it: dates and numbers as the reader's language writes them."""
    if value is None or value == "":
        return "—"
    return str(formats.localize(timezone.template_localtime(value)))


def proposal(dsr: DataSubjectRequest) -> dict | None:
    """A correction request's field and values, as Python values: ``label``, ``old``, ``new``."""
    payload = dsr.payload or {}
    if not payload.get("field"):
        return None
    model, field = payload.get("model", ""), payload["field"]
    new = payload["proposed"] if "proposed" in payload else payload.get("new")
    return {
        "label": payload.get("label", ""),
        "old": as_value(model, field, payload.get("old")),
        "new": as_value(model, field, new),
    }


def waiting_for_review():
    """Every proposed correction staff have still to decide on, the most urgent first."""
    return (
        DataSubjectRequest.objects.filter(
            kind=DataSubjectRequest.RECTIFICATION, status=DataSubjectRequest.IN_REVIEW
        )
        .select_related("member")
        .order_by("due_at", "received_at", "pk")
    )


def open_proposals(user) -> list[DataSubjectRequest]:
    """The member's correction requests still waiting for staff, oldest first."""
    return list(
        DataSubjectRequest.objects.filter(
            member=user,
            kind=DataSubjectRequest.RECTIFICATION,
            status__in=DataSubjectRequest.OPEN_STATUSES,
        ).order_by("received_at", "pk")
    )


# -- helpers -----------------------------------------------------------------------------------


def jsonable(value):
    """A value as it is kept in a request's JSON (dates as ISO strings, decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _resolve(model_label: str, field_name: str, mode: str) -> tuple[PersonalData, models.Field]:
    declaration = declaration_for(model_label)
    if declaration is None or correction_mode(declaration, field_name) != mode:
        if declaration is not None and correction_mode(declaration, field_name) == REVIEWED:
            raise CorrectionRefused(
                _("Changes to this are checked by our staff first: propose a correction instead.")
            )
        raise CorrectionRefused(_("This information cannot be corrected here."))
    return declaration, declaration.model._meta.get_field(field_name)


def _own_row(declaration: PersonalData, user, pk, *, lock: bool) -> models.Model:
    """The member's row ``pk``, found only through ``rows_for``: a forged pk finds nothing."""
    not_yours = CorrectionRefused(_("We could not find this information among your data."))
    if user is None:
        raise not_yours
    try:
        pk = declaration.model._meta.pk.to_python(pk)
    except (ValidationError, TypeError, ValueError):
        raise not_yours from None
    rows = declaration.rows_for(user).filter(pk=pk)
    if lock:
        rows = rows.select_for_update(of=("self",))
    instance = rows.first()
    if instance is None:
        raise not_yours
    return instance


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _is_account_email(instance: models.Model, field: models.Field) -> bool:
    user_model = get_user_model()
    return isinstance(instance, user_model) and field.name == user_model.get_email_field_name()


def _set_validated(instance: models.Model, field: models.Field, raw_value) -> None:
    """Convert ``raw_value`` with the field's form field, set it, and run the model's validation.

    Only this field is checked (every other field is excluded), but ``clean()``, unique checks
    and constraints run as they would in a model form.
    """
    form_field = field.formfield()
    if form_field is None:
        raise CorrectionRefused(_("This information cannot be corrected here."))
    try:
        value = form_field.clean(raw_value)
    except ValidationError as exc:
        raise CorrectionRefused(_validation_message(exc)) from None
    if _is_account_email(instance, field):
        # The account's address follows the profile form's rule on every path.
        try:
            email_verification.check_new_address(instance, value)
        except Refused as exc:
            raise CorrectionRefused(exc.message) from None
    setattr(instance, field.name, value)
    others = [f.name for f in instance._meta.get_fields() if f.name != field.name]
    try:
        instance.full_clean(exclude=others, validate_unique=True)
    except ValidationError as exc:
        raise CorrectionRefused(_validation_message(exc)) from None


def _current(instance: models.Model, field: models.Field):
    return jsonable(field.value_from_object(instance))


def _short_name(declaration: PersonalData, field_name: str) -> str:
    """E.g. ``Profile.phone``: names what changed, never the value."""
    return f"{declaration.model.__name__}.{field_name}"


# -- the member's side -------------------------------------------------------------------------


def apply_direct(
    user, model_label: str, pk, field_name: str, raw_value, *, request=None
) -> DataSubjectRequest:
    """Change a self-editable value now, and keep the change (old and new) as a done request."""
    declaration, field = _resolve(model_label, field_name, DIRECT)
    now = timezone.now()
    with transaction.atomic():
        instance = _own_row(declaration, user, pk, lock=True)
        old = _current(instance, field)
        _set_validated(instance, field, raw_value)
        new = _current(instance, field)
        if new == old:
            raise CorrectionRefused(_("That is the value we already hold; nothing was changed."))
        instance.save(update_fields=[field.name])
        dsr = DataSubjectRequest.objects.create(
            kind=DataSubjectRequest.RECTIFICATION,
            status=DataSubjectRequest.DONE,
            completed_at=now,
            payload={
                "model": model_label,
                "pk": jsonable(instance.pk),
                "field": field.name,
                "label": str(declaration.field_label(field.name)),
                "old": old,
                "new": new,
            },
            outcome={"decision": "applied directly"},
            **intake.from_member(user, now, request=request, due=False),
        )
        activity.record(
            user,
            MemberActivity.CHANGE,
            detail=_short_name(declaration, field.name),
            request=request,
        )
        recipients.notify_on_commit(dsr)  # Art. 19: told after commit
        outbox.record(dsr, user, changes=[connector_change(dsr.payload, "new")])
    return dsr


def connector_change(payload: dict, value_key: str) -> dict:
    """The corrected value, as the company's other systems are told it."""
    return {
        "model": payload.get("model"),
        "field": payload.get("field"),
        "label": payload.get("label", ""),
        "value": payload.get(value_key),
    }


def propose(
    user, model_label: str, pk, field_name: str, raw_value, reason: str = "", *, request=None
) -> DataSubjectRequest:
    """Ask staff to correct a reviewed value. The value is validated now; nothing changes yet."""
    declaration, field = _resolve(model_label, field_name, REVIEWED)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise CorrectionRefused(
            _("Please keep the reason under %(count)d characters.") % {"count": MAX_REASON_LENGTH}
        )
    now = timezone.now()
    with transaction.atomic():
        try:
            intake.lock_member(user)
        except intake.MemberGone as exc:
            raise CorrectionRefused(exc.message) from None
        instance = _own_row(declaration, user, pk, lock=False)
        key = (model_label, jsonable(instance.pk), field.name)
        if any(
            (p.payload.get("model"), p.payload.get("pk"), p.payload.get("field")) == key
            for p in open_proposals(user)
        ):
            raise CorrectionRefused(
                _("You already proposed a correction of this; we will answer that one first.")
            )
        old = _current(instance, field)
        _set_validated(instance, field, raw_value)  # validated on a copy that is never saved
        proposed = _current(instance, field)
        if proposed == old:
            raise CorrectionRefused(_("That is the value we already hold; nothing was changed."))
        dsr = DataSubjectRequest.objects.create(
            kind=DataSubjectRequest.RECTIFICATION,
            status=DataSubjectRequest.IN_REVIEW,
            payload={
                "model": model_label,
                "pk": key[1],
                "field": field.name,
                "label": str(declaration.field_label(field.name)),
                "old": old,
                "proposed": proposed,
                "reason": reason,
            },
            **intake.from_member(user, now, request=request),
        )
        activity.record(
            user, MemberActivity.REQUEST, detail=f"rectification #{dsr.pk}", request=request
        )
    return dsr


def _changed(declaration: PersonalData, user, pk, field_name: str, raw_value) -> bool:
    """Does ``raw_value`` differ from what the member's row holds? Unreadable values count as
    changed, so that the correction itself says what is wrong with them."""
    instance = _own_row(declaration, user, pk, lock=False)
    field = declaration.model._meta.get_field(field_name)
    form_field = field.formfield()
    try:
        value = form_field.clean(raw_value) if form_field is not None else raw_value
    except ValidationError:
        return True
    return jsonable(value) != _current(instance, field)


def correct_record(
    user, model_label: str, pk, values: dict, reasons: dict | None = None, *, request=None
) -> list[DataSubjectRequest]:
    """Every value of one of the member's records that the member changed, in one go.

    Self-editable values are changed at once and reviewed ones proposed, each kept as its own
    request; values that equal what is held are left alone. If any value is refused, nothing
    is changed and :class:`RecordRefused` says why, by field.
    """
    declaration = declaration_for(model_label)
    if declaration is None:
        raise CorrectionRefused(_("This information cannot be corrected here."))
    reasons = reasons or {}
    done, errors = [], {}
    with transaction.atomic():
        for field_name, raw_value in values.items():
            mode = correction_mode(declaration, field_name)
            try:
                if mode is None:
                    raise CorrectionRefused(_("This information cannot be corrected here."))
                if not _changed(declaration, user, pk, field_name, raw_value):
                    continue
                with transaction.atomic():
                    if mode == REVIEWED:
                        done.append(
                            propose(user, model_label, pk, field_name, raw_value,
                                    reasons.get(field_name, ""), request=request)
                        )  # fmt: skip
                    else:
                        done.append(
                            apply_direct(user, model_label, pk, field_name, raw_value,
                                         request=request)
                        )  # fmt: skip
            except CorrectionRefused as exc:
                errors[field_name] = exc.message
        if errors:
            raise RecordRefused(errors)  # rolls back what was done
    return done


# -- the staff side ----------------------------------------------------------------------------


def _lock_for_review(dsr: DataSubjectRequest) -> DataSubjectRequest:
    locked = DataSubjectRequest.objects.select_for_update().filter(pk=dsr.pk).first()
    if (
        locked is None
        or locked.kind != DataSubjectRequest.RECTIFICATION
        or locked.status != DataSubjectRequest.IN_REVIEW
    ):
        raise CorrectionRefused(_("This correction is no longer waiting for review."))
    return locked


def _log_data(dsr: DataSubjectRequest) -> dict:
    """What the audit log keeps: which field, never the values or reasons."""
    return {"model": dsr.payload.get("model"), "field": dsr.payload.get("field")}


def value_now(dsr: DataSubjectRequest) -> tuple[bool, Any]:
    """``(found, value)``: what the proposal's row holds now, in the form the payload keeps.

    ``found`` is False when the row is gone, no longer the member's, or no longer correctable.
    """
    payload = dsr.payload or {}
    declaration = declaration_for(payload.get("model", ""))
    if declaration is None or correction_mode(declaration, payload.get("field")) is None:
        return False, None
    try:
        instance = _own_row(declaration, dsr.member, payload.get("pk"), lock=False)
    except CorrectionRefused:
        return False, None
    return True, _current(instance, declaration.model._meta.get_field(payload["field"]))


def review(dsr: DataSubjectRequest) -> dict:
    """What staff compare before deciding: is the row still there, what it holds now, and
    whether that changed since the member proposed the correction."""
    found, current = value_now(dsr)
    return {
        "found": found,
        "current": current,
        "changed": found and current != dsr.payload.get("old"),
    }


def approve(dsr: DataSubjectRequest, staff_user) -> DataSubjectRequest:
    """Apply a proposed value, re-validated, if the value has not changed since the proposal."""
    with transaction.atomic():
        dsr = _lock_for_review(dsr)
        payload = dsr.payload
        declaration = declaration_for(payload.get("model", ""))
        if declaration is None or correction_mode(declaration, payload.get("field")) != REVIEWED:
            raise CorrectionRefused(_("This information can no longer be corrected this way."))
        field = declaration.model._meta.get_field(payload["field"])
        try:
            instance = _own_row(declaration, dsr.member, payload.get("pk"), lock=True)
        except CorrectionRefused:
            raise CorrectionRefused(
                _("The data no longer exists, or no longer belongs to this member.")
            ) from None
        if _current(instance, field) != payload.get("old"):
            raise CorrectionRefused(
                _(
                    "The value has changed since the member proposed this correction. "
                    "Check the value now held; reject the proposal if it no longer applies."
                )
            )
        _set_validated(instance, field, payload.get("proposed"))
        instance.save(update_fields=[field.name])
        now = timezone.now()
        dsr.status = DataSubjectRequest.DONE
        dsr.completed_at = now
        dsr.outcome = {"decision": "approved", "by": staff_user.pk, "at": jsonable(now)}
        dsr.save(update_fields=["status", "completed_at", "outcome"])
        audit.record(dsr, audit.CORRECTION_APPROVED, staff_user, **_log_data(dsr))
        member_emails.send_after_commit(dsr.pk, "correction_approved")
        recipients.notify_on_commit(dsr)  # Art. 19: told after commit
        outbox.record(dsr, dsr.member, changes=[connector_change(dsr.payload, "proposed")])
    return dsr


def reject(dsr: DataSubjectRequest, staff_user, reason: str) -> DataSubjectRequest:
    """Refuse a proposed correction; the member reads ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused(_("Give a reason: the member is told why."))
    if len(reason) > MAX_REASON_LENGTH:
        raise CorrectionRefused(
            _("Please keep the reason under %(count)d characters.") % {"count": MAX_REASON_LENGTH}
        )
    with transaction.atomic():
        dsr = _lock_for_review(dsr)
        now = timezone.now()
        dsr.status = DataSubjectRequest.REFUSED
        dsr.refusal_reason = reason
        dsr.completed_at = now
        dsr.outcome = {"decision": "rejected", "by": staff_user.pk, "at": jsonable(now)}
        dsr.save(update_fields=["status", "refusal_reason", "completed_at", "outcome"])
        audit.record(dsr, audit.CORRECTION_REJECTED, staff_user, **_log_data(dsr))
        member_emails.send_after_commit(dsr.pk, "correction_rejected")
    return dsr


#: Audit-log action names that lived here: now in :mod:`wagtail_gdpr.audit`.
_MOVED_TO_AUDIT = {
    "APPROVED_ACTION": "CORRECTION_APPROVED",
    "REJECTED_ACTION": "CORRECTION_REJECTED",
}


def __getattr__(name):
    """The audit-log action names that lived here, for one release."""
    if name not in _MOVED_TO_AUDIT:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    new = _MOVED_TO_AUDIT[name]
    warnings.warn(
        f"wagtail_gdpr.rectification.{name} moved to wagtail_gdpr.audit.{new}",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(audit, new)
