"""Reads that fall back to defaults before ``migrate`` do so only where a table is missing: a
lost connection fails, so that an access copy never leaves out what it could not read."""

import importlib.resources
import os
import zoneinfo
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone

from tests.access_helpers import default_site
from tests.testapp.models import Booking, ContactPage
from wagtail_gdpr import connected_systems, inventory, unmigrated
from wagtail_gdpr.access import formatted_rows
from wagtail_gdpr.form_privacy import declarations, periods
from wagtail_gdpr.tables import Connector, GdprSettings


def stockholms_rules():
    """Stockholm's time zone file, from the system's database or the tzdata package."""
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, "Europe", "Stockholm")
        if os.path.exists(path):
            return open(path, "rb")  # noqa: SIM115 (read at once by from_file)
    return importlib.resources.files("tzdata.zoneinfo.Europe").joinpath("Stockholm").open("rb")


@contextmanager
def not_made_yet(model):
    """The model's table as it is before ``migrate``: not there."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{table}_away"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{table}_away" RENAME TO "{table}"')


@contextmanager
def connection_lost():
    """The server ends this test's session, as a restart or an administrator would; what runs
    inside must fail with ``OperationalError``. A new session is opened after."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    try:
        with pytest.raises(OperationalError):
            yield
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_before_migrate_the_defaults_are_read():
    Connector.objects.create(
        key="crm", name="Customer service", endpoint="https://crm.example/hook", enabled=True
    )
    settings = GdprSettings.for_site(default_site())
    settings.controller_name = "Example AB"
    settings.form_retention = GdprSettings().form_retention + 7
    settings.save()
    defaults = GdprSettings()
    without_settings = periods.as_retention(
        defaults.form_retention, defaults.form_retention_unit, periods.DEFAULT_REASON
    )
    assert periods.site_default() != without_settings
    assert inventory.organisation()["controller"]["name"] == "Example AB"
    assert "crm" in [system.key for system in connected_systems.all_systems()]
    with not_made_yet(Connector):
        assert "crm" not in [system.key for system in connected_systems.all_systems()]
    with not_made_yet(GdprSettings):
        assert inventory.organisation()["controller"] == {"name": None, "contact": None}
        assert periods.site_default() == without_settings
    with not_made_yet(ContactPage):  # the other form pages' tables are read still
        assert declarations.privacy_form_pages() == []


@pytest.mark.django_db(transaction=True)
def test_only_a_table_that_does_not_exist_is_taken_for_one():
    with pytest.raises(DatabaseError) as missing, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM wagtail_gdpr_not_made_yet")
    assert unmigrated.table_missing(missing.value)
    with pytest.raises(DatabaseError) as refused, connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM " + Connector._meta.db_table)  # noqa: S608
    assert not unmigrated.table_missing(refused.value)
    busy = OperationalError("database is locked")
    with (
        mock.patch.object(Connector.objects, "filter", side_effect=busy),
        pytest.raises(OperationalError),
    ):
        connected_systems.all_systems()


@pytest.mark.postgres  # pg_terminate_backend is PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_is_not_taken_for_a_table_not_made_yet():
    with connection_lost():
        connected_systems.all_systems()
    with connection_lost():
        periods.site_default()
    with connection_lost():
        declarations.privacy_form_pages()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_is_not_taken_for_a_time_zone_the_database_does_not_know():
    """Taken for one, the copy went on, on a new connection, as if nothing had happened."""
    with timezone.override(zoneinfo.ZoneInfo("Europe/Stockholm")):
        assert formatted_rows._knows_zone("default")
        with connection_lost():
            formatted_rows._knows_zone("default")


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_zone_the_database_does_not_know_by_its_name_is_written_by_python():
    atlantis = zoneinfo.ZoneInfo.from_file(stockholms_rules(), key="Nowhere/Atlantis")
    with timezone.override(atlantis):
        assert not formatted_rows._knows_zone("default")
        assert formatted_rows.formatter(None, Booking.objects.all()) is None
