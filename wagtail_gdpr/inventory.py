"""The record of processing (GDPR Art. 30), built from the registry, in three formats; and the
same facts in plain words for members (the notice, the consent step, "My data", the copy).

The record is complete in the sense of Art. 30(1)(a) to (g): the controller and the data
protection officer (from the site's privacy settings), the purposes, the categories of data
subjects and of data, the recipients with their countries, the transfers outside the EEA with
their safeguards, how long data is kept, and the security measures (privacy settings).
"""

from __future__ import annotations

import io
import json

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import connected_systems, spreadsheets
from wagtail_gdpr.registry import (
    AFTER_FINANCIAL_YEAR,
    LAWFUL_BASES,
    SPECIAL_CATEGORY_GROUNDS,
    PersonalData,
    Recipient,
    registry,
)
from wagtail_gdpr.tables import GdprSettings

#: The version of the JSON record; 2 added recipients' countries, transfers, automated
#: decisions, special categories, the controller, the DPO and the security measures.
RECORD_VERSION = 2


def _counted_from_label(declaration: PersonalData) -> str:
    field = declaration.model._meta.get_field(declaration.retention.from_field)
    return capfirst(str(field.verbose_name))


def retention_in_words(declaration: PersonalData) -> str:
    """How long the data is kept, as the law words it: "7 years after the end of the financial
    year in which the order was placed", "2 years after the ticket is closed"."""
    retention = declaration.retention
    if retention is None:
        if declaration.kept_while:
            return str(declaration.kept_while)
        return _("As long as you have an account, or until you ask us to delete it.")
    values = {
        "period": retention.period_text,
        "event": retention.event,
        "field": _counted_from_label(declaration),
    }
    if retention.counted == AFTER_FINANCIAL_YEAR:
        if retention.event:
            return _("%(period)s after the end of the financial year in which %(event)s") % values
        return _("%(period)s after the end of the financial year of “%(field)s”") % values
    if retention.event:
        return _("%(period)s after %(event)s") % values
    return _("%(period)s, counted from “%(field)s”") % values


def describe_retention(declaration: PersonalData) -> dict | None:
    retention = declaration.retention
    if retention is None:
        return None
    return {
        "period": retention.period_text,
        "years": retention.years,
        "months": retention.months,
        "days": retention.days,
        "counted_from": retention.from_field,
        "counted_from_label": str(
            declaration.model._meta.get_field(retention.from_field).verbose_name
        ),
        "counted": retention.counted,
        "event": str(retention.event),
        "in_words": retention_in_words(declaration),
        "then": retention.then,
        "reason": str(retention.reason),
    }


def describe_recipient(recipient: Recipient) -> dict:
    return {
        "name": str(recipient.name),
        "country": recipient.country or None,
        "country_name": recipient.country_name or None,
        "outside_eea": recipient.is_transfer,
        "safeguard": recipient.safeguard if recipient.is_transfer else None,
        "safeguard_label": recipient.safeguard_label if recipient.is_transfer else None,
        "safeguard_details": str(recipient.safeguard_details) or None,
        "how_to_get_a_copy": str(recipient.how_to_get_a_copy) or None,
        "in_words": recipient_in_words(recipient),
        "transfer_in_words": transfer_in_words(recipient) if recipient.is_transfer else None,
    }


def recipients_of(declaration: PersonalData) -> list[Recipient]:
    """The declared recipients; the account's data also goes to every connected system (its
    identifiers are in each event), so those are named there too."""
    declared = list(declaration.recipients)
    if declaration.model is not get_user_model():
        return declared
    names = {str(r.name) for r in declared}
    return declared + [r for r in connected_systems.as_recipients() if r.name not in names]


def recipient_in_words(recipient: Recipient) -> str:
    """ "The carrier that delivers your parcel (Sweden)"; a recipient without a country is
    named alone."""
    if not recipient.country:
        return str(recipient.name)
    return _("%(name)s (%(country)s)") % {
        "name": recipient.name,
        "country": recipient.country_name,
    }


def transfer_in_words(recipient: Recipient) -> str:
    """A transfer outside the EEA: where, on what safeguard, and how to get a copy of it."""
    return _(
        "%(name)s, in %(country)s, outside the EEA. Safeguard: %(safeguard)s: %(details)s. "
        "A copy of it: %(copy)s"
    ) % {
        "name": recipient.name,
        "country": recipient.country_name,
        "safeguard": recipient.safeguard_label,
        "details": recipient.safeguard_details,
        "copy": recipient.how_to_get_a_copy,
    }


def describe_automated_decisions(declaration: PersonalData) -> dict | None:
    decisions = declaration.automated_decisions
    if decisions is None:
        return None
    return {
        "logic": str(decisions.logic),
        "significance": str(decisions.significance),
        "consequences": str(decisions.consequences),
        "profiling": decisions.profiling,
        "legal_effect": decisions.legal_effect,
    }


def no_automated_decisions_text() -> str:
    return _("No decision about you is made by automated means, and you are not profiled.")


def automated_decisions_in_words(declaration: PersonalData) -> str:
    """One sentence for tables and CSV cells; readers with room show the three parts."""
    decisions = declaration.automated_decisions
    if decisions is None:
        return no_automated_decisions_text()
    kind = _("Profiling") if decisions.profiling else _("Automated decisions")
    return _("%(kind)s. How: %(logic)s What it means for you: %(significance)s What may follow: "
             "%(consequences)s") % {
        "kind": kind,
        "logic": _sentence(decisions.logic),
        "significance": _sentence(decisions.significance),
        "consequences": _sentence(decisions.consequences),
    }  # fmt: skip


def _sentence(text) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def describe_special_categories(declaration: PersonalData) -> dict | None:
    if not declaration.special_categories:
        return None
    return {
        "categories": [str(c) for c in declaration.special_categories],
        "ground": declaration.special_category_ground,
        "ground_label": str(SPECIAL_CATEGORY_GROUNDS[declaration.special_category_ground]),
        "explicit_consent_purpose": declaration.explicit_consent_purpose or None,
    }


def describe_fields(declaration: PersonalData) -> list[dict]:
    fields = []
    for name, spec in declaration.fields.items():
        anonymiser = declaration.anonymiser_for(name)
        fields.append(
            {
                "name": name,
                "label": declaration.field_label(name),
                "erasure": declaration.erasure_action(name),
                "anonymiser": anonymiser.name if anonymiser else None,
                "anonymised_as": str(anonymiser.label) if anonymiser else None,
                "correction": spec.correction,
            }
        )
    return fields


def describe(declaration: PersonalData) -> dict:
    return {
        "model": declaration.model_label,
        "activity": declaration.activity_key,
        "name": declaration.display_name,
        "purpose": str(declaration.purpose),
        "lawful_basis": declaration.lawful_basis,
        "lawful_basis_label": str(LAWFUL_BASES[declaration.lawful_basis]),
        "categories": [str(c) for c in declaration.categories],
        "special_categories": describe_special_categories(declaration),
        "recipients": [describe_recipient(r) for r in recipients_of(declaration)],
        "transfers": [describe_recipient(r) for r in declaration.transfers],
        "automated_decisions": describe_automated_decisions(declaration),
        "automated_decisions_in_words": automated_decisions_in_words(declaration),
        "source": str(declaration.source),
        "subject": declaration.subject or None,
        "email_field": declaration.email_field,
        "on_erasure_request": declaration.on_erasure,
        "retained_by_law": str(declaration.retained_by_law)
        if declaration.retained_by_law
        else None,
        "retention": describe_retention(declaration),
        "kept_while": str(declaration.kept_while) or None,
        "data_subjects": str(declaration.data_subjects),
        "members": declaration.members,
        "how_informed": str(declaration.how_informed) or None,
        "on_request": str(declaration.on_request) or None,
        "fields": describe_fields(declaration),
    }


def build_inventory() -> list[dict]:
    return [describe(d) for d in registry.activities()]


def organisation() -> dict:
    """Art. 30(1)(a) and (g): who is responsible, and how the data is kept safe.

    From the default site's privacy settings; empty values are ``None``, as they are where the
    database is not set up yet (the rest of the record is read from the code alone).
    """
    try:
        settings = GdprSettings.current()
    except DatabaseError:  # shown facts only, never what is kept: empty without a database
        settings = GdprSettings()
    return {
        "controller": {
            "name": settings.controller_name or None,
            "contact": settings.controller_contact or None,
        },
        "data_protection_officer": {
            "name": settings.dpo_name or None,
            "email": settings.dpo_email or None,
        },
        "security_measures": settings.security_measures or None,
    }


def not_personal_data() -> list[dict]:
    """Fields the site said are not personal data, with its reasons (``registry.exclude``)."""
    found = []
    for label, name, reason in registry.exclusions():
        model = apps.get_model(label)
        found.append(
            {
                "model": label,
                "field": name,
                "field_label": capfirst(str(model._meta.get_field(name).verbose_name)),
                "reason": reason,
            }
        )
    return found


def as_json(entries: list[dict], not_personal: list[dict] | None = None, facts=None) -> str:
    if not_personal is None:
        not_personal = not_personal_data()
    facts = organisation() if facts is None else facts
    return json.dumps(
        {
            "version": RECORD_VERSION,
            **facts,
            "declarations": entries,
            "not_personal_data": not_personal,
        },
        indent=2,
        ensure_ascii=False,
    )


CSV_COLUMNS = [
    "model",
    "name",
    "data_subjects",
    "purpose",
    "lawful_basis",
    "categories",
    "special_categories",
    "recipients",
    "transfers",
    "automated_decisions",
    "retention",
    "retained_by_law",
    "field",
    "field_label",
    "erasure",
    "correction",
    "not_personal_because",
    "controller",
    "data_protection_officer",
    "security_measures",
]


def _special_in_words(special: dict | None) -> str:
    if not special:
        return ""
    return f"{', '.join(special['categories'])} ({special['ground_label']})"


def _transfers_in_words(entry: dict) -> str:
    return "; ".join(
        _("%(name)s: %(country)s, %(safeguard)s (%(details)s); copy: %(copy)s")
        % {
            "name": t["name"],
            "country": t["country_name"],
            "safeguard": t["safeguard_label"],
            "details": t["safeguard_details"],
            "copy": t["how_to_get_a_copy"],
        }
        for t in entry["transfers"]
    )


def _organisation_rows(facts: dict) -> list[dict]:
    controller = facts["controller"]
    dpo = facts["data_protection_officer"]
    return [
        {
            "controller": " ".join(filter(None, [controller["name"], controller["contact"]])),
            "data_protection_officer": " ".join(filter(None, [dpo["name"], dpo["email"]])),
            "security_measures": facts["security_measures"] or "",
        }
    ]


def as_csv(entries: list[dict], not_personal: list[dict] | None = None, facts=None) -> str:
    """One row for the organisation (controller, DPO, security measures); one per declared
    field, so a spreadsheet can filter by any column; then one per field said not to be
    personal data, with the reason."""
    if not_personal is None:
        not_personal = not_personal_data()
    facts = organisation() if facts is None else facts
    out = io.StringIO()
    writer = spreadsheets.dict_writer(out, fieldnames=CSV_COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(_organisation_rows(facts))
    for entry in entries:
        retention = entry["retention"]
        for field in entry["fields"]:
            writer.writerow(
                {
                    "model": entry["model"],
                    "name": entry["name"],
                    "data_subjects": entry["data_subjects"],
                    "purpose": entry["purpose"],
                    "lawful_basis": entry["lawful_basis"],
                    "categories": "; ".join(entry["categories"]),
                    "special_categories": _special_in_words(entry["special_categories"]),
                    "recipients": "; ".join(r["in_words"] for r in entry["recipients"]),
                    "transfers": _transfers_in_words(entry),
                    "automated_decisions": entry["automated_decisions_in_words"],
                    "retention": _retention_sentence(retention)
                    if retention
                    else entry["kept_while"] or "",
                    "retained_by_law": entry["retained_by_law"] or "",
                    "field": field["name"],
                    "field_label": field["label"],
                    "erasure": field["erasure"],
                    "correction": field["correction"] or "",
                }
            )
    for field in not_personal:
        writer.writerow(
            {
                "model": field["model"],
                "field": field["field"],
                "field_label": field["field_label"],
                "not_personal_because": field["reason"],
            }
        )
    return out.getvalue()


def _retention_sentence(retention: dict) -> str:
    return _("%(period)s, then %(then)s: %(reason)s") % {
        "period": retention["in_words"],
        "then": retention["then"],
        "reason": retention["reason"],
    }


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _markdown_organisation(facts: dict, t: dict) -> list[str]:
    controller = facts["controller"]
    dpo = facts["data_protection_officer"]
    missing = _("— (not filled in: privacy settings)")
    return [
        f"## {t['organisation']}",
        "",
        f"- **{t['controller']}:** "
        + (_md(" ".join(filter(None, [controller["name"], controller["contact"]]))) or missing),
        f"- **{t['dpo']}:** "
        + (_md(" ".join(filter(None, [dpo["name"], dpo["email"]]))) or missing),
        f"- **{t['security']}:** " + (_md(facts["security_measures"] or "") or missing),
        "",
    ]


def as_markdown(entries: list[dict], not_personal: list[dict] | None = None, facts=None) -> str:
    # Translated outside the f-strings: makemessages does not look inside them.
    t = {
        "title": _("Record of processing activities"),
        "organisation": _("Controller, data protection officer and security"),
        "controller": _("Controller"),
        "dpo": _("Data protection officer"),
        "security": _("Security measures"),
        "purpose": _("Purpose"),
        "lawful_basis": _("Lawful basis"),
        "categories": _("Categories"),
        "special": _("Special categories (GDPR Art. 9)"),
        "recipients": _("Recipients"),
        "transfers": _("Transfers outside the EEA"),
        "automated": _("Automated decisions and profiling"),
        "source": _("Source"),
        "retention": _("Retention"),
        "retained_by_law": _("Kept despite erasure requests"),
        "on_erasure": _("On an erasure request"),
        "field": _("Field"),
        "label": _("Label"),
        "erasure": _("Erasure"),
        "correction": _("Correction"),
        "data_subjects": _("Whose data"),
        "how_informed": _("How they are told"),
        "on_request": _("Their requests"),
        "not_personal": _("Fields that are not personal data"),
        "reason": _("Why"),
        "none": _("None"),
    }
    if not_personal is None:
        not_personal = not_personal_data()
    facts = organisation() if facts is None else facts
    lines = [f"# {t['title']}", "", *_markdown_organisation(facts, t)]
    for entry in entries:
        lines += [
            f"## {_md(entry['name'])} (`{entry['model']}`)",
            "",
            f"- **{t['data_subjects']}:** {_md(entry['data_subjects'])}",
            f"- **{t['purpose']}:** {_md(entry['purpose'])}",
            f"- **{t['lawful_basis']}:** {_md(entry['lawful_basis_label'])}",
            f"- **{t['categories']}:** {_md(', '.join(entry['categories']) or '—')}",
        ]
        if entry["special_categories"]:
            lines.append(
                f"- **{t['special']}:** {_md(_special_in_words(entry['special_categories']))}"
            )
        lines += [
            f"- **{t['recipients']}:** "
            + _md("; ".join(r["in_words"] for r in entry["recipients"]) or "—"),
            f"- **{t['transfers']}:** " + _md(_transfers_in_words(entry) or t["none"]),
            f"- **{t['automated']}:** {_md(entry['automated_decisions_in_words'])}",
            f"- **{t['source']}:** {_md(entry['source'])}",
            f"- **{t['retention']}:** "
            + (
                _md(_retention_sentence(entry["retention"]))
                if entry["retention"]
                else _md(entry["kept_while"] or "—")
            ),
        ]
        for key in ("how_informed", "on_request"):
            if entry[key]:
                lines.append(f"- **{t[key]}:** {_md(entry[key])}")
        if entry["retained_by_law"]:
            lines.append(f"- **{t['retained_by_law']}:** {_md(entry['retained_by_law'])}")
        lines += [
            f"- **{t['on_erasure']}:** {entry['on_erasure_request']}",
            "",
            f"| {t['field']} | {t['label']} | {t['erasure']} | {t['correction']} |",
            "|---|---|---|---|",
        ]
        for field in entry["fields"]:
            lines.append(
                f"| `{field['name']}` | {_md(field['label'])} | {field['erasure']} "
                f"| {field['correction'] or '—'} |"
            )
        lines.append("")
    if not_personal:
        lines += [
            f"## {t['not_personal']}",
            "",
            f"| {t['field']} | {t['label']} | {t['reason']} |",
            "|---|---|---|",
        ]
        for field in not_personal:
            lines.append(
                f"| `{field['model']}.{field['field']}` | {_md(field['field_label'])} "
                f"| {_md(field['reason'])} |"
            )
        lines.append("")
    return "\n".join(lines)


FORMATS = {"markdown": as_markdown, "json": as_json, "csv": as_csv}


# -- for ordinary readers: the data-inventory block and the consent step ------------------

READER_GROUPS = [
    ("contract", gettext_lazy("To give you the service you signed up for")),
    ("consent", gettext_lazy("Because you said yes (you can change your mind at any time)")),
    ("legal_obligation", gettext_lazy("Because the law requires it")),
    ("legitimate_interests", gettext_lazy("To keep the service safe and working well")),
    ("vital_interests", gettext_lazy("To protect someone's life or health")),
    ("public_task", gettext_lazy("For a task in the public interest")),
]


def plain_retention(declaration: PersonalData) -> str:
    """How long, and why, in one sentence for members."""
    words = retention_in_words(declaration)
    if declaration.retention is None:
        return words
    return _("%(period)s. Why: %(reason)s") % {
        "period": capfirst(words),
        "reason": declaration.retention.reason,
    }


def for_readers(declaration: PersonalData) -> dict:
    """One declaration in plain words: what, why, how long, who receives it and where, whether
    anything is decided about people by automated means, and any special categories."""
    return {
        "name": declaration.display_name,
        "purpose": declaration.purpose,
        "categories": [str(c) for c in declaration.categories],
        "special_categories": describe_special_categories(declaration),
        "fields": [declaration.field_label(n) for n in declaration.fields],
        "recipients": [recipient_in_words(r) for r in recipients_of(declaration)],
        "transfers": [transfer_in_words(r) for r in declaration.transfers],
        "automated_decisions": describe_automated_decisions(declaration),
        "no_automated_decisions": no_automated_decisions_text(),
        "retention": plain_retention(declaration),
        "retained_by_law": declaration.retained_by_law,
        "source": declaration.source,
        "lawful_basis": LAWFUL_BASES[declaration.lawful_basis],
        "data_subjects": declaration.data_subjects,
        "how_informed": declaration.how_informed,
    }


def grouped_for_readers() -> list[dict]:
    """Members' data grouped by why we have it, worded for members rather than lawyers."""
    by_basis: dict[str, list[dict]] = {}
    for declaration in registry.member_activities():
        by_basis.setdefault(declaration.lawful_basis, []).append(for_readers(declaration))
    return [
        {"basis": basis, "title": title, "entries": by_basis[basis]}
        for basis, title in READER_GROUPS
        if basis in by_basis
    ]


def others_for_readers() -> list[dict]:
    """Data about people who are not members, for the public notice's heading of its own."""
    return [for_readers(declaration) for declaration in registry.about_others()]
