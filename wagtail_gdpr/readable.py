"""Stored values in words: the one place that turns what the database holds into what people read.

Members never see an id, a code, JSON or a Python repr: a related object is shown by its label
(its ``__str__``, or the field a declaration names with ``Field(shows=...)``), a choice by its
display value, a boolean as Yes or No, a time in the reader's time zone and language with the
zone and without microseconds, a shortened network address as shortened. Three readers, three
forms of the same value:

- people (pages, emails, a copy's ``index.html``): :meth:`Columns.for_people`;
- spreadsheets (a copy's CSV files): labels and words, times as ISO 8601 with their offset;
- machines (a copy's ``data.json``): ISO 8601 with offset, codes beside their labels.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from wagtail_gdpr.anonymisers import truncate_ip
from wagtail_gdpr.registry import PersonalData, registry
from wagtail_gdpr.tables import ConsentPurpose, ConsentRecord, DataSubjectRequest

EMPTY = "—"

SHORTENED_IP_NOTE = gettext_lazy(
    "Network addresses are stored shortened: the last part is set to zero, so that they "
    "point to a network of many devices rather than to yours. We keep them like this to spot "
    "misuse of your account."
)


# -- single values, for people ---------------------------------------------------------------


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def moment(value: datetime) -> str:
    """A time in the reader's time zone and language, with the zone: "1 Dec 2026, 19:37 CET"."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = formats.date_format(value, "DATETIME_FORMAT")
    zone = value.tzname() if timezone.is_aware(value) else ""
    return f"{text} {zone}".strip()


def day(value: date) -> str:
    return formats.date_format(local_day(value), "DATE_FORMAT")


def parse_day(value) -> date:
    """A date kept as ISO text (in receipts and plans), or a date already."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def local_day(value: date | datetime) -> date:
    """The calendar day of ``value`` in the reader's time zone."""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def key_in_words(key) -> str:
    """A data key as a heading: ``shipping_address`` → "Shipping address"."""
    return capfirst(str(key).replace("_", " ").replace("-", " ").strip())


def mapping_in_words(value: dict) -> str:
    return "; ".join(f"{key_in_words(k)}: {in_words(v)}" for k, v in value.items())


def in_words(value) -> str:
    """Any stored value as people read it; never a repr."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, Decimal | float | int):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, dict):
        return mapping_in_words(value) or EMPTY
    if isinstance(value, list | tuple | set):
        return ", ".join(in_words(v) for v in value) or EMPTY
    return str(value)


def is_shortened_ip(value) -> bool:
    """Is this a network address in the shortened form the add-on stores?"""
    if not value:
        return False
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return truncate_ip(str(value)) == str(value)


def ip_in_words(value) -> str:
    if not value:
        return EMPTY
    if is_shortened_ip(value):
        return _("%(address)s (shortened)") % {"address": value}
    return str(value)


# -- single values, for machines and spreadsheets --------------------------------------------


def iso_moment(value: datetime, zone=None) -> str:
    """ISO 8601 in the site's time zone (``zone``, where the caller has looked it up once for
    many values), with its offset, to the second."""
    if value.utcoffset() is not None:
        value = value.astimezone(zone or timezone.get_current_timezone())
    return value.replace(microsecond=0).isoformat()


def for_machines(value):
    """A JSON-ready value: times as ISO 8601 with offset, decimals as text, the rest as is."""
    if isinstance(value, datetime):
        return iso_moment(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def for_spreadsheets(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return iso_moment(value).replace("T", " ")
    if isinstance(value, date | time | Decimal):
        return for_machines(value)
    if isinstance(value, dict | list):
        return in_words(value)
    return str(value)


# -- the columns of one declaration -----------------------------------------------------------


@dataclass
class Column:
    """One exported field and how its values read."""

    name: str
    label: str
    #: code -> label, for fields with choices.
    choices: dict = field(default_factory=dict)
    #: For a foreign key: the related model, and the field shown instead of ``__str__``.
    related_model: type[models.Model] | None = None
    shows: str | None = None
    is_ip: bool = False
    is_file: bool = False
    #: ``fn(value) -> str`` for people, from ``Field(words=...)``.
    words: Callable | None = None

    @property
    def is_plain(self) -> bool:
        """Its values read as they are, with no label, code or file name to look up."""
        return not (self.words or self.related_model or self.choices or self.is_file)

    @property
    def shows_path(self) -> str | None:
        return f"{self.name}__{self.shows}" if self.related_model and self.shows else None


def _column(declaration: PersonalData, name: str) -> Column:
    model_field = declaration.model._meta.get_field(name)
    spec = declaration.fields[name]
    is_relation = model_field.is_relation and model_field.related_model is not None
    return Column(
        name=name,
        label=declaration.field_label(name),
        choices={k: str(v) for k, v in model_field.flatchoices} if model_field.choices else {},
        related_model=model_field.related_model if is_relation else None,
        shows=spec.shows if is_relation else None,
        is_ip=isinstance(model_field, models.GenericIPAddressField),
        is_file=isinstance(model_field, models.FileField),
        words=spec.words,
    )


class Columns:
    """How one declaration's rows read: ``values_names()`` to query, then each row in the form
    its reader needs. Labels of related objects are looked up once per batch of rows."""

    def __init__(self, declaration: PersonalData):
        self.declaration = declaration
        self.columns = [_column(declaration, n) for n in declaration.export_field_names()]
        self._plain = [column.is_plain for column in self.columns]
        self._extra = [c.shows_path for c in self.columns if c.shows_path]
        retention = declaration.retention
        self.kept_from = retention.from_field if retention is not None else None
        if self.kept_from and self.kept_from not in self.names:
            self._extra.append(self.kept_from)
        self._labels: dict[type, dict] = {}
        #: Where in a row the retention's date is.
        self._kept_index = None
        if self.kept_from in self.names:
            self._kept_index = self.names.index(self.kept_from)
        elif self.kept_from:
            self._kept_index = len(self.columns) + self._extra.index(self.kept_from)
        #: The site's time zone, looked up once per batch (:meth:`prepare`).
        self._zone = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def position(self, name: str) -> int:
        """Where the value of ``name`` (a field, a shown label's path, the retention's date) is
        in a row of :meth:`values_names`."""
        return self.values_names().index(name)

    def values_names(self) -> list[str]:
        """What to pass to ``values_list()``: the fields, then shown labels and the date the
        retention counts from."""
        return self.names + self._extra

    @property
    def notes(self) -> list[str]:
        """Footnotes a table of these rows needs."""
        return [str(SHORTENED_IP_NOTE)] if any(c.is_ip for c in self.columns) else []

    # -- batches ---------------------------------------------------------------------------

    def prepare(self, rows: Sequence[Sequence]) -> None:
        """Look up the labels of the related objects these rows point to, in one query each."""
        self._zone = timezone.get_current_timezone()
        for index, column in enumerate(self.columns):
            if column.related_model is None or column.shows:
                continue
            known = self._labels.setdefault(column.related_model, {})
            wanted = {row[index] for row in rows if row[index] is not None} - known.keys()
            if wanted:
                found = column.related_model._base_manager.in_bulk(wanted)
                known.update({pk: str(obj) for pk, obj in found.items()})

    def _label_of(self, column: Column, index: int, row) -> str | None:
        value = row[index]
        if value is None:
            return None
        if column.shows_path:
            shown = row[len(self.columns) + self._extra.index(column.shows_path)]
            return None if shown is None else str(shown)
        return self._labels.get(column.related_model, {}).get(value, _("(no longer exists)"))

    # -- one row, three readers --------------------------------------------------------------

    def for_people(self, row) -> list[str]:
        cells = []
        for index, column in enumerate(self.columns):
            value = row[index]
            if column.words is not None:
                cells.append(column.words(value) or EMPTY)
            elif column.related_model is not None:
                cells.append(self._label_of(column, index, row) or EMPTY)
            elif column.choices:
                cells.append(column.choices.get(value, in_words(value)) if value else EMPTY)
            elif column.is_ip:
                cells.append(ip_in_words(value))
            elif column.is_file:
                cells.append(str(value).rsplit("/", 1)[-1] if value else EMPTY)
            else:
                cells.append(in_words(value))
        return cells

    def for_spreadsheets(self, row) -> list[str]:
        return [self._for_spreadsheets(i, c, row) for i, c in enumerate(self.columns)]

    def for_machines(self, row) -> list:
        """Codes beside their labels: ``{"code": "open", "label": "Open"}``; a related object
        as ``{"id": 12, "label": "PO-10017"}``."""
        return [self._for_machines(i, c, row) for i, c in enumerate(self.columns)]

    def for_files(self, row) -> tuple[list, list]:
        """``(for_spreadsheets(row), for_machines(row))`` in one pass: a copy writes every row
        both ways, and each time is put in the site's time zone once for both."""
        zone = self._zone or timezone.get_current_timezone()
        spreadsheet, machine = [], []
        for index, (column, plain) in enumerate(zip(self.columns, self._plain, strict=True)):
            value = row[index]
            if plain and isinstance(value, datetime):
                moment = iso_moment(value, zone)
                spreadsheet.append(moment.replace("T", " "))
                machine.append(moment)
                continue
            spreadsheet.append(self._for_spreadsheets(index, column, row))
            machine.append(self._for_machines(index, column, row))
        return spreadsheet, machine

    def _for_spreadsheets(self, index: int, column: Column, row) -> str:
        value = row[index]
        if column.words is not None:
            return column.words(value) or ""
        if column.related_model is not None:
            return self._label_of(column, index, row) or ""
        if column.choices:
            return column.choices.get(value, "") if value else ""
        if column.is_file:
            return str(value).rsplit("/", 1)[-1] if value else ""
        return for_spreadsheets(value)

    def _for_machines(self, index: int, column: Column, row):
        value = row[index]
        if column.related_model is not None and value is not None:
            return {"id": value, "label": self._label_of(column, index, row)}
        if column.choices and value not in (None, ""):
            return {"code": value, "label": column.choices.get(value, str(value))}
        return for_machines(value)

    def kept_until(self, row) -> date | None:
        """The day this row's retention ends, from the row's own date; ``None`` if not yet
        known (its date is empty) or the declaration has no retention rule."""
        if self._kept_index is None:
            return None
        return self.kept_until_of(row[self._kept_index])

    def kept_until_of(self, start: date | datetime | None) -> date | None:
        """The day a row whose retention counts from ``start`` is kept until."""
        if start is None:
            return None
        expires = self.declaration.retention.expires(start)
        if isinstance(expires, datetime):
            if expires.utcoffset() is not None:
                expires = expires.astimezone(self._zone or timezone.get_current_timezone())
            return expires.date()
        return expires


def batches(rows: Iterable, size: int) -> Iterable[list]:
    """``rows`` in lists of at most ``size``, for :meth:`Columns.prepare`."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- what the add-on's own records hold, in words ---------------------------------------------

_REQUEST_DETAIL = re.compile(r"^(?P<kind>[a-z_]+) #\d+$")
_CONSENT_DETAIL = re.compile(r"^(?P<slug>[-\w]+): (?P<action>[a-z]+)$")
_CHANGE_DETAIL = re.compile(r"^(?P<model>\w+)\.(?P<field>\w+)$")


def purpose_name(slug: str) -> str:
    """A consent purpose's name in the reader's language, from its slug."""
    purpose = ConsentPurpose.objects.filter(slug=slug).order_by("pk").first()
    if purpose is None:
        return key_in_words(slug)
    return str(getattr(purpose, "localized", purpose).name)


def activity_detail_in_words(detail: str) -> str:
    """An activity line's detail ("access #12", "newsletter: given", "MemberProfile.phone"),
    which is recorded without personal data, as a member reads it."""
    if not detail:
        return ""
    kinds = dict(DataSubjectRequest.KINDS)
    actions = dict(ConsentRecord.ACTIONS)
    if match := _REQUEST_DETAIL.match(detail):
        return str(kinds.get(match["kind"], key_in_words(match["kind"])))
    if match := _CONSENT_DETAIL.match(detail):
        action = actions.get(match["action"], key_in_words(match["action"]))
        return f"{purpose_name(match['slug'])}: {action}"
    if match := _CHANGE_DETAIL.match(detail):
        for declaration in registry:
            if (
                declaration.model.__name__ == match["model"]
                and match["field"] in declaration.fields
            ):
                return f"{declaration.display_name}: {declaration.field_label(match['field'])}"
    if detail == "erasure confirmation":
        return _("When confirming an erasure")
    return key_in_words(detail)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def stored_in_words(value) -> str:
    """A value kept as JSON (a correction's old and new value): ISO dates and times as dates
    and times, the rest as :func:`in_words` says."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        return day(date.fromisoformat(value))
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment_value = parse_datetime(value)
        if moment_value is not None:
            return moment(moment_value)
    return in_words(value)


def language_name(code: str) -> str:
    """A language code ("sv") as the language's name in the reader's language ("Swedish")."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def request_details_in_words(payload) -> str:
    """What a request asked for, from its stored details: the correction (field, old and new
    value, the member's reason) or the purpose a restriction or objection is about; nothing of
    the add-on's own bookkeeping."""
    if not isinstance(payload, dict) or not payload:
        return ""
    parts = []
    if payload.get("label"):
        new = payload.get("proposed", payload.get("new"))
        parts.append(
            _("%(field)s: from “%(old)s” to “%(new)s”")
            % {
                "field": payload["label"],
                "old": stored_in_words(payload.get("old")),
                "new": stored_in_words(new),
            }
        )
    if payload.get("purpose_name"):
        parts.append(_("For: %(purpose)s") % {"purpose": payload["purpose_name"]})
    if payload.get("reason"):
        parts.append(_("Your reason: %(reason)s") % {"reason": payload["reason"]})
    return "; ".join(parts)


def shown_text(text: str) -> str:
    """A text kept in the consent ledger, as the member read it.

    Notice versions published before the notice was kept as plain text were kept as the page's
    JSON (title, summary, StreamField body): those are turned into text here.
    """
    if not text.startswith("{"):
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict) or "body" not in data:
        return text
    parts = [str(data.get("title") or ""), str(data.get("summary") or "")]
    parts.extend(_stream_text(data.get("body")))
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _stream_text(value) -> list[str]:
    """The words of a StreamField's stored JSON: strings, without markup, ids or block types."""
    if isinstance(value, str):
        text = " ".join(strip_tags(value).split())
        return [text] if text else []
    if isinstance(value, dict):
        inner = value["value"] if "type" in value and "value" in value else value
        if inner is value:
            return [t for v in value.values() for t in _stream_text(v)]
        return _stream_text(inner)
    if isinstance(value, list):
        return [t for v in value for t in _stream_text(v)]
    return []


def json_text(value) -> str:
    """JSON for a machine-readable cell that must be text (never Python's repr)."""
    return json.dumps(for_machines(value), ensure_ascii=False, default=str)
