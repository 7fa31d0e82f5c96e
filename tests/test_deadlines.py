"""The legal clock (Art. 12(3)): due dates, pauses for identity checks, one extension, reminders.

Every rule is checked against a fixed clock: ``now`` is passed in, never read from the system.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from tests.access_helpers import configure, make_member
from wagtail_gdpr.models import DataSubjectRequest, GdprSettings
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.requests.legal_clock import ExtensionRefused
from wagtail_gdpr.staff import actions

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")
R = DataSubjectRequest


def at(year, month, day, hour=10, minute=0) -> datetime:
    """A moment on the site's clock (the tests run in Europe/Stockholm)."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def local(moment: datetime) -> datetime:
    return moment.astimezone(STOCKHOLM)


def officer(username="officer"):
    user = make_member(username)
    user.groups.add(Group.objects.get(name="Privacy officers"))
    return user


def make_request(received_at, *, kind=R.ACCESS, status=R.IN_REVIEW, verified=True, **fields):
    """A request as the creating services leave it: due one month after receipt if verified."""
    if verified and "due_at" not in fields:
        fields["due_at"] = legal_clock.due_date(received_at)
    return R.objects.create(
        kind=kind,
        status=status,
        received_at=received_at,
        verified_at=received_at if verified else None,
        contact_email="member@example.com",
        **fields,
    )


def unverified_request(received_at, **fields):
    return make_request(received_at, status=R.UNVERIFIED, verified=False, **fields)


# -- one calendar month ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2023, 1, 31), at(2023, 2, 28)),  # not a leap year
        (at(2024, 1, 31), at(2024, 2, 29)),  # a leap year
        (at(2024, 1, 29), at(2024, 2, 29)),
        (at(2023, 1, 29), at(2023, 2, 28)),
        (at(2024, 3, 31), at(2024, 4, 30)),
        (at(2024, 12, 31), at(2025, 1, 31)),
        (at(2024, 2, 29), at(2024, 3, 29)),
        (at(2024, 6, 15, 23, 59), at(2024, 7, 15, 23, 59)),
    ],
)
def test_a_request_is_due_one_calendar_month_after_receipt(received, due):
    assert legal_clock.due_date(received) == due


def test_the_month_is_counted_in_the_sites_time_zone():
    # 23:30 UTC on 31 January is already 1 February in Stockholm: due 1 March, not 29 February.
    received = datetime(2024, 1, 31, 23, 30, tzinfo=UTC)
    due = legal_clock.due_date(received)
    assert local(due) == at(2024, 3, 1, 0, 30)


def test_a_site_may_count_days_instead():
    assert legal_clock.due_date(at(2024, 1, 31), 45) == at(2024, 3, 16)


# -- overdue and due soon, on a fixed clock ----------------------------------------------------


@pytest.mark.django_db
def test_overdue_and_due_soon_on_a_fixed_clock():
    dsr = make_request(at(2023, 1, 31))  # due 28 February 10:00

    assert not legal_clock.due_soon(dsr, at(2023, 2, 20), 7)
    assert legal_clock.due_soon(dsr, at(2023, 2, 21, 10), 7)
    assert legal_clock.due_soon(dsr, at(2023, 2, 28, 10), 7)
    assert not legal_clock.is_overdue(dsr, at(2023, 2, 28, 10))
    assert legal_clock.is_overdue(dsr, at(2023, 2, 28, 10, 1))
    assert not legal_clock.due_soon(dsr, at(2023, 2, 28, 10, 1), 7)

    assert list(legal_clock.overdue(at(2023, 3, 1))) == [dsr]
    assert list(legal_clock.due_within(at(2023, 2, 25), 7)) == [dsr]
    assert not legal_clock.overdue(at(2023, 2, 27)).exists()

    dsr.status = R.DONE
    assert not legal_clock.is_overdue(dsr, at(2023, 3, 1))  # answered: nothing is late


# -- the clock stands still while the identity is checked ---------------------------------------


@pytest.mark.django_db
def test_a_request_received_unverified_is_due_a_month_after_the_identity_check():
    dsr = unverified_request(at(2023, 12, 20))

    assert legal_clock.is_paused(dsr)
    assert legal_clock.clock_start(dsr) is None
    assert legal_clock.effective_due(dsr) is None
    assert not legal_clock.is_overdue(dsr, at(2024, 6, 1))  # waiting, however long
    assert not legal_clock.overdue(at(2024, 6, 1)).exists()

    dsr = actions.verify_identity(dsr, officer(), now=at(2024, 1, 31, 9))

    assert dsr.status == R.QUEUED  # an access request goes to a worker
    assert dsr.verified_at == dsr.clock_started_at == at(2024, 1, 31, 9)
    assert dsr.due_at == at(2024, 2, 29, 9)  # leap year
    assert legal_clock.compute_due(dsr) == dsr.due_at
    fresh = R.objects.get(pk=dsr.pk)
    assert legal_clock.effective_due(fresh) == at(2024, 2, 29, 9)
    assert legal_clock.clock_start(fresh) == at(2024, 1, 31, 9)


@pytest.mark.django_db
def test_the_clock_pauses_for_an_identity_check_and_resumes_where_it_stopped():
    staff = officer()
    dsr = make_request(at(2023, 2, 1), kind=R.ERASURE)  # due 1 March
    assert dsr.due_at == at(2023, 3, 1)

    dsr = actions.request_identity(dsr, staff, now=at(2023, 2, 11))
    assert dsr.status == R.UNVERIFIED and dsr.clock_paused_at == at(2023, 2, 11)
    assert legal_clock.effective_due(dsr) is None
    assert legal_clock.time_left(dsr, at(2023, 5, 1)) == timedelta(days=18)  # frozen
    assert not legal_clock.is_overdue(dsr, at(2023, 5, 1))
    assert not legal_clock.due_within(at(2023, 2, 27), 7).exists()

    dsr = actions.verify_identity(dsr, staff, now=at(2023, 2, 21))

    assert dsr.status == R.IN_REVIEW  # staff decide what happens to an erasure
    assert dsr.clock_paused_at is None
    assert dsr.paused_for == timedelta(days=10)
    assert dsr.due_at == at(2023, 3, 11)
    assert legal_clock.compute_due(dsr) == dsr.due_at  # received + 1 month + the pause
    assert legal_clock.time_left(dsr, at(2023, 2, 21)) == timedelta(days=18)
    assert not legal_clock.is_overdue(dsr, at(2023, 3, 11, 10))
    assert legal_clock.is_overdue(dsr, at(2023, 3, 11, 10, 1))


@pytest.mark.django_db
def test_a_pause_across_the_change_to_summer_time_keeps_the_time_of_day():
    staff = officer()
    dsr = make_request(at(2023, 3, 1))  # due 1 April, 10:00
    actions.request_identity(dsr, staff, now=at(2023, 3, 20))
    dsr = actions.verify_identity(dsr, staff, now=at(2023, 3, 30))  # clocks went forward on 26th

    assert dsr.paused_for == timedelta(days=10)
    assert local(dsr.due_at) == at(2023, 4, 11)  # 10:00 still


@pytest.mark.django_db
def test_two_pauses_add_up_and_move_an_extension_too():
    staff = officer()
    dsr = make_request(at(2023, 3, 1))
    dsr = actions.extend(dsr, staff, date(2023, 5, 1), "Many requests at once", now=at(2023, 3, 2))
    assert dsr.extended_until == at(2023, 5, 1)

    actions.request_identity(dsr, staff, now=at(2023, 3, 5))
    actions.verify_identity(dsr, staff, now=at(2023, 3, 7))
    actions.request_identity(dsr, staff, now=at(2023, 3, 10))
    dsr = actions.verify_identity(dsr, staff, now=at(2023, 3, 13))

    assert dsr.paused_for == timedelta(days=5)
    assert dsr.due_at == at(2023, 4, 6)
    assert dsr.extended_until == at(2023, 5, 6)
    assert legal_clock.effective_due(dsr) == at(2023, 5, 6)


# -- one extension, by two months at most ------------------------------------------------------


@pytest.mark.django_db
def test_an_extension_of_up_to_two_months_is_allowed_once():
    dsr = make_request(at(2023, 11, 30))  # due 30 December
    assert legal_clock.latest_extension(dsr) == at(2024, 2, 29)  # 30 Feb does not exist

    now = at(2023, 12, 1)
    assert legal_clock.check_extension(dsr, date(2024, 2, 29), "Complex", now) == at(2024, 2, 29)
    with pytest.raises(ExtensionRefused, match="two months at most, to 2024-02-29"):
        legal_clock.check_extension(dsr, date(2024, 3, 1), "Complex", now)
    with pytest.raises(ExtensionRefused, match="two months at most"):
        legal_clock.check_extension(dsr, at(2024, 2, 29, 10, 1), "Complex", now)
    with pytest.raises(ExtensionRefused, match="later than the current one"):
        legal_clock.check_extension(dsr, date(2023, 12, 30), "Complex", now)
    with pytest.raises(ExtensionRefused, match="Give a reason"):
        legal_clock.check_extension(dsr, date(2024, 1, 30), "  ", now)

    dsr.extended_until = at(2024, 1, 30)
    with pytest.raises(ExtensionRefused, match="only once"):
        legal_clock.check_extension(dsr, date(2024, 2, 29), "More", now)


@pytest.mark.django_db
def test_an_extension_must_be_made_within_the_first_month_and_while_the_clock_runs():
    dsr = make_request(at(2023, 1, 31))  # due 28 February
    with pytest.raises(ExtensionRefused, match="within the first month"):
        legal_clock.check_extension(dsr, date(2023, 3, 31), "Late", at(2023, 3, 1))

    paused = unverified_request(at(2023, 1, 31))
    with pytest.raises(ExtensionRefused, match="verify it first"):
        legal_clock.check_extension(paused, date(2023, 3, 31), "Why", at(2023, 2, 1))


# -- reminders, on a fixed clock, once ---------------------------------------------------------


@pytest.mark.django_db
def test_reminders_are_due_for_requests_due_within_n_days_not_yet_reminded():
    soon = make_request(at(2023, 1, 31))  # due 28 February
    later = make_request(at(2023, 2, 20))  # due 20 March
    late = make_request(at(2023, 1, 10))  # due 10 February: overdue
    make_request(at(2023, 1, 31), status=R.DONE)  # answered
    unverified_request(at(2023, 1, 31), due_at=at(2023, 2, 28))  # paused
    now = at(2023, 2, 22)

    assert list(legal_clock.reminders_due(now, 7)) == [soon]
    assert list(legal_clock.reminders_due(now, 30)) == [soon, later]
    assert list(legal_clock.overdue_notices_due(now)) == [late]

    assert legal_clock.record_reminder(soon.pk, at(2023, 2, 28))
    assert not legal_clock.record_reminder(soon.pk, at(2023, 2, 28))  # once
    assert list(legal_clock.reminders_due(now, 7)) == []
    assert legal_clock.record_reminder(late.pk, at(2023, 2, 10), overdue=True)
    assert list(legal_clock.overdue_notices_due(now)) == []

    # An extension moves the due date: a reminder for the new date comes in its time.
    R.objects.filter(pk=soon.pk).update(extended_until=at(2023, 4, 28))
    assert list(legal_clock.reminders_due(now, 7)) == []
    assert list(legal_clock.reminders_due(at(2023, 4, 22), 7)) == [soon]


@pytest.mark.django_db
def test_the_reminder_setting_defaults_to_seven_days():
    assert GdprSettings._meta.get_field("reminder_days_before").default == 7
    configure(reminder_days_before=3)
    assert GdprSettings.current().reminder_days_before == 3
