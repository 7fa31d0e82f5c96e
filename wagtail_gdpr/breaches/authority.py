"""The notification to the supervisory authority (GDPR Art. 33(3)), drafted from the record,
the computed scope and the site's privacy settings; then edited by the officer, exported as a
printable page and as JSON, and followed by dated supplements (Art. 33(4)).
"""

from __future__ import annotations

import json

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import readable, routes
from wagtail_gdpr.breaches import clock, scope
from wagtail_gdpr.tables import Breach, BreachEntry, GdprSettings

#: The items of Art. 33(3), and of Art. 33(1) for a late notification, in the order of the law.
ITEMS = [
    ("controller", gettext_lazy("Controller")),
    ("nature", gettext_lazy("The nature of the breach (Art. 33(3)(a))")),
    ("when", gettext_lazy("When it happened and when it was discovered")),
    ("categories_of_people", gettext_lazy("Categories of people concerned (Art. 33(3)(a))")),
    ("number_of_people", gettext_lazy("Approximate number of people concerned (Art. 33(3)(a))")),
    ("categories_of_records", gettext_lazy("Categories of records concerned (Art. 33(3)(a))")),
    ("number_of_records", gettext_lazy("Approximate number of records concerned (Art. 33(3)(a))")),
    ("recipients", gettext_lazy("Recipients of the data concerned")),
    ("contact", gettext_lazy("Data protection officer or other contact point (Art. 33(3)(b))")),
    ("consequences", gettext_lazy("Likely consequences (Art. 33(3)(c))")),
    ("measures", gettext_lazy("Measures taken or proposed (Art. 33(3)(d))")),
    ("risk", gettext_lazy("Risk assessment")),
    ("delay", gettext_lazy("Reasons for the delay (Art. 33(1))")),
]


def drafted(breach: Breach) -> dict[str, str]:
    """Each item's text as computed from the record, the scope and the site's settings."""
    settings = GdprSettings.current(site=routes.default_site())
    found = scope.compute(breach)
    contact = ", ".join(p for p in (settings.dpo_name, settings.dpo_email) if p)
    when = _("Happened: %(occurred)s. Discovered: %(discovered)s.") % {
        "occurred": readable.moment(breach.occurred_at) if breach.occurred_at else _("not known"),
        "discovered": readable.moment(breach.discovered_at),
    }
    return {
        "controller": "\n".join(
            p for p in (settings.controller_name, settings.controller_contact) if p
        ),
        "nature": "\n\n".join(p for p in (breach.title, breach.nature, breach.cause) if p),
        "when": when,
        "categories_of_people": "; ".join(found.data_subjects),
        "number_of_people": str(found.people),
        "categories_of_records": "; ".join(
            f"{d.declaration.display_name} ({', '.join(d.fields)})" for d in found.declarations
        ),
        "number_of_records": str(found.records),
        "recipients": "; ".join(found.recipients) or _("None"),
        "contact": contact,
        "consequences": breach.consequences,
        "measures": breach.containment,
        "risk": (
            f"{breach.get_risk_display()}: {breach.risk_reasons}"
            if breach.risk
            else _("Not assessed yet")
        ),
        "delay": breach.delay_reason if clock.is_late(breach) else "",
    }


def current(breach: Breach) -> dict[str, str]:
    """The notification as it stands: the officer's edits over the computed draft."""
    computed = drafted(breach)
    edited = breach.authority_draft or {}
    return {key: edited.get(key, computed.get(key, "")) for key, _label in ITEMS}


def supplements(breach: Breach):
    return breach.entries.filter(kind=BreachEntry.SUPPLEMENT).order_by("at", "pk")


def as_json(breach: Breach) -> str:
    """The notification as JSON: each item under its key, and the supplements with their dates."""
    return json.dumps(
        {
            "breach": breach.pk,
            "notified_at": breach.authority_notified_at.isoformat()
            if breach.authority_notified_at
            else None,
            "items": current(breach),
            "supplements": [
                {"at": entry.at.isoformat(), "text": entry.text} for entry in supplements(breach)
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def as_html(breach: Breach) -> str:
    """The notification as a page to print or save as PDF."""
    values = current(breach)
    return render_to_string(
        "wagtail_gdpr/admin/breach_notification_print.html",
        {
            "breach": breach,
            "items": [(label, values[key]) for key, label in ITEMS if values.get(key)],
            "supplements": supplements(breach),
            "authority": GdprSettings.current(site=routes.default_site()).authority_name,
        },
    )
