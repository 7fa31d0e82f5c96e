"""Who and what a breach touched, computed from the registry (GDPR Art. 33(3)(a)).

Each declaration the breach names gives its rows with the registry's set-based row finding
(:meth:`PersonalData.rows_of_members`): every row, or those of the people the officer listed,
within the time window when one is given (counted on the declaration's retention date). The
counts are a few aggregate queries per declaration, whatever the number of members: there is no
loop over members anywhere here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from wagtail import hooks

from wagtail_gdpr.registry import PersonalData, registry
from wagtail_gdpr.tables import Breach, BreachAffectedPerson

PREVIEW_SIZE = 20


@dataclass
class DeclarationScope:
    declaration: PersonalData
    records: int
    #: Distinct members among the rows; ``None`` for data about people who are not members.
    members: int | None
    #: Labels of the fields touched.
    fields: list[str]
    #: False when a time window was given but the declaration has no date to apply it to.
    window_applied: bool


@dataclass
class Scope:
    declarations: list[DeclarationScope] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    data_subjects: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    members: int = 0
    records: int = 0
    #: Addresses of affected people who are not members (listed, or guests' rows).
    other_addresses: int = 0

    @property
    def people(self) -> int:
        return self.members + self.other_addresses


def site_filters() -> dict:
    """``{name: (label, fn(declaration, rows) -> rows)}`` from ``wagtail_gdpr_breach_filters``."""
    found = {}
    for hook in hooks.get_hooks("wagtail_gdpr_breach_filters"):
        found.update(hook() or {})
    return found


def declarations_of(breach: Breach) -> list[PersonalData]:
    labels = set(breach.declarations) | {name.rpartition(".")[0] for name in breach.fields}
    return [d for d in registry if d.model_label in labels]


def _fields_of(breach: Breach, declaration: PersonalData) -> list[str]:
    named = [
        name.rpartition(".")[2]
        for name in breach.fields
        if name.rpartition(".")[0] == declaration.model_label
    ]
    return [declaration.field_label(name) for name in named or declaration.fields]


def listed_members(breach: Breach):
    return get_user_model()._default_manager.filter(
        pk__in=BreachAffectedPerson.objects.filter(breach=breach, member__isnull=False).values(
            "member_id"
        )
    )


def listed_emails(breach: Breach) -> list[str]:
    return list(
        BreachAffectedPerson.objects.filter(breach=breach, member__isnull=True).values_list(
            "email", flat=True
        )
    )


def rows_of(breach: Breach, declaration: PersonalData):
    """The declaration's rows the breach touched, unevaluated; and whether the window applied."""
    if breach.listed_people_only:
        rows = declaration.rows_of_members(listed_members(breach), listed_emails(breach))
    else:
        rows = declaration.rows_of_members(None)
    applied = True
    if breach.window_start or breach.window_end:
        date_field = declaration.retention.from_field if declaration.retention else None
        if date_field:
            if breach.window_start:
                rows = rows.filter(**{f"{date_field}__gte": breach.window_start})
            if breach.window_end:
                rows = rows.filter(**{f"{date_field}__lte": breach.window_end})
        else:
            applied = False
    if breach.site_filter:
        chosen = site_filters().get(breach.site_filter)
        if chosen is not None:
            rows = chosen[1](declaration, rows)
    return rows, applied


def _member_ids(breach: Breach):
    """The ids of the members the breach touched, as one unevaluated query (a ``UNION``), or
    ``None`` when no declaration touched names members."""
    parts = []
    for declaration in declarations_of(breach):
        column = declaration.subject_column()
        if column is None:
            continue
        rows, _applied = rows_of(breach, declaration)
        parts.append(
            rows.filter(**{f"{column}__isnull": False}).values_list(column, flat=True).order_by()
        )
    if not parts:
        return None
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0].distinct()


def affected_members(breach: Breach):
    """Every member the breach touched, as one unevaluated queryset of users.

    Their ids are a ``UNION`` of each declaration's members, which the database answers with
    one semi-join; never a loop over members, nor an ``OR`` of subqueries (which the database
    cannot join, and checks row by row).
    """
    users = get_user_model()._default_manager
    if breach.listed_people_only:
        return listed_members(breach)
    ids = _member_ids(breach)
    return users.none() if ids is None else users.filter(pk__in=ids)


def member_count(breach: Breach) -> int:
    if breach.listed_people_only:
        return listed_members(breach).count()
    ids = _member_ids(breach)
    return 0 if ids is None else ids.count()


def guest_addresses(breach: Breach):
    """Addresses of affected people who are not members: listed, or on guest rows touched.

    A set of lower-cased addresses; guest rows are those with no member but an address.
    """
    found = set(listed_emails(breach))
    if breach.listed_people_only:
        return found
    for declaration in declarations_of(breach):
        if not declaration.email_field:
            continue
        rows, _applied = rows_of(breach, declaration)
        if declaration.members and declaration.subject and declaration.subject != "self":
            rows = rows.filter(**{f"{declaration.subject}__isnull": True})
        found.update(
            e.strip().lower()
            for e in rows.exclude(**{declaration.email_field: ""})
            .values_list(declaration.email_field, flat=True)
            .distinct()
            if e
        )
    return found


def categories_of(breach: Breach) -> list[str]:
    """The categories of data the breach touched, from the declarations alone (no query)."""
    found: list[str] = []
    for declaration in declarations_of(breach):
        for name in declaration.categories or [declaration.display_name]:
            if str(name) not in found:
                found.append(str(name))
    return found


def compute(breach: Breach) -> Scope:
    scope = Scope()
    for declaration in declarations_of(breach):
        rows, applied = rows_of(breach, declaration)
        column = declaration.subject_column()
        members = None
        if column is not None:
            members = rows.filter(**{f"{column}__isnull": False}).values(column).distinct().count()
        scope.declarations.append(
            DeclarationScope(
                declaration=declaration,
                records=rows.count(),
                members=members,
                fields=_fields_of(breach, declaration),
                window_applied=applied,
            )
        )
        if str(declaration.data_subjects) not in scope.data_subjects:
            scope.data_subjects.append(str(declaration.data_subjects))
        for recipient in declaration.recipients:
            if str(recipient) not in scope.recipients:
                scope.recipients.append(str(recipient))
    scope.categories = categories_of(breach)
    scope.records = sum(d.records for d in scope.declarations)
    scope.members = member_count(breach)
    scope.other_addresses = len(guest_addresses(breach))
    return scope


def preview(breach: Breach, size: int = PREVIEW_SIZE) -> list:
    """The first affected members, for the officer to check the scope is right."""
    return list(affected_members(breach).order_by("pk")[:size])
