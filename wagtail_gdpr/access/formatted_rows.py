"""A declared section's CSV lines and data.json rows, written by PostgreSQL itself.

A member with a million rows would otherwise wait while Python formats every value twice. Here
one ``COPY (SELECT …) TO STDOUT`` returns, per row, the spreadsheet's line and the machine's JSON,
already in the form :class:`readable.Columns` gives them: labels for codes and related objects,
words where a declaration asks for them, times in the site's time zone to the second with their
offset, the day each row is kept until, and cells a spreadsheet cannot take for a formula.
What needs Python (a label, words, a retention date) is worked out once per distinct value or
per day, and sent along as parameters.

The files read the same as those the general path writes: the test suite compares both on
generated values. A section with a field not known here, or a database other than PostgreSQL,
takes the general path (:func:`formatter` answers ``None``).
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from itertools import islice

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DataError, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import spreadsheets
from wagtail_gdpr.readable import Column, Columns

#: Rows per block handed to the writer.
BLOCK_ROWS = 5000
#: Distinct values of one column whose labels or words Python works out; with more, the
#: section takes the general path rather than send a huge map.
MAX_LOOKUPS = 20_000

TEXT = "text"
INTEGER = "integer"
BOOLEAN = "boolean"
DECIMAL = "decimal"
DAY = "day"
MOMENT = "moment"
ADDRESS = "address"

_KINDS = {
    **dict.fromkeys(
        ["CharField", "TextField", "EmailField", "SlugField", "URLField", "UUIDField",
         "FilePathField", "FileField", "ImageField"],
        TEXT,
    ),
    **dict.fromkeys(
        ["IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
         "PositiveBigIntegerField", "PositiveSmallIntegerField", "AutoField", "BigAutoField",
         "SmallAutoField"],
        INTEGER,
    ),
    "BooleanField": BOOLEAN,
    "DecimalField": DECIMAL,
    "DateField": DAY,
    "DateTimeField": MOMENT,
    "GenericIPAddressField": ADDRESS,
}  # fmt: skip

#: Kinds whose values Python and PostgreSQL write as the same text: those looked up by value.
_LOOKED_UP = (TEXT, INTEGER, DAY)
#: The first characters a spreadsheet takes for a formula (``spreadsheets.FORMULA_STARTS``).
_FORMULA_CODES = ", ".join(str(ord(c)) for c in spreadsheets.FORMULA_STARTS)
_PLAIN_NUMBER = spreadsheets.PLAIN_NUMBER.pattern

#: How COPY's text format writes the characters it escapes (a backslash itself apart).
_COPY_ESCAPES = (
    (b"\\n", b"\n"), (b"\\r", b"\r"), (b"\\t", b"\t"),
    (b"\\b", b"\b"), (b"\\f", b"\f"), (b"\\v", b"\v"),
)  # fmt: skip
#: How COPY's text format writes NULL.
_COPY_NULL = b"\\N"


class Unsupported(Exception):
    """The section has a field this module cannot write as the general path does."""


def csv_cell(text: str) -> str:
    """One cell as the CSV writer writes it: safe for spreadsheets, quoted where needed."""
    text = spreadsheets.safe_cell(str(text))
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def kind_of(model_field: models.Field) -> str:
    """How a field's values are written; :class:`Unsupported` where not known here."""
    if model_field.is_relation:
        model_field = model_field.target_field
    kind = _KINDS.get(model_field.get_internal_type())
    if hasattr(model_field, "from_db_value"):
        kind = None  # a field that changes what it reads (decrypts, parses): Python reads it
    if kind == DECIMAL and (model_field.decimal_places or 0) > 6:
        kind = None  # Python writes 1E-7 where PostgreSQL writes 0.0000001
    if kind == MOMENT and not settings.USE_TZ:
        kind = None
    if kind is None:
        raise Unsupported(model_field.get_internal_type())
    return kind


def _lookup(mapping: dict, value: str, default_sql: str) -> tuple[str, list]:
    """SQL that reads ``mapping[value]`` (a string) from a JSON parameter, else ``default_sql``."""
    as_json = json.dumps({str(k): v for k, v in mapping.items()}, ensure_ascii=False)
    return f"coalesce((%s::jsonb) ->> ({value}::text), {default_sql})", [as_json]


def _spreadsheet_text(text: str) -> tuple[str, list]:
    """SQL: the text ``text`` (a column, not an expression) as a CSV cell, safe for
    spreadsheets and quoted where it holds a comma, a quote or a line break; NULL is empty."""
    safe = (
        f"CASE WHEN ascii({text}) IN ({_FORMULA_CODES}) AND NOT {text} ~ %s "
        f"THEN '''' || {text} ELSE {text} END"
    )
    needs_quotes = (
        f"strpos({text}, ',') + strpos({text}, '\"') + strpos({text}, chr(10)) "
        f"+ strpos({text}, chr(13)) > 0"
    )
    return (
        f"CASE WHEN {text} IS NULL THEN '' WHEN {needs_quotes} "
        f"THEN '\"' || replace({safe}, '\"', '\"\"') || '\"' ELSE {safe} END",
        [_PLAIN_NUMBER, _PLAIN_NUMBER],
    )


@dataclass
class _Cell:
    """One column of the section: how it is prepared once per row, then written both ways."""

    #: Computed once per row beneath the two writers (a time as text, a retention date).
    prepared: str = ""
    prepared_params: list = field(default_factory=list)
    csv: str = "''"
    csv_params: list = field(default_factory=list)
    json: str = "'null'"
    json_params: list = field(default_factory=list)


class _Section:
    """The SELECT that writes one declaration's rows: per row, the CSV line and the JSON row."""

    def __init__(self, reader: Columns, queryset: models.QuerySet, sql: str, params: list):
        self.reader = reader
        self.using = queryset.db
        self.inner_sql, self.inner_params = sql, params
        self.width = len(reader.values_names())
        self._distinct: dict[int, list] = {}

    def _raw(self, index: int) -> str:
        """A column's value: named alike in the rows and in the layer that prepares them."""
        return f"c{index}"

    def _rows(self) -> str:
        return f"({self.inner_sql}) AS r({', '.join(f'c{i}' for i in range(self.width))})"

    def _query(self, sql: str) -> list:
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, self.inner_params)
            return cursor.fetchall()

    def distinct(self, index: int) -> list:
        """The distinct values of the section's ``index``-th column, ``None`` among them if
        some rows have none."""
        if index in self._distinct:
            return self._distinct[index]
        values = self._query(
            f"SELECT DISTINCT {self._raw(index)} FROM {self._rows()} "  # noqa: S608
            f"LIMIT {MAX_LOOKUPS + 2}"
        )
        if sum(1 for (value,) in values if value is not None) > MAX_LOOKUPS:
            raise Unsupported("too many distinct values")
        self._distinct[index] = [row[0] for row in values]
        return self._distinct[index]

    # -- one column ----------------------------------------------------------------------------

    def cell(self, index: int, column: Column, out: str) -> _Cell:
        """``out`` names the prepared value in the outer query."""
        kind = kind_of(self.reader.declaration.model._meta.get_field(column.name))
        raw = self._raw(index)
        if column.related_model is not None:
            if column.words is not None:
                raise Unsupported("words for a related object")
            return self._related(index, column, kind, raw)
        cell = _Cell()
        # The spreadsheet's cell.
        if column.words is not None:
            if kind not in _LOOKED_UP:
                raise Unsupported("words for a field whose text differs between the two")
            values = self.distinct(index)
            words = {v: csv_cell(column.words(v) or "") for v in values if v is not None}
            sql, params = _lookup(words, raw, "''")
            none = csv_cell(column.words(None) or "") if None in values else ""
            cell.csv = f"CASE WHEN {raw} IS NULL THEN %s ELSE {sql} END"
            cell.csv_params = [none, *params]
        elif column.choices:
            if kind not in (TEXT, INTEGER):
                raise Unsupported("choices on a field that is neither text nor a number")
            labels = {k: csv_cell(v) for k, v in column.choices.items() if k}
            cell.csv, cell.csv_params = _lookup(labels, raw, "''")
        elif column.is_file:  # people and spreadsheets read the file's name; machines its path
            cell.prepared = f"regexp_replace({raw}, '^.*/', '')"
            cell.csv, cell.csv_params = _spreadsheet_text(out)
            cell.json = f"coalesce(to_json({raw}::text)::text, 'null')"
            return cell
        elif kind == BOOLEAN:
            cell.csv = f"CASE WHEN {raw} THEN %s WHEN NOT {raw} THEN %s ELSE '' END"
            cell.csv_params = [csv_cell(_("Yes")), csv_cell(_("No"))]
        elif kind == TEXT:
            cell.prepared = f"{raw}::text"
            cell.csv, cell.csv_params = _spreadsheet_text(out)
        # The machine's value.
        if column.choices:
            objects = {
                k: json.dumps({"code": k, "label": str(v)}, ensure_ascii=False,
                              separators=(",", ":"))
                for k, v in column.choices.items()
            }  # fmt: skip
            unknown = (
                f"'{{\"code\":' || {self._json_of(raw, kind)} || ',\"label\":' || "
                f"to_json({raw}::text)::text || '}}'"
            )
            sql, params = _lookup(objects, raw, unknown)
            empty = f"{raw} IS NULL" + (f" OR {raw} = ''" if kind == TEXT else "")
            cell.json = f"CASE WHEN {empty} THEN {self._json_of(raw, kind)} ELSE {sql} END"
            cell.json_params = params
        elif column.words is not None and kind == TEXT:
            values = {
                v: json.dumps(v, ensure_ascii=False) for v in self.distinct(index) if v is not None
            }
            cell.json, cell.json_params = _lookup(values, raw, "'null'")
        else:
            self._plain(cell, kind, raw, out)
        return cell

    def _plain(self, cell: _Cell, kind: str, raw: str, out: str):
        """A value as it is: text, a number, a yes or no, a day, a time, an address."""
        spreadsheet_set = cell.csv != "''"
        if kind == MOMENT:  # ISO 8601 in the session's time zone, to the second
            cell.prepared = f"to_json(date_trunc('second', {raw}))::text"
            cell.json = f"coalesce({out}, 'null')"
            if not spreadsheet_set:
                # Without the JSON's quotes, with a space for the T (faster than translate()).
                cell.csv = f"coalesce(replace(substr({out}, 2, length({out}) - 2), 'T', ' '), '')"
        elif kind in (DAY, DECIMAL, ADDRESS):
            cell.prepared = f"abbrev({raw})" if kind == ADDRESS else f"{raw}::text"
            cell.json = f"coalesce('\"' || {out} || '\"', 'null')"  # nothing to escape
            if not spreadsheet_set:
                cell.csv = f"coalesce({out}, '')"  # never quoted, never a formula
        elif kind == INTEGER:
            cell.json = f"coalesce({raw}::text, 'null')"
            if not spreadsheet_set:
                cell.csv = f"coalesce({raw}::text, '')"
        elif kind == BOOLEAN:
            cell.json = f"CASE WHEN {raw} THEN 'true' WHEN NOT {raw} THEN 'false' ELSE 'null' END"
        else:
            if not cell.prepared:
                cell.prepared = f"{raw}::text"
            cell.json = f"coalesce(to_json({out})::text, 'null')"

    def _json_of(self, raw: str, kind: str) -> str:
        if kind == INTEGER:
            return f"coalesce({raw}::text, 'null')"
        return f"coalesce(to_json({raw}::text)::text, 'null')"

    def _related(self, index: int, column: Column, kind: str, raw: str) -> _Cell:
        """A related object: by the field it shows, or by its ``__str__``, looked up once per
        object; for machines ``{"id": …, "label": …}``."""
        cell = _Cell()
        if column.shows_path:
            shown_field = column.related_model._meta.get_field(column.shows)
            if shown_field.is_relation or kind_of(shown_field) != TEXT:
                raise Unsupported("a shown field that is not text")
            shown = self._raw(self.reader.position(column.shows_path))
            csv, cell.csv_params = _spreadsheet_text(f"{shown}::text")
            cell.csv = f"CASE WHEN {raw} IS NULL THEN '' ELSE {csv} END"
            label = f"coalesce(to_json({shown}::text)::text, 'null')"
            cell.json = (
                f"CASE WHEN {raw} IS NULL THEN 'null' ELSE '{{\"id\":' || "
                f"{self._json_of(raw, kind)} || ',\"label\":' || {label} || '}}' END"
            )
            return cell
        if kind not in (TEXT, INTEGER):  # keys looked up by their text, as for words
            raise Unsupported("a related object whose key is neither text nor a number")
        pks = [pk for pk in self.distinct(index) if pk is not None]
        found = column.related_model._base_manager.in_bulk(pks)
        labels = {pk: str(found[pk]) if pk in found else _("(no longer exists)") for pk in pks}
        cell.csv, cell.csv_params = _lookup({k: csv_cell(v) for k, v in labels.items()}, raw, "''")
        objects = {
            pk: json.dumps({"id": pk if kind == INTEGER else str(pk), "label": label},
                           ensure_ascii=False, separators=(",", ":"))
            for pk, label in labels.items()
        }  # fmt: skip
        cell.json, cell.json_params = _lookup(objects, raw, "'null'")
        return cell

    # -- the day each row is kept until --------------------------------------------------------

    def kept_until(self, out: str) -> _Cell:
        """The retention's end per row: the days are worked out in Python, one per step of
        :func:`kept_until_steps`, and PostgreSQL finds each row's step with ``width_bucket``."""
        start = self._raw(self.reader.position(self.reader.kept_from))
        first, last = self._query(f"SELECT min({start}), max({start}) FROM {self._rows()}")[0]  # noqa: S608
        if first is None:
            return _Cell()
        bounds, days = kept_until_steps(self.reader, first, last)
        bounds_type = "timestamptz[]" if isinstance(first, datetime) else "date[]"
        return _Cell(
            prepared=f"((%s::date[])[width_bucket({start}, %s::{bounds_type})])::text",
            prepared_params=[days, bounds],
            csv=f"coalesce({out}, '')",
            json=f"coalesce('\"' || {out} || '\"', 'null')",
        )

    # -- the whole row -------------------------------------------------------------------------

    def select(self) -> tuple[str, list]:
        cells = [self.cell(i, column, f"p{i}") for i, column in enumerate(self.reader.columns)]
        if self.reader.kept_from:
            cells.append(self.kept_until(f"p{len(cells)}"))
        if len(cells) == 1:  # a row of one empty cell is written as ""
            only = cells[0]
            only.csv = f"CASE WHEN ({only.csv}) = '' THEN '\"\"' ELSE ({only.csv}) END"
            only.csv_params = only.csv_params * 2
        line = " || ',' || ".join(f"({c.csv})" for c in cells)  # its CRLF: _split_block
        row = "'[' || " + " || ',' || ".join(f"({c.json})" for c in cells) + " || ']'"
        # Each prepared value is computed once, beneath both writers: OFFSET 0 keeps the layer
        # from being merged into the one above, which would compute it for each use.
        prepared = ", ".join(f"{c.prepared or 'NULL'} AS p{i}" for i, c in enumerate(cells))
        values = ", ".join(self._raw(i) for i in range(self.width))
        sql = (
            f"SELECT {line}, {row} "  # noqa: S608
            f"FROM (SELECT {values}, {prepared} FROM {self._rows()} OFFSET 0) AS s"
        )
        params = [p for c in cells for p in c.csv_params]
        params += [p for c in cells for p in c.json_params]
        params += [p for c in cells for p in c.prepared_params]
        return sql, [*params, *self.inner_params]


def kept_until_steps(reader: Columns, first, last) -> tuple[list, list]:
    """``(bounds, days)``: a row whose retention counts from ``bounds[i]`` or later, and from
    before ``bounds[i + 1]``, is kept until ``days[i]``.

    A later start never gives an earlier day, so each day of the range is read at its end, and
    where the day moved, the moment it moves is found: the retention's own cutoff for the
    first moment of the new day, checked, else by halving.
    """
    kept_until = reader.kept_until_of
    bounds, days = [first], [kept_until(first)]
    step = timedelta(days=1)
    finest = timedelta(microseconds=1) if isinstance(first, datetime) else step

    def first_moment_kept_until(day, low, high):
        if finest == step:
            return high
        midnight = timezone.make_aware(datetime.combine(day, time()))
        guess = reader.declaration.retention.cutoff(midnight)
        if low < guess <= high and kept_until(guess) >= day > kept_until(guess - finest):
            return guess
        while high - low > finest:  # the cutoff did not say: halve
            middle = low + (high - low) / 2
            low, high = (low, middle) if kept_until(middle) >= day else (middle, high)
        return high

    low = first
    while low < last:
        high = min(low + step, last)
        while kept_until(high) != days[-1]:
            day = min(days[-1] + timedelta(days=1), kept_until(high))
            moment = first_moment_kept_until(day, low, high)
            bounds.append(moment)
            days.append(kept_until(moment))
            low = moment
        low = high
    return bounds, days


@contextmanager
def snapshot(queryset: models.QuerySet | None):
    """One view of a section's rows for all the database reads of them (their labels, words and
    days, the rows people read, the COPY): a REPEATABLE READ transaction where none is open yet,
    so that rows added or changed meanwhile are neither half-written nor given another's day.
    Yields ``True`` where the database may write the section (a declared one, on PostgreSQL)."""
    if queryset is None or connections[queryset.db].vendor != "postgresql":
        yield None
        return
    connection = connections[queryset.db]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=queryset.db):
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield True


def formatter(reader: Columns, queryset: models.QuerySet) -> Callable | None:
    """``fn() -> Iterator[(CSV lines, JSON rows, count)]`` for this section's rows, or ``None``
    where the general path writes them (another database, a field not known here, a time zone
    the database does not know by its name)."""
    if connections[queryset.db].vendor != "postgresql" or not _knows_zone(queryset.db):
        return None
    try:
        sql, params = queryset.values_list(*reader.values_names()).query.sql_with_params()
    except EmptyResultSet:
        return None
    try:
        select = _Section(reader, queryset, sql, list(params)).select()
    except Unsupported:
        return None
    return partial(_blocks, queryset.db, *select)


def _knows_zone(using: str) -> bool:
    """Whether PostgreSQL knows the reader's time zone by the name Python gives it. A fixed
    offset ("UTC+02:00") is not a zone's name: PostgreSQL would read its sign the POSIX way."""
    zone = timezone.get_current_timezone()
    if not isinstance(zone, zoneinfo.ZoneInfo) or not zone.key:
        return False
    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT now() AT TIME ZONE %s", [zone.key])
    except DataError:  # "time zone … not recognized"; a lost connection is not a no
        return False
    return True


def _split_block(messages: list) -> tuple[bytes, bytes]:
    """A block of COPY's text-format rows (``line TAB json LF`` each) as its CSV lines, each
    ended with CRLF here, and its JSON rows joined by commas.

    In that format a tab or a line feed inside a value is escaped, so the raw ones split the
    rows and their two values; the escapes, rare once the lines' own CRLF is left out of the
    database's text, are undone on the joined texts.
    """
    if not messages:
        return b"", b""
    values = b"".join(messages).replace(b"\t", b"\n").split(b"\n")
    if len(values) != 2 * len(messages) + 1:
        raise ValueError("a row was not written as a CSV line and a JSON row")
    if _COPY_NULL in values:
        raise ValueError("a row was written as NULL")
    lines = b"\r\n".join(values[0:-1:2]) + b"\r\n"
    return _unescape(lines), _unescape(b",".join(values[1:-1:2]))


def _unescape(text: bytes) -> bytes:
    """Undo COPY's text-format escapes. Each backslash in ``text`` begins an escape, so the
    doubled ones (a backslash in the value) are set aside first, as NUL, which no PostgreSQL
    text holds."""
    if b"\\" not in text:
        return text
    text = text.replace(b"\\\\", b"\0")
    for escaped, character in _COPY_ESCAPES:
        if escaped in text:
            text = text.replace(escaped, character)
    return text.replace(b"\0", b"\\")


def _blocks(using: str, sql: str, params: list) -> Iterator[tuple[str, str, int]]:
    """The rows in blocks of :data:`BLOCK_ROWS`: CSV lines, and JSON rows joined by commas.

    Times are written in the reader's time zone, so the transaction's is set for the COPY
    (``set_config(…, true)``: a pooler in transaction mode keeps it with the COPY) and put back
    after it, however it ends. No other query may use the connection until the blocks end.
    The rows come in COPY's text format, a row a message, and are read a block at a time with
    a few operations on the whole block, none per row: see :func:`_split_block`.
    """
    connection = connections[using]
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('TimeZone'), current_setting('DateStyle'), "
            "set_config('TimeZone', %s, true), set_config('DateStyle', 'ISO, YMD', true)",
            [timezone.get_current_timezone_name()],
        )
        before = cursor.fetchone()[:2]

        def put_back():
            cursor.execute(
                "SELECT set_config('TimeZone', %s, true), set_config('DateStyle', %s, true)",
                before,
            )

        try:
            with cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
                # Each row copied at once: psycopg's views hold libpq's buffers, and holding
                # a block of them took a million rows from 2.4 s to 4 s.
                while messages := [bytes(m) for m in islice(copy, BLOCK_ROWS)]:
                    lines, rows = _split_block(messages)
                    yield lines.decode(), rows.decode(), len(messages)
        except BaseException:
            with suppress(Exception):  # a failed transaction refuses it; the error matters more
                put_back()
            raise
        put_back()
