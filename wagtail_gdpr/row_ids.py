"""Rows named by a long list of primary keys, as cheaply as each database allows.

``pk__in=[…5,000 ids…]`` makes a statement with 5,000 parameters, and building and sending it
costs more than the work it asks for. PostgreSQL takes the whole list as one array parameter
(``id = ANY(%s)``), so one statement covers any number of rows; other databases get the usual
``IN (…)``, in batches that stay under their limit on parameters.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connections, models
from django.db.models import F, Lookup, Value

#: Ids per statement where each id is a parameter of its own.
BATCH = 5000


class _AnyOf(Lookup):
    """``lhs = ANY(array)``: used as an expression in ``filter()``, never registered."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def takes_arrays(queryset: models.QuerySet) -> bool:
    """Whether the database behind ``queryset`` takes a list of ids as one parameter."""
    return connections[queryset.db].vendor == "postgresql"


def with_pks(queryset: models.QuerySet, pks: list) -> models.QuerySet:
    """``queryset`` narrowed to the rows whose primary key is in ``pks``."""
    if takes_arrays(queryset):
        return queryset.filter(_AnyOf(F("pk"), Value(list(pks))))
    return queryset.filter(pk__in=pks)


def in_batches(queryset: models.QuerySet, pks: list, size: int = BATCH) -> Iterator:
    """Querysets that together cover the rows ``pks`` of ``queryset``: one where the database
    takes arrays, else one per ``size`` ids."""
    if not pks:
        return
    if takes_arrays(queryset):
        yield with_pks(queryset, pks)
        return
    for start in range(0, len(pks), size):
        yield queryset.filter(pk__in=pks[start : start + size])


def batches(pks: list, size: int = BATCH) -> Iterator[list]:
    """``pks`` in lists of at most ``size``: for work that reads every row it touches."""
    for start in range(0, len(pks), size):
        yield pks[start : start + size]
