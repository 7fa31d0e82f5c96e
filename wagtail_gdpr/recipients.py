"""Telling recipients about corrections and erasures (GDPR Art. 19).

When a correction or an erasure is carried out, every recipient declared (``recipients``) on an
affected declaration must be told. Integrators connect their systems with the hook
``wagtail_gdpr_notify_recipient``: ``fn(recipient, event)``, where ``recipient`` is the name as
declared and ``event`` says what happened without any personal data::

    {"id": "12:shop.Order:anonymised", "kind": "erasure", "request_id": 12,
     "model": "shop.Order", "action": "anonymised", "rows": 3, "fields": ["email", "address"]}

A hook that wants the row itself looks the request up by ``request_id``. Its answer:

- ``None``: not mine (another hook, or staff, deal with this recipient);
- ``True`` or a string (the recipient's reference): acknowledged;
- ``False``, or an exception: failed, tried again later with growing pauses.

A recipient no hook answers for is marked "manual": staff tell them. Each recipient's state is
kept in the request's ``outcome["recipients"]``, written in the same transaction as the change
itself, so that nothing is lost when a worker or the broker fails; the hooks run after commit,
in the ``wagtail_gdpr.notify_recipients`` job. Hooks may be called again for the same event
(retries, a second worker): use ``event["id"]`` to recognise it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from wagtail_gdpr import jobs
from wagtail_gdpr.registry import ANONYMISED, DELETED, registry
from wagtail_gdpr.tables import DataSubjectRequest

logger = logging.getLogger(__name__)

HOOK = "wagtail_gdpr_notify_recipient"

PENDING = "pending"
ACKNOWLEDGED = "acknowledged"
FAILED = "failed"
MANUAL = "manual"
UNFINISHED = (PENDING, FAILED)

STATUS_LABELS = {
    PENDING: _("Being told"),
    ACKNOWLEDGED: _("Told; they confirmed it"),
    FAILED: _("Not reached yet; we keep trying, and our staff follow it up"),
    MANUAL: _("Our staff tell them directly"),
}
ACTION_LABELS = {
    "corrected": _("corrected"),
    "deleted": _("deleted"),
    "anonymised": _("anonymised"),
}

#: Longest reference kept from a hook's answer.
MAX_REFERENCE = 200


def retry_delay(retries: int) -> int:
    """Seconds before the next attempt: 1 minute, doubling, at most an hour."""
    return min(3600, 60 * 2**retries)


# -- what changed, and who must be told --------------------------------------------------------


def _declaration(model_label: str):
    for declaration in registry:
        if declaration.model_label == model_label:
            return declaration
    return None


def _erasure_changes(dsr: DataSubjectRequest) -> list[dict]:
    changes = []
    for item in (dsr.outcome or {}).get("items", []):
        model, action, rows = item.get("model"), item.get("outcome"), item.get("count") or 0
        if not model or action not in (DELETED, ANONYMISED) or not rows:
            continue
        declaration = _declaration(model)
        if declaration is None:
            continue
        fields = (
            [n for n in declaration.fields if declaration.anonymiser_for(n)]
            if action == ANONYMISED
            else []
        )
        changes.append({"model": model, "action": action, "rows": rows, "fields": fields})
    return changes


def changes(dsr: DataSubjectRequest) -> list[dict]:
    """What the request changed, per model and action: counts and field names, no values."""
    if dsr.kind == DataSubjectRequest.ERASURE:
        return _erasure_changes(dsr)
    if dsr.kind == DataSubjectRequest.RECTIFICATION:
        payload = dsr.payload or {}
        if payload.get("model") and payload.get("field"):
            return [
                {"model": payload["model"], "action": "corrected", "rows": 1,
                 "fields": [payload["field"]]}
            ]  # fmt: skip
    return []


def _recipient_names(declaration) -> list[str]:
    """The declared recipients, in the site's language, so that the record stays stable."""
    with translation.override(settings.LANGUAGE_CODE):
        names = [str(name).strip() for name in declaration.recipients or ()]
    return list(dict.fromkeys(name for name in names if name))


def plan(dsr: DataSubjectRequest, now: datetime | None = None) -> list[dict]:
    """One entry per recipient and change: who must be told of what."""
    now = now or timezone.now()
    entries = []
    for change in changes(dsr):
        declaration = _declaration(change["model"])
        for name in _recipient_names(declaration):
            entries.append(
                {
                    "key": f"{change['model']}|{change['action']}|{name}",
                    "recipient": name,
                    **change,
                    "status": PENDING,
                    "attempts": 0,
                    "updated_at": now.isoformat(),
                    "reference": "",
                    "error": "",
                }
            )
    return entries


def event_for(dsr_id: int, entry: dict, kind: str) -> dict:
    """What the hook is told: no personal data; ``request_id`` leads to the rest."""
    return {
        "id": f"{dsr_id}:{entry['model']}:{entry['action']}",
        "kind": kind,
        "request_id": dsr_id,
        "model": entry["model"],
        "action": entry["action"],
        "rows": entry["rows"],
        "fields": list(entry["fields"]),
    }


# -- recording, in the transaction of the change -----------------------------------------------


def record_plan(dsr: DataSubjectRequest | int) -> int:
    """Add the entries of :func:`plan` to ``outcome["recipients"]``; returns how many to send.

    Entries already recorded are kept as they are, so a second call changes nothing.
    """
    request_id = getattr(dsr, "pk", dsr)
    if isinstance(dsr, DataSubjectRequest) and not plan(dsr):
        return 0  # nobody to tell: no lock, no write
    locked = DataSubjectRequest.objects.select_for_update().filter(pk=request_id).first()
    if locked is None:
        return 0
    entries = plan(locked)
    if not entries:
        return 0
    if not hooks.get_hooks(HOOK):
        for entry in entries:
            entry["status"] = MANUAL
    outcome = dict(locked.outcome or {})
    recorded = list(outcome.get("recipients") or [])
    known = {entry.get("key") for entry in recorded}
    recorded += [entry for entry in entries if entry["key"] not in known]
    outcome["recipients"] = recorded
    DataSubjectRequest.objects.filter(pk=request_id).update(outcome=outcome)
    if isinstance(dsr, DataSubjectRequest):
        dsr.outcome = outcome  # a caller that saves the instance later must not undo it
    return sum(1 for entry in recorded if entry.get("status") in UNFINISHED)


def notify_on_commit(dsr: DataSubjectRequest | int) -> int:
    """Record whom to tell now, in the current transaction; tell them once it commits.

    Called by the erasure and correction services. A failure here is logged and does not undo
    the change the member asked for.
    """
    request_id = getattr(dsr, "pk", dsr)
    try:
        with transaction.atomic():  # a savepoint
            to_send = record_plan(dsr)
    except Exception as exc:
        logger.error(
            "Could not record the recipients to tell about request #%s (%s).",
            request_id,
            type(exc).__name__,
        )
        return 0
    if to_send:
        transaction.on_commit(lambda: enqueue(request_id))
    return to_send


def enqueue(request_id: int) -> bool:
    """Hand the request's notices to a worker; if the broker is down, tell them from here."""
    return jobs.send(jobs.NOTIFY_RECIPIENTS, request_id)


# -- calling the hooks -------------------------------------------------------------------------


def _ask_hooks(functions, recipient: str, event: dict) -> dict:
    """One recipient's result: acknowledged, failed or manual, with a reference or error name."""
    acknowledged, references = False, []
    for function in functions:
        try:
            answer = function(recipient, event)
        except Exception as exc:
            # The type only: messages from other systems may hold personal data.
            logger.warning(
                "A recipient hook failed for request #%s (%s).",
                event["request_id"],
                type(exc).__name__,
            )
            return {"status": FAILED, "error": type(exc).__name__, "reference": ""}
        if answer is None:
            continue
        if answer is False:
            return {"status": FAILED, "error": "not acknowledged", "reference": ""}
        acknowledged = True
        if isinstance(answer, str) and answer.strip():
            references.append(answer.strip())
    if not acknowledged:
        return {"status": MANUAL, "error": "", "reference": ""}
    return {"status": ACKNOWLEDGED, "error": "", "reference": "; ".join(references)[:MAX_REFERENCE]}


def deliver(request_id: int, now: datetime | None = None) -> dict[str, int]:
    """Call the hooks for every recipient not yet told; record each answer. Returns counts.

    The hooks run outside any transaction (they may call other systems); the answers are merged
    under a row lock afterwards, so concurrent runs never lose an acknowledgement.
    """
    dsr = DataSubjectRequest.objects.filter(pk=request_id).first()
    if dsr is None:
        return {}
    functions = hooks.get_hooks(HOOK)
    results = {}
    for entry in (dsr.outcome or {}).get("recipients") or []:
        if entry.get("status") in UNFINISHED:
            event = event_for(dsr.pk, entry, dsr.kind)
            results[entry["key"]] = _ask_hooks(functions, entry["recipient"], event)
    now = now or timezone.now()
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request_id)
        outcome = dict(locked.outcome or {})
        merged = []
        for entry in outcome.get("recipients") or []:
            result = results.get(entry.get("key"))
            if result is not None and entry.get("status") in UNFINISHED:
                entry = {
                    **entry,
                    **result,
                    "attempts": int(entry.get("attempts") or 0) + 1,
                    "updated_at": now.isoformat(),
                }
            merged.append(entry)
        outcome["recipients"] = merged
        DataSubjectRequest.objects.filter(pk=request_id).update(outcome=outcome)
    counts: dict[str, int] = {}
    for entry in merged:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    return counts


def requeue_unfinished() -> int:
    """Enqueue again every request with recipients still to tell (after a long outage)."""
    ids = [
        pk
        for pk, outcome in DataSubjectRequest.objects.filter(
            kind__in=(DataSubjectRequest.ERASURE, DataSubjectRequest.RECTIFICATION),
            outcome__has_key="recipients",
        ).values_list("pk", "outcome")
        if any(e.get("status") in UNFINISHED for e in (outcome or {}).get("recipients") or [])
    ]
    for pk in ids:
        enqueue(pk)
    return len(ids)


# -- for the member's page ---------------------------------------------------------------------


def for_display(dsr: DataSubjectRequest) -> list[dict]:
    """The recipients of a request as the member reads them: who, about what, and the state."""
    shown = []
    for entry in (dsr.outcome or {}).get("recipients") or []:
        declaration = _declaration(entry.get("model", ""))
        shown.append(
            {
                "recipient": entry.get("recipient", ""),
                "what": declaration.display_name if declaration else entry.get("model", ""),
                "action": ACTION_LABELS.get(entry.get("action"), entry.get("action", "")),
                "rows": entry.get("rows", 0),
                "status": entry.get("status"),
                "status_label": STATUS_LABELS.get(entry.get("status"), entry.get("status", "")),
                "updated_at": parse_datetime(entry.get("updated_at") or ""),
            }
        )
    return shown
