"""The member's live summary: per declaration, how many rows and a few of them.

One query per declaration (a window count beside the first rows), however much data the member
has; integrators add items for data kept elsewhere with the ``wagtail_gdpr_summary_items`` hook.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Window
from wagtail import hooks

from wagtail_gdpr import inventory
from wagtail_gdpr.registry import registry, verified_emails

SAMPLE_ROWS = 3


@dataclass
class SummaryItem:
    """One line of the summary. Hooks return these too (``fn(user) -> list[SummaryItem]``)."""

    name: str
    count: int
    columns: list[str] = field(default_factory=list)
    sample: list[list] = field(default_factory=list)
    purpose: str = ""
    retention: str = ""
    lawful_basis: str = ""


def live_summary(user, sample_rows: int = SAMPLE_ROWS) -> list[SummaryItem]:
    emails = list(verified_emails(user))
    items = []
    for declaration in registry.about_members():
        names = declaration.export_field_names()
        rows = list(
            declaration.rows_for(user, emails)
            .order_by("-pk")
            .annotate(_gdpr_total=Window(Count("pk")))
            .values_list(*names, "_gdpr_total")[:sample_rows]
        )
        items.append(
            SummaryItem(
                name=declaration.display_name,
                count=rows[0][-1] if rows else 0,
                columns=[declaration.field_label(n) for n in names],
                sample=[list(r[:-1]) for r in rows],
                purpose=str(declaration.purpose),
                retention=inventory.plain_retention(declaration),
                lawful_basis=str(inventory.LAWFUL_BASES[declaration.lawful_basis]),
            )
        )
    for fn in hooks.get_hooks("wagtail_gdpr_summary_items"):
        items.extend(fn(user) or ())
    return items
