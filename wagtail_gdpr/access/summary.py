"""The member's live summary: per declaration, how many rows and a few of them, in words.

One query per declaration (a window count beside the first rows), and one per related model
whose labels the rows show, however much data the member has; integrators add items for data
kept elsewhere with the ``wagtail_gdpr_summary_items`` hook.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Window
from django.utils.translation import gettext as _
from wagtail import hooks

from wagtail_gdpr import inventory, readable
from wagtail_gdpr.registry import registry, verified_emails

SAMPLE_ROWS = 3


@dataclass
class SummaryItem:
    """One line of the summary. Hooks return these too (``fn(user) -> list[SummaryItem]``).

    ``sample`` holds rows of text, as the member reads them.
    """

    name: str
    count: int
    columns: list[str] = field(default_factory=list)
    sample: list[list] = field(default_factory=list)
    purpose: str = ""
    retention: str = ""
    lawful_basis: str = ""
    #: The declaration's facts in plain words (``inventory.for_readers``): recipients and their
    #: countries, transfers, automated decisions, special categories.
    facts: dict = field(default_factory=dict)
    #: Footnotes the table needs (why a network address is shortened).
    notes: list[str] = field(default_factory=list)


def live_summary(user, sample_rows: int = SAMPLE_ROWS) -> list[SummaryItem]:
    emails = list(verified_emails(user))
    items = []
    for declaration in registry.member_activities():
        columns = readable.Columns(declaration)
        rows = list(
            declaration.rows_for(user, emails)
            .order_by("-pk")
            .annotate(_gdpr_total=Window(Count("pk")))
            .values_list(*columns.values_names(), "_gdpr_total")[:sample_rows]
        )
        columns.prepare(rows)
        labels = columns.labels
        sample = [columns.for_people(row) for row in rows]
        if columns.kept_from:
            labels = [*labels, _("Kept until")]
            sample = [
                [*cells, readable.in_words(columns.kept_until(row))]
                for cells, row in zip(sample, rows, strict=True)
            ]
        items.append(
            SummaryItem(
                name=declaration.display_name,
                count=rows[0][-1] if rows else 0,
                columns=labels,
                sample=sample,
                purpose=str(declaration.purpose),
                retention=inventory.plain_retention(declaration),
                lawful_basis=str(inventory.LAWFUL_BASES[declaration.lawful_basis]),
                facts=inventory.for_readers(declaration),
                notes=columns.notes if rows else [],
            )
        )
    for fn in hooks.get_hooks("wagtail_gdpr_summary_items"):
        items.extend(fn(user) or ())
    return items
