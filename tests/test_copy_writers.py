"""A copy's CSV files and data.json read the same whoever writes them: Python, row by row, or
PostgreSQL, in one COPY (``access.formatted_rows``). Both are run on generated values of every
kind of field, in time zones with odd offsets, and must give the same text to the byte."""

from __future__ import annotations

import bisect
import csv
import io
import json
import os
import uuid
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone
from unittest import mock

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access_helpers import make_member, private_reports  # noqa: F401 (fixture)
from tests.consent_helpers import restored_registry
from tests.testapp.models import Booking, Shop
from wagtail_gdpr import access, readable, spreadsheets
from wagtail_gdpr.access import formatted_rows
from wagtail_gdpr.access.report import ReportSection, _row_forms
from wagtail_gdpr.registry import (
    AFTER_FINANCIAL_YEAR,
    CONTRACT,
    DELETE,
    Field,
    PersonalData,
    Retention,
)

ON_POSTGRESQL = connection.vendor == "postgresql"

EXAMPLES = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

#: Text as members and browsers type it: formulas, quotes, commas, line breaks, backslashes,
#: control characters, other scripts. PostgreSQL text holds no NUL and no lone surrogate.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=24),
    st.sampled_from(
        ["=HYPERLINK(\"x\")", "+1", "-12.5", "-12\n", "@SUM(A1)", "\tx", "\rx", 'say "hi"',
         "a,b", "line\r\nbreak", "back\\slash", "\\N", "a\tb\x08\x0b\x0c", "\x01\x1f", "ä\u2028",
         ""]
    ),
)  # fmt: skip
MOMENTS = st.datetimes(
    min_value=datetime(1850, 1, 1), max_value=datetime(2200, 12, 31), timezones=st.just(UTC)
)
DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31))
START_MOMENTS = st.datetimes(
    min_value=datetime(1890, 1, 1), max_value=datetime(2150, 1, 1), timezones=st.just(UTC)
)
ZONES = st.sampled_from(
    ["UTC", "Europe/Stockholm", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"]
)


def booking_rows(shops):
    return st.fixed_dictionaries(
        {
            "shop": st.sampled_from([None, *shops]),
            "shop_named": st.sampled_from([None, *shops]),
            "status": st.sampled_from(["", "open", "paid", "cancelled", "gone"]),
            "size": st.sampled_from([None, 0, 1, 2, 7]),
            "remark": TEXT,
            "code": st.none() | TEXT,
            "seats": st.none() | st.integers(-(2**63), 2**63 - 1),
            "confirmed": st.sampled_from([None, True, False]),
            "price": st.none()
            | st.decimals(-(10**11), 10**11, places=2, allow_nan=False, allow_infinity=False),
            "day": st.none() | DAYS,
            "moment": st.none() | MOMENTS,
            "origin": st.none() | st.ip_addresses().map(str),
            "token": st.none() | st.uuids(),
            "ticket": st.sampled_from(["", "tickets/a.pdf", "tickets/x/=y,z.pdf", "plain"]),
            "booked_on": st.dates(min_value=date(1900, 1, 1), max_value=date(2150, 1, 1)),
            "booked_at": START_MOMENTS,
        }
    )


def declaration(retention: Retention | None):
    class BookingData(PersonalData):
        subject = "member"
        purpose = "Bookings"
        lawful_basis = CONTRACT
        fields = {
            "shop": Field(),
            "shop_named": Field(shows="name"),
            "status": Field(),
            "size": Field(),
            "remark": Field(words=lambda v: f"«{v}»" if v else ""),
            "code": Field(),
            "seats": Field(words=lambda v: "" if v is None else f"{v:,} seats"),
            "confirmed": Field(),
            "price": Field(),
            "day": Field(),
            "moment": Field(),
            "origin": Field(),
            "token": Field(),
            "ticket": Field(),
            "booked_at": Field(),
        }
        on_erasure = DELETE

    BookingData.retention = retention
    return BookingData


RETENTIONS = st.sampled_from(
    [
        None,
        Retention(years=1, from_field="booked_at", reason="r", then=DELETE),
        Retention(months=1, days=3, from_field="booked_at", reason="r", then=DELETE),
        Retention(months=13, from_field="booked_on", reason="r", then=DELETE),
        Retention(
            years=2, from_field="booked_at", reason="r", then=DELETE, counted=AFTER_FINANCIAL_YEAR
        ),
    ]
)


def by_python(reader: readable.Columns, queryset) -> tuple[str, str]:
    """The general path's CSV lines and JSON rows (report.py writes them the same way)."""
    section = ReportSection(
        key="bookings",
        name="Bookings",
        columns=[],
        rows=queryset.values_list(*reader.values_names()).iterator(),
        reader=reader,
    )
    lines = io.StringIO(newline="")
    writer = spreadsheets.writer(lines)
    encoder = json.JSONEncoder(
        ensure_ascii=False, separators=(",", ":"), default=DjangoJSONEncoder().default
    )
    rows = []
    for _people, spreadsheet, machine in _row_forms(section, section.rows, people_rows=0):
        writer.writerow(spreadsheet)
        rows.append(encoder.encode(machine))
    return lines.getvalue(), ",".join(rows)


def by_postgresql(reader: readable.Columns, queryset) -> tuple[str, str]:
    write = formatted_rows.formatter(reader, queryset)
    assert write is not None, "PostgreSQL should write this section"
    lines, rows = [], []
    for block_lines, block_rows, _count in write():
        lines.append(block_lines)
        rows.append(block_rows)
    return "".join(lines), ",".join(rows)


@pytest.fixture
def shops(db):
    return [Shop.objects.create(name='Corner, "shop"'), Shop.objects.create(name="=Tools")]


@pytest.mark.django_db
@EXAMPLES
@given(data=st.data(), zone=ZONES, retention=RETENTIONS, language=st.sampled_from(["en", "sv"]))
def test_both_writers_give_the_same_files(shops, data, zone, retention, language):
    member = make_member(f"writer-{uuid.uuid4().hex[:8]}")
    rows = data.draw(st.lists(booking_rows(shops), min_size=1, max_size=12))
    Booking.objects.bulk_create([Booking(member=member, **row) for row in rows])
    with (
        restored_registry() as registry,
        timezone.override(zone),
        translation.override(language),
        mock.patch.object(formatted_rows, "BLOCK_ROWS", 5),  # rows across blocks too
    ):
        registry.register(Booking, declaration(retention))
        reader = readable.Columns(registry.get(Booking))
        queryset = registry.get(Booking).rows_for(member)
        python_csv, python_json = by_python(reader, queryset)
        if not ON_POSTGRESQL:  # elsewhere Python writes every copy
            assert formatted_rows.formatter(reader, queryset) is None
        else:
            postgresql_csv, postgresql_json = by_postgresql(
                readable.Columns(reader.declaration), queryset
            )
            assert postgresql_csv == python_csv
            assert postgresql_json == python_json
    # And both are what they claim to be: one CSV row and one JSON row per booking.
    assert len(list(csv.reader(io.StringIO(python_csv, newline="")))) == len(rows)
    assert len(json.loads(f"[{python_json}]")) == len(rows)


# -- the day each row is kept until, as steps -------------------------------------------------


@EXAMPLES
@given(
    zone=ZONES,
    retention=RETENTIONS.filter(lambda r: r is not None),
    first=START_MOMENTS,
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=120)),
    probes=st.lists(st.floats(0, 1), min_size=1, max_size=40),
)
def test_the_steps_give_each_start_its_own_day(zone, retention, first, span, probes):
    """Every moment between the first and the last start is in the step of its own day."""
    reader = readable.Columns(declaration(retention)(Booking))
    last = first + span
    if retention.from_field == "booked_on":
        first, last = first.date(), last.date()
    with timezone.override(zone):
        bounds, days = formatted_rows.kept_until_steps(reader, first, last)
        assert bounds == sorted(set(bounds)), "the steps go forward"
        for share in [0.0, 1.0, *probes]:
            moment = first + (last - first) * share
            if not isinstance(first, datetime):
                moment = first + timedelta(days=round((last - first).days * share))
            step = bisect.bisect_right(bounds, moment) - 1
            assert days[step] == reader.kept_until_of(min(moment, last))


# -- where PostgreSQL does not write, and how its session is left ------------------------------


def _session_settings():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone'), current_setting('DateStyle')")
        return cursor.fetchone()


@pytest.mark.django_db
def test_a_field_not_known_here_takes_the_general_path():
    """A request's details are JSON: Python writes that section, as it always did."""
    from wagtail_gdpr.models import DataSubjectRequest
    from wagtail_gdpr.registry import registry

    member = make_member()
    requests = registry.get(DataSubjectRequest)
    reader = readable.Columns(requests)
    assert "details" in reader.names or "payload" in reader.names
    assert formatted_rows.formatter(reader, requests.rows_for(member)) is None


@pytest.mark.django_db
def test_too_many_distinct_values_to_look_up_take_the_general_path(monkeypatch, shops):
    member = make_member()
    Booking.objects.create(member=member, remark="one")
    Booking.objects.create(member=member, remark="two")
    with restored_registry() as registry:
        registry.register(Booking, declaration(None))
        reader = readable.Columns(registry.get(Booking))
        queryset = registry.get(Booking).rows_for(member)
        if ON_POSTGRESQL:
            assert formatted_rows.formatter(reader, queryset) is not None
        monkeypatch.setattr(formatted_rows, "MAX_LOOKUPS", 1)
        assert formatted_rows.formatter(reader, queryset) is None


@pytest.mark.django_db
def test_the_session_keeps_its_time_zone_however_the_copy_ends(monkeypatch, shops):
    member = make_member()
    Booking.objects.bulk_create(
        Booking(member=member, remark=str(n), moment=timezone.now()) for n in range(12)
    )
    with restored_registry() as registry, timezone.override("Asia/Kolkata"):
        registry.register(Booking, declaration(None))
        reader = readable.Columns(registry.get(Booking))
        write = formatted_rows.formatter(reader, registry.get(Booking).rows_for(member))
        if not ON_POSTGRESQL:
            assert write is None
            return
        before = _session_settings()
        [(lines, rows, count)] = list(write())  # to the end
        assert count == 12 and "+05:30" in lines and "+05:30" in rows
        assert _session_settings() == before
        monkeypatch.setattr(formatted_rows, "BLOCK_ROWS", 5)
        blocks = write()
        next(blocks)  # stopped half-way: the reader lost interest
        blocks.close()
        assert _session_settings() == before
        with pytest.raises(DataError), transaction.atomic():  # the database refused the rows
            list(formatted_rows._blocks(connection.alias, "SELECT 1 / 0, 'x'", []))
        assert _session_settings() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "zone",
    [dt_timezone(timedelta(hours=2)), zoneinfo.ZoneInfo("UTC")],
    ids=["a fixed offset", "a zone's name"],
)
def test_a_time_zone_without_a_name_the_database_knows_takes_the_general_path(zone, shops):
    member = make_member()
    Booking.objects.create(member=member, moment=timezone.now())
    with restored_registry() as registry, timezone.override(zone):
        registry.register(Booking, declaration(None))
        reader = readable.Columns(registry.get(Booking))
        write = formatted_rows.formatter(reader, registry.get(Booking).rows_for(member))
        named = isinstance(zone, zoneinfo.ZoneInfo)
        assert (write is not None) == (named and ON_POSTGRESQL)


@pytest.mark.django_db(transaction=True)
def test_the_database_reads_a_section_in_one_snapshot():
    """Labels, days and rows are read in one REPEATABLE READ transaction where none is open."""
    member = make_member()
    queryset = Booking.objects.filter(member=member)
    with formatted_rows.snapshot(queryset) as in_one_statement:
        if not ON_POSTGRESQL:
            assert in_one_statement is None
            return
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone()[0] == "repeatable read"
    with formatted_rows.snapshot(None) as in_one_statement:  # a hook's section
        assert in_one_statement is None


def test_a_row_the_database_wrote_as_null_is_refused():
    """COPY writes NULL as ``\\N``; a value that reads so is written ``\\\\N``."""
    assert formatted_rows._split_block([b"a\\\\N\\tb\t[1]\n"]) == (b"a\\N\tb\r\n", b"[1]")
    with pytest.raises(ValueError):
        formatted_rows._split_block([b"\\N\t[1]\n"])
    with pytest.raises(ValueError):
        formatted_rows._split_block([b"a\n"])  # one value, not two
    assert formatted_rows._split_block([]) == (b"", b"")


class Upper(models.TextField):
    """A field that changes what it reads, as encrypting fields do."""

    def from_db_value(self, value, expression, connection):
        return value.upper() if value else value


def test_a_field_that_changes_what_it_reads_is_read_by_python():
    with pytest.raises(formatted_rows.Unsupported):
        formatted_rows.kind_of(Upper())
    assert formatted_rows.kind_of(models.TextField()) == formatted_rows.TEXT


@pytest.mark.django_db
def test_words_where_python_and_the_database_agree(shops):
    """Words are asked only of values some row holds, may be lazy, and never of a related
    object (Python writes that section: its words win over the object's label)."""
    member = make_member()
    Booking.objects.create(member=member, remark="first visit", code="a", shop=shops[0])
    Booking.objects.create(member=member, remark="second", code="b")

    class Worded(declaration(None)):
        pass

    Worded.fields = {
        "remark": Field(words=lambda v: v.title()),  # never None: no row lacks a remark
        "code": Field(words=lambda v: gettext_lazy("Yes")),
        "shop": Field(),
    }
    with restored_registry() as registry:
        registry.register(Booking, Worded)
        reader = readable.Columns(registry.get(Booking))
        queryset = registry.get(Booking).rows_for(member)
        python_csv, python_json = by_python(reader, queryset)
        if ON_POSTGRESQL:
            assert by_postgresql(reader, queryset) == (python_csv, python_json)
        assert "First Visit" in python_csv
        Worded.fields["shop"] = Field(words=lambda v: f"shop number {v}")
        registry.unregister(Booking)
        registry.register(Booking, Worded)
        reader = readable.Columns(registry.get(Booking))
        assert formatted_rows.formatter(reader, queryset) is None


@pytest.mark.django_db
@pytest.mark.usefixtures("private_reports")
@pytest.mark.parametrize("database_writes", [True, False], ids=["database", "python"])
def test_a_copy_beats_its_heart_whoever_writes_its_rows(database_writes, monkeypatch, shops):
    """Python's rows beat as they go; the database's after each kind of data (its connection
    is busy meanwhile). Either way the copy is made."""
    from wagtail_gdpr.access import report
    from wagtail_gdpr.models import DataSubjectRequest

    member = make_member()
    Booking.objects.bulk_create(Booking(member=member, remark=str(n)) for n in range(30))
    ticks = iter(range(0, 10**6, 3))  # every reading of the clock is 3 s after the last
    monkeypatch.setattr(report.time, "monotonic", lambda: next(ticks))
    if not database_writes:
        monkeypatch.setattr(formatted_rows, "formatter", lambda *args: None)
    beats = []
    real = report.worker_queue.heartbeat
    monkeypatch.setattr(
        report.worker_queue, "heartbeat", lambda pk, p: beats.append(p) or real(pk, p)
    )
    with restored_registry() as registry:
        registry.register(Booking, declaration(None))
        dsr = DataSubjectRequest.objects.create(
            kind="access", status="queued", member=member, contact_email=member.email
        )
        assert access.build_access_report(dsr.pk) == "done"
    sections = len(registry.member_activities())
    assert len(beats) >= (30 if not database_writes or not ON_POSTGRESQL else sections)
