"""The record of processing (GDPR Art. 30), built from the registry, in three formats."""

from __future__ import annotations

import csv
import io
import json

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr.registry import LAWFUL_BASES, PersonalData, registry


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
        "then": retention.then,
        "reason": str(retention.reason),
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
        "name": declaration.display_name,
        "purpose": str(declaration.purpose),
        "lawful_basis": declaration.lawful_basis,
        "lawful_basis_label": str(LAWFUL_BASES[declaration.lawful_basis]),
        "categories": [str(c) for c in declaration.categories],
        "recipients": [str(r) for r in declaration.recipients],
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
    return [describe(d) for d in registry]


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


def as_json(entries: list[dict], not_personal: list[dict] | None = None) -> str:
    if not_personal is None:
        not_personal = not_personal_data()
    return json.dumps(
        {"version": 1, "declarations": entries, "not_personal_data": not_personal},
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
    "recipients",
    "retention",
    "retained_by_law",
    "field",
    "field_label",
    "erasure",
    "correction",
    "not_personal_because",
]


def as_csv(entries: list[dict], not_personal: list[dict] | None = None) -> str:
    """One row per declared field, so a spreadsheet can filter by any column; then one per
    field said not to be personal data, with the reason."""
    if not_personal is None:
        not_personal = not_personal_data()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="")
    writer.writeheader()
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
                    "recipients": "; ".join(entry["recipients"]),
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
    return _("%(period)s from %(field)s, then %(then)s: %(reason)s") % {
        "period": retention["period"],
        "field": retention["counted_from_label"],
        "then": retention["then"],
        "reason": retention["reason"],
    }


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def as_markdown(entries: list[dict], not_personal: list[dict] | None = None) -> str:
    # Translated outside the f-strings: makemessages does not look inside them.
    t = {
        "title": _("Record of processing activities"),
        "purpose": _("Purpose"),
        "lawful_basis": _("Lawful basis"),
        "categories": _("Categories"),
        "recipients": _("Recipients"),
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
    }
    if not_personal is None:
        not_personal = not_personal_data()
    lines = [f"# {t['title']}", ""]
    for entry in entries:
        lines += [
            f"## {_md(entry['name'])} (`{entry['model']}`)",
            "",
            f"- **{t['data_subjects']}:** {_md(entry['data_subjects'])}",
            f"- **{t['purpose']}:** {_md(entry['purpose'])}",
            f"- **{t['lawful_basis']}:** {_md(entry['lawful_basis_label'])}",
            f"- **{t['categories']}:** {_md(', '.join(entry['categories']) or '—')}",
            f"- **{t['recipients']}:** {_md(', '.join(entry['recipients']) or '—')}",
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
    retention = declaration.retention
    if retention is None:
        if declaration.kept_while:
            return str(declaration.kept_while)
        return _("As long as you have an account, or until you ask us to delete it.")
    field = capfirst(str(declaration.model._meta.get_field(retention.from_field).verbose_name))
    return _("%(period)s, counted from “%(field)s”. Why: %(reason)s") % {
        "period": capfirst(retention.period_text),
        "field": field,
        "reason": retention.reason,
    }


def for_readers(declaration: PersonalData) -> dict:
    """One declaration in plain words: what, why, how long, who receives it."""
    return {
        "name": declaration.display_name,
        "purpose": declaration.purpose,
        "categories": [str(c) for c in declaration.categories],
        "fields": [declaration.field_label(n) for n in declaration.fields],
        "recipients": [str(r) for r in declaration.recipients],
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
    for declaration in registry.about_members():
        by_basis.setdefault(declaration.lawful_basis, []).append(for_readers(declaration))
    return [
        {"basis": basis, "title": title, "entries": by_basis[basis]}
        for basis, title in READER_GROUPS
        if basis in by_basis
    ]


def others_for_readers() -> list[dict]:
    """Data about people who are not members, for the public notice's heading of its own."""
    return [for_readers(declaration) for declaration in registry.about_others()]
