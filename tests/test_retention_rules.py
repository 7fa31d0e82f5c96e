"""Retention as the law writes it: "N years after the end of the financial year in which X
happened", "N months after the contract ends"; each record with its own date in the plan, the
receipt and the copy; the erasure page says when, how long backups keep data, who is told, and
offers a copy first."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.access_helpers import (
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    configure,
    make_member,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.testapp.models import Order
from wagtail_gdpr import erasure, inventory
from wagtail_gdpr.erasure.plan import _day, until_dates
from wagtail_gdpr.models import RetentionRun
from wagtail_gdpr.periods import financial_year_start
from wagtail_gdpr.registry import (
    AFTER_FINANCIAL_YEAR,
    CONTRACT,
    Field,
    PersonalData,
    Recipient,
    Registry,
    Retention,
    registry,
)

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
BOOKKEEPING = Retention(
    years=7,
    from_field="created_at",
    reason="Bookkeeping Act",
    counted=AFTER_FINANCIAL_YEAR,
    event="the order was placed",
)


def test_seven_years_after_the_end_of_the_financial_year_not_after_the_order():
    with timezone.override(STOCKHOLM):
        # An order of 10 March 2020 in a calendar financial year: the year ends 31 December 2020,
        # so it is kept until 1 January 2028, not 10 March 2027.
        placed = datetime(2020, 3, 10, 12, tzinfo=UTC)
        assert BOOKKEEPING.expires(placed) == datetime(2028, 1, 1, tzinfo=STOCKHOLM)
        # 23:30 on New Year's Eve in Stockholm is still in the old year, whatever UTC says.
        new_years_eve = datetime(2020, 12, 31, 22, 30, tzinfo=UTC)
        assert BOOKKEEPING.expires(new_years_eve) == datetime(2028, 1, 1, tzinfo=STOCKHOLM)
        assert BOOKKEEPING.expires(date(2020, 3, 10)) == date(2028, 1, 1)


def test_the_financial_years_first_month_comes_from_settings(settings):
    settings.WAGTAIL_GDPR_FINANCIAL_YEAR_START = 7  # July to June
    assert BOOKKEEPING.expires(date(2020, 3, 10)) == date(2027, 7, 1)
    assert BOOKKEEPING.expires(date(2020, 7, 1)) == date(2028, 7, 1)
    with pytest.raises(ValueError, match="from 1 to 12"):
        financial_year_start(date(2020, 1, 1), 13)


def test_the_rule_reads_as_the_law_writes_it():
    class OrderData(PersonalData):
        subject = "customer"
        purpose = "Orders"
        lawful_basis = CONTRACT
        fields = {"total": Field(), "created_at": Field()}
        retention = BOOKKEEPING

    class ClosedData(PersonalData):
        subject = "customer"
        purpose = "Orders"
        lawful_basis = CONTRACT
        fields = {"total": Field(), "created_at": Field()}
        retention = Retention(
            months=6, from_field="created_at", reason="Claims", event="your contract ends"
        )

    own = Registry()
    own.register(Order, OrderData)
    assert inventory.retention_in_words(own.get(Order)) == (
        "7 years after the end of the financial year in which the order was placed"
    )
    own.unregister(Order)
    own.register(Order, ClosedData)
    assert inventory.retention_in_words(own.get(Order)) == "6 months after your contract ends"


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    now=st.datetimes(
        min_value=datetime(2005, 1, 1), max_value=datetime(2045, 12, 31), timezones=st.just(UTC)
    ),
    first_month=st.integers(min_value=1, max_value=12),
    years=st.integers(min_value=0, max_value=10),
    months=st.integers(min_value=0, max_value=11),
    days=st.integers(min_value=0, max_value=40),
)
def test_the_sweep_and_the_plan_agree_on_every_date(start, now, first_month, years, months, days):
    """A row is past its retention for the sweep (``start < cutoff(now)``) exactly when the
    date the plan and the copy show for it (``expires(start)``) has come."""
    if not (years or months or days):
        years = 1
    rule = Retention(
        years=years,
        months=months,
        days=days,
        from_field="created_at",
        reason="r",
        counted=AFTER_FINANCIAL_YEAR,
    )
    with (
        timezone.override(STOCKHOLM),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("wagtail_gdpr.registry._first_month", lambda: first_month)
        assert (start < rule.cutoff(now)) == (rule.expires(start) <= now)


# -- each record its own date -------------------------------------------------------------------


def _orders(member, *years):
    return [
        Order.objects.create(
            customer=member,
            email="alice@example.com",
            shipping_address=f"Order of {year}",
            created_at=timezone.now().replace(year=year, month=3, day=10),
        )
        for year in years
    ]


@pytest.fixture
def bookkeeping(monkeypatch):
    monkeypatch.setattr(registry.get(Order), "retention", BOOKKEEPING)
    monkeypatch.setattr(registry.get(Order), "record_label", "shipping_address")


@pytest.mark.django_db
def test_the_plan_names_each_record_with_its_own_date(bookkeeping):
    member = make_member("alice")
    this_year = timezone.now().year
    _orders(member, this_year - 3, this_year - 2, this_year - 1)

    [kept] = [i for i in erasure.build_plan(member).items if i.model == "testapp.Order"]

    assert kept.count == 3
    years = (this_year - 3, this_year - 2, this_year - 1)
    ends = [date(year + 8, 1, 1).isoformat() for year in years]
    assert kept.until_dates == [(end, 1) for end in ends]
    assert [(r.label, r.until) for r in kept.records] == [
        (f"Order of {this_year - 3}", ends[0]),
        (f"Order of {this_year - 2}", ends[1]),
        (f"Order of {this_year - 1}", ends[2]),
    ]
    receipt = erasure.build_plan(member).as_receipt()
    [item] = [i for i in receipt["items"] if i["model"] == "testapp.Order"]
    assert "records" not in item  # the receipt keeps the dates, not what names the orders
    assert item["until_dates"] == [(end, 1) for end in ends]


@pytest.mark.django_db
def test_the_erase_page_says_when_backups_who_is_told_and_offers_a_copy(centre, bookkeeping):  # noqa: F811
    member = make_member("alice")
    this_year = timezone.now().year
    _orders(member, this_year - 2, this_year - 1)
    configure(backup_days=30, erasure_grace_days=7)
    client = Client()
    client.force_login(member)

    page = client.get(url_of(centre, "erase/")).content.decode()

    copy_link = page.index('href="' + url_of(centre, "copy/") + '"')
    assert copy_link < page.index('name="password"')  # a copy is offered before confirming
    assert f"Order of {this_year - 2}: kept until Jan. 1, {this_year + 6}" in page
    assert f"Order of {this_year - 1}: kept until Jan. 1, {this_year + 7}" in page
    assert "We delete it 7 days after you confirm. Until then you can cancel." in page
    assert "within 30 days" in page and "restore a backup" in page
    assert "Payment provider (Sweden); Carrier (Germany)" in page  # told of the erasure

    configure(backup_days=None, erasure_grace_days=0)
    page = client.get(url_of(centre, "erase/")).content.decode()
    assert "We delete it as soon as you confirm" in page
    assert "We keep no backups of your data" in page


@pytest.mark.django_db
def test_the_erasure_facts_name_the_recipients_of_what_goes(monkeypatch):
    member = make_member("alice")
    Order.objects.create(customer=member, created_at=timezone.now() - timedelta(days=3))
    monkeypatch.setattr(
        registry.get(Order), "recipients", [Recipient("Bank", country="SE")], raising=True
    )
    facts = erasure.erasure_facts(erasure.build_plan(member), configure(backup_days=14))
    assert facts.recipients == ["Bank (Sweden)"] and facts.backup_days == 14


# -- the admin's dry run of the next sweep -------------------------------------------------------


def make_officer(username="officer"):
    user = make_member(username)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Privacy officers"))
    return user


@pytest.mark.django_db
def test_the_admin_shows_a_dry_run_of_the_next_sweep_and_records_nothing():
    member = make_member("alice")
    Order.objects.create(customer=member, created_at=timezone.now() - timedelta(days=8 * 366))
    Order.objects.create(customer=member, created_at=timezone.now() - timedelta(days=30))
    officer = Client()
    officer.force_login(make_officer())

    page = officer.get("/admin/gdpr/retention/next/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Next retention sweep" in text and "Nothing is changed or recorded." in text
    row = text.split("<td>Orders", 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row  # the order of eight years ago goes at the next run
    next_due = (timezone.localdate() - timedelta(days=30)).replace(
        year=timezone.localdate().year + 7
    )
    assert f"{next_due:%b}" in row or next_due.strftime("%B") in row
    assert RetentionRun.objects.count() == 0
    assert Order.objects.count() == 2
    for declaration in (d for d in registry if d.retention):
        assert f"<td>{declaration.display_name} <small>" in text
    # Others see a plain refusal.
    editor = make_member("bob")
    editor.groups.add(Group.objects.get(name="Editors"))  # may use the admin, not the queue
    stranger = Client()
    stranger.force_login(editor)
    assert stranger.get("/admin/gdpr/retention/next/").status_code == 403


@pytest.mark.django_db
@settings(max_examples=25, deadline=None)
@given(
    starts=st.lists(
        st.datetimes(
            min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
        ),
        min_size=1,
        max_size=30,
    ),
    months=st.integers(min_value=0, max_value=30),
    days=st.integers(min_value=0, max_value=40),
)
def test_the_plans_until_dates_count_each_row_on_its_own_day(starts, months, days):
    """The plan counts rows per start day in the database; it must give what counting each
    row's own end gives, across summer time and short months too."""
    Order.objects.all().delete()
    orders = Order.objects.bulk_create(
        [Order(email="a@example.com", total=1, created_at=start) for start in starts]
    )
    rule = Retention(from_field="created_at", reason="a law", months=months, days=days)
    declaration = SimpleNamespace(model=Order, retention=rule)  # all that is read of it
    one_by_one: dict[str, int] = {}
    for order in orders:
        end = _day(rule.expires(order.created_at))
        one_by_one[end] = one_by_one.get(end, 0) + 1

    rows = Order.objects.filter(pk__in=[order.pk for order in orders])
    assert until_dates(declaration, rows) == sorted(one_by_one.items())
