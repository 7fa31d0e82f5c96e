"""Recording a breach and every later step (GDPR Art. 33(5)): the record is append-only.

Each step writes a dated :class:`BreachEntry` with what it set, and an entry in Wagtail's audit
log, in one transaction with the change of the breach's current facts. Nothing is ever edited in
place without its entry, and no entry is ever changed or deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import audit
from wagtail_gdpr.breaches import clock, people
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.registry import registry
from wagtail_gdpr.tables import Breach, BreachEntry

#: The facts an officer records and may later change, each one a column of :class:`Breach`.
FACTS = (
    "title",
    "nature",
    "occurred_at",
    "discovered_at",
    "declarations",
    "fields",
    "window_start",
    "window_end",
    "listed_people_only",
    "site_filter",
    "cause",
    "containment",
    "consequences",
    "handler",
    "notice_what_happened",
    "notice_what_we_did",
    "notice_what_you_can_do",
)


def _as_recorded(value):
    """A value as the history keeps it: JSON, with no Python reprs."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "_meta"):  # a user: their number
        return value.pk
    return value


def _check(facts: dict) -> None:
    labels = {d.model_label: d for d in registry}
    for label in facts.get("declarations") or ():
        if label not in labels:
            raise Refused(_("No declaration is named %(label)s.") % {"label": label})
    for name in facts.get("fields") or ():
        label, _dot, field = name.rpartition(".")
        if label not in labels or field not in labels[label].fields:
            raise Refused(_("No declared field is named %(name)s.") % {"name": name})
    start, end = facts.get("window_start"), facts.get("window_end")
    if start and end and end < start:
        raise Refused(_("The time window ends before it starts."))
    occurred, discovered = facts.get("occurred_at"), facts.get("discovered_at")
    if occurred and discovered and discovered < occurred:
        raise Refused(_("A breach cannot be discovered before it happened."))


def _step(breach: Breach, kind: str, action: str, user, changes: dict, text: str = ""):
    entry = BreachEntry.objects.create(
        breach=breach, kind=kind, by=user if user and user.pk else None, changes=changes, text=text
    )
    # The audit log names the breach and the step, never the words (they may name people).
    audit.record_breach(breach, action, user, step=kind, entry_id=entry.pk, changed=sorted(changes))
    return entry


@transaction.atomic
def record_breach(user, people_text: str = "", **facts) -> Breach:
    """Record a new breach with ``facts`` (see :data:`FACTS`) and, optionally, the people named
    as affected (pasted text or a CSV file's text)."""
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise TypeError(f"Not facts of a breach: {sorted(unknown)}")
    if not facts.get("title") or not facts.get("discovered_at"):
        raise Refused(_("Give a short description and when the breach was discovered."))
    _check(facts)
    breach = Breach.objects.create(**facts)
    changes = {name: _as_recorded(getattr(breach, name)) for name in FACTS}
    if people_text:
        changes["people"] = people.add(breach, people.parse(people_text))
    _step(breach, BreachEntry.RECORDED, audit.BREACH_RECORDED, user, changes)
    return breach


@transaction.atomic
def change(breach: Breach, user, people_text: str = "", **facts) -> BreachEntry | None:
    """Change some facts: a new dated entry with the new values; ``None`` if nothing changed."""
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise TypeError(f"Not facts of a breach: {sorted(unknown)}")
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    _check({**{name: getattr(breach, name) for name in FACTS}, **facts})
    changes = {
        name: _as_recorded(value)
        for name, value in facts.items()
        if _as_recorded(getattr(breach, name)) != _as_recorded(value)
    }
    if people_text:
        changes["people"] = people.add(breach, people.parse(people_text))
    if not changes:
        return None
    for name in facts:
        setattr(breach, name, facts[name])
    breach.save(update_fields=list(facts))
    return _step(breach, BreachEntry.CHANGED, audit.BREACH_CHANGED, user, changes)


@transaction.atomic
def assess(breach: Breach, user, risk: str, reasons: str) -> BreachEntry:
    """Record the risk assessment: no risk, a risk or a high risk, with its reasons."""
    if clock.is_decided(Breach.objects.get(pk=breach.pk)):
        raise Refused(_("The decision about the authority is recorded: add a supplement instead."))
    if risk not in dict(Breach.RISKS):
        raise Refused(_("Choose no risk, a risk or a high risk."))
    if not (reasons or "").strip():
        raise Refused(_("Give the reasons for the risk assessment."))
    Breach.objects.filter(pk=breach.pk).update(risk=risk, risk_reasons=reasons)
    breach.risk, breach.risk_reasons = risk, reasons
    return _step(
        breach, BreachEntry.ASSESSED, audit.BREACH_ASSESSED, user, {"risk": risk}, text=reasons
    )


def _decide(breach, user, column, kind, action, delay_reason, text, now, extra=None):
    now = now or timezone.now()
    given, breach = breach, Breach.objects.select_for_update().get(pk=breach.pk)
    if clock.is_decided(breach):
        raise Refused(_("The decision about the authority has already been recorded."))
    clock.check_may_decide(breach, delay_reason, now)
    values = {column: now}
    if clock.is_late(breach, now):
        values["delay_reason"] = delay_reason or breach.delay_reason
    Breach.objects.filter(pk=breach.pk).update(**values)
    for name, value in values.items():
        setattr(breach, name, value)
        setattr(given, name, value)
    changes = {k: _as_recorded(v) for k, v in values.items()}
    _step(breach, kind, action, user, {**changes, **(extra or {})}, text)
    return breach


@transaction.atomic
def notify_authority(breach: Breach, user, delay_reason: str = "", now=None) -> Breach:
    """Record that the authority was sent the notification; the entry keeps the text sent."""
    return _decide(
        breach, user, "authority_notified_at", BreachEntry.AUTHORITY_NOTIFIED,
        audit.BREACH_AUTHORITY_NOTIFIED, delay_reason, "", now,
        extra={"notification": breach.authority_draft},
    )  # fmt: skip


@transaction.atomic
def edit_draft(breach: Breach, user, draft: dict) -> BreachEntry | None:
    """Keep the officer's edits of the authority's notification, as a dated entry."""
    if Breach.objects.select_for_update().get(pk=breach.pk).authority_notified_at:
        raise Refused(_("The notification was sent: add a supplement instead."))
    draft = {str(k): str(v) for k, v in draft.items()}
    if draft == breach.authority_draft:
        return None
    Breach.objects.filter(pk=breach.pk).update(authority_draft=draft)
    breach.authority_draft = draft
    return _step(
        breach, BreachEntry.DRAFT_EDITED, audit.BREACH_DRAFT_EDITED, user, {"draft": draft}
    )


@transaction.atomic
def decide_not_to_notify(breach: Breach, user, delay_reason: str = "", now=None) -> Breach:
    """Record that the authority is not notified: the breach is unlikely to result in a risk."""
    if breach.risk and breach.risk != Breach.NO_RISK:
        raise Refused(_("A breach assessed as a risk must be notified to the authority."))
    return _decide(
        breach, user, "not_notifying_at", BreachEntry.NOT_NOTIFYING,
        audit.BREACH_NOT_NOTIFYING, delay_reason, breach.risk_reasons, now,
    )  # fmt: skip


@transaction.atomic
def add_supplement(breach: Breach, user, text: str) -> BreachEntry:
    """Information given to the authority after the first notification (Art. 33(4))."""
    if not Breach.objects.get(pk=breach.pk).authority_notified_at:
        raise Refused(_("Supplements follow the notification: notify the authority first."))
    if not (text or "").strip():
        raise Refused(_("Write what the supplement adds."))
    return _step(breach, BreachEntry.SUPPLEMENT, audit.BREACH_SUPPLEMENT, user, {}, text=text)


@transaction.atomic
def close(breach: Breach, user, now=None) -> BreachEntry:
    if not clock.is_decided(Breach.objects.select_for_update().get(pk=breach.pk)):
        raise Refused(_("Record the decision about the authority before closing the breach."))
    now = now or timezone.now()
    Breach.objects.filter(pk=breach.pk).update(closed_at=now)
    breach.closed_at = now
    return _step(
        breach, BreachEntry.CLOSED, audit.BREACH_CLOSED, user, {"closed_at": now.isoformat()}
    )


def history(breach: Breach):
    return breach.entries.select_related("by").order_by("at", "pk")


def changed_in_words(entry: BreachEntry) -> list[str]:
    """The names of the facts a change set, as the officer reads them."""
    if entry.kind not in (BreachEntry.RECORDED, BreachEntry.CHANGED):
        return []
    return [
        _("people affected") if name == "people" else str(Breach._meta.get_field(name).verbose_name)
        for name in entry.changes
    ]
