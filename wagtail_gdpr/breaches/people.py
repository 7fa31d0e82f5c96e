"""The people an officer names as affected: member numbers or email addresses, pasted or
uploaded as a CSV file (one per cell, any columns). An address that is a member's account
address names that member; any other address is kept as it is (a guest, or not a member)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from wagtail_gdpr.tables import Breach, BreachAffectedPerson


@dataclass
class NamedPeople:
    member_ids: set[int] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    #: Cells that are neither a member number nor an address (shown to the officer).
    unreadable: list[str] = field(default_factory=list)


def parse(text: str) -> NamedPeople:
    """Read pasted text or a CSV file's text: numbers are member ids, the rest addresses."""
    found = NamedPeople()
    for row in csv.reader(io.StringIO(text or "")):
        for cell in row:
            for token in re.split(r"[\s;]+", cell):
                if not token:
                    continue
                if token.isdigit():
                    found.member_ids.add(int(token))
                    continue
                try:
                    validate_email(token)
                except ValidationError:
                    found.unreadable.append(token)
                else:
                    found.emails.add(token.lower())
    return found


def add(breach: Breach, named: NamedPeople) -> dict[str, int]:
    """Store the people named; ``{"members": n, "addresses": n, "unknown_ids": n}``.

    Unknown member numbers are left out and counted; each person is stored once per breach.
    """
    users = get_user_model()._default_manager
    known_ids = set(users.filter(pk__in=named.member_ids).values_list("pk", flat=True))
    email_field = get_user_model().get_email_field_name()
    by_address = dict(
        users.annotate(address=Lower(email_field))
        .filter(address__in=named.emails)
        .values_list("address", "pk")
    )
    member_ids = known_ids | set(by_address.values())
    others = named.emails - set(by_address)
    BreachAffectedPerson.objects.bulk_create(
        [BreachAffectedPerson(breach=breach, member_id=pk) for pk in sorted(member_ids)]
        + [BreachAffectedPerson(breach=breach, email=e) for e in sorted(others)],
        ignore_conflicts=True,
        batch_size=5000,
    )
    return {
        "members": len(member_ids),
        "addresses": len(others),
        "unknown_ids": len(named.member_ids - known_ids),
    }
