"""The breach register (GDPR Art. 33 and 34): the append-only record, the scope computed from
the registry, the 72-hour clock and the decisions it needs, the authority's notification."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.access_helpers import configure, make_member, make_orders
from tests.testapp.models import Author, Order, OrderNote, Visit
from wagtail_gdpr import audit
from wagtail_gdpr.breaches import authority, clock, people, record, register, scope
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.models import (
    Breach,
    BreachAffectedPerson,
    BreachEntry,
    HistoryIsAppendOnly,
)
from wagtail_gdpr.registry import registry

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day, hour=10):
    return datetime(2026, 3, day, hour, tzinfo=STOCKHOLM)


def a_breach(officer=None, **facts):
    values = {
        "title": "Order export left on a public share",
        "discovered_at": timezone.now() - timedelta(hours=5),
        "declarations": ["testapp.Order"],
        "cause": "A misconfigured share",
        "containment": "The share was closed",
    }
    values.update(facts)
    return record.record_breach(officer, **values)


# -- 1. the record ----------------------------------------------------------------------------


def test_recording_writes_a_dated_entry_and_the_audit_log():
    officer = make_member("officer", is_staff=True)
    breach = a_breach(officer, occurred_at=timezone.now() - timedelta(days=1))
    [entry] = BreachEntry.objects.filter(breach=breach)
    assert entry.kind == BreachEntry.RECORDED and entry.by == officer
    assert entry.changes["title"] == "Order export left on a public share"
    assert entry.changes["declarations"] == ["testapp.Order"]
    logged = ModelLogEntry.objects.get(action=audit.BREACH_RECORDED)
    assert logged.object_id == str(breach.pk) and logged.user_id == officer.pk
    # The audit log names the step and the fields, never their words.
    assert "misconfigured" not in json.dumps(logged.data)


def test_a_change_is_a_new_entry_with_the_new_values_only():
    breach = a_breach()
    entry = record.change(
        breach, None, containment="Share closed, links rotated", cause=breach.cause
    )
    assert entry.kind == BreachEntry.CHANGED
    assert entry.changes == {"containment": "Share closed, links rotated"}
    assert record.change(breach, None, containment="Share closed, links rotated") is None
    assert [e.kind for e in record.history(breach)] == [BreachEntry.RECORDED, BreachEntry.CHANGED]
    breach.refresh_from_db()
    assert breach.containment == "Share closed, links rotated"
    assert ModelLogEntry.objects.filter(action=audit.BREACH_CHANGED).count() == 1


def test_history_cannot_be_changed_or_deleted():
    breach = a_breach()
    entry = breach.entries.get()
    entry.text = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        entry.save()
    with pytest.raises(HistoryIsAppendOnly):
        entry.delete()
    with pytest.raises(HistoryIsAppendOnly):
        BreachEntry.objects.filter(breach=breach).update(text="x")
    with pytest.raises(HistoryIsAppendOnly):
        BreachEntry.objects.filter(breach=breach).delete()


@pytest.mark.parametrize(
    "facts, message",
    [
        ({"declarations": ["testapp.Nothing"]}, "No declaration"),
        ({"fields": ["testapp.Order.password"]}, "No declared field"),
        ({"window_start": at(5), "window_end": at(4)}, "ends before"),
        ({"occurred_at": timezone.now()}, "before it happened"),
        ({"title": ""}, "short description"),
    ],
)
def test_bad_facts_are_refused(facts, message):
    with pytest.raises(Refused, match=message):
        a_breach(**facts)
    assert not Breach.objects.exists()


def test_people_are_read_from_pasted_text_or_csv():
    alice = make_member("alice", email="Alice@Example.com")
    bob = make_member("bob")
    named = people.parse(f'{bob.pk}, alice@example.com\n"guest@example.org";not-an-address\n99999')
    assert named.member_ids == {bob.pk, 99999}
    assert named.emails == {"alice@example.com", "guest@example.org"}
    assert named.unreadable == ["not-an-address"]
    breach = a_breach(people_text=f"id,email\n{bob.pk},alice@example.com\n,guest@example.org\n")
    stored = BreachAffectedPerson.objects.filter(breach=breach)
    assert set(stored.exclude(member=None).values_list("member_id", flat=True)) == {
        alice.pk,
        bob.pk,
    }
    assert list(stored.filter(member=None).values_list("email", flat=True)) == ["guest@example.org"]
    assert breach.entries.get().changes["people"] == {
        "members": 2,
        "addresses": 1,
        "unknown_ids": 0,
    }
    # Named again: each person once.
    record.change(breach, None, people_text=f"{bob.pk}\nguest@example.org")
    assert stored.count() == 3


def test_a_person_is_stored_once_per_breach():
    breach = a_breach()
    member = make_member("carol")
    BreachAffectedPerson.objects.create(breach=breach, member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        BreachAffectedPerson.objects.create(breach=breach, member=member)


# -- 2. the scope -------------------------------------------------------------------------------


def test_scope_counts_members_records_categories_subjects_and_recipients():
    alice, bob, carol = make_member("alice"), make_member("bob"), make_member("carol")
    make_orders(alice, 3)
    make_orders(bob, 2)
    for order in Order.objects.filter(customer=alice):
        OrderNote.objects.create(order=order, text="ring twice")
    Order.objects.create(email="guest@example.org")  # a guest order
    Visit.objects.create(user=carol)
    Author.objects.create(first_name="Ann", last_name="Writer", email="ann@example.org")
    breach = a_breach(declarations=["testapp.Order", "testapp.OrderNote", "testapp.Author"])

    found = scope.compute(breach)
    by_label = {d.declaration.model_label: d for d in found.declarations}
    assert by_label["testapp.Order"].records == 6 and by_label["testapp.Order"].members == 2
    assert by_label["testapp.OrderNote"].records == 3 and by_label["testapp.OrderNote"].members == 1
    assert by_label["testapp.Author"].records == 1 and by_label["testapp.Author"].members is None
    assert found.members == 2 and found.records == 10
    assert found.other_addresses == 2  # the guest and the author
    assert {"Contact details", "Purchases"} <= set(found.categories)
    assert "Authors" in found.categories  # a declaration without categories: its name
    assert "Authors of articles on the site" in found.data_subjects
    assert "Members of the site" in found.data_subjects
    assert any("Payment provider" in r for r in found.recipients)
    assert [m.username for m in scope.preview(breach)] == ["alice", "bob"]


def test_scope_of_listed_people_and_a_time_window():
    alice, bob = make_member("alice"), make_member("bob")
    make_orders(alice, 2)
    old = make_orders(bob, 2)
    Order.objects.filter(pk__in=[o.pk for o in old]).update(created_at=at(1))
    Order.objects.create(email="guest@example.org")
    listed = a_breach(listed_people_only=True, people_text=f"{alice.pk}\nguest@example.org")
    found = scope.compute(listed)
    assert (found.members, found.records, found.other_addresses) == (1, 3, 1)

    windowed = a_breach(
        declarations=["testapp.Order", "testapp.Profile"], window_start=at(1, 0), window_end=at(2)
    )
    found = scope.compute(windowed)
    by_label = {d.declaration.model_label: d for d in found.declarations}
    assert by_label["testapp.Order"].records == 2 and by_label["testapp.Order"].members == 1
    # A declaration with no date to count the window on is counted whole, and says so.
    assert by_label["testapp.Profile"].window_applied is False
    assert by_label["testapp.Order"].window_applied is True


def test_scope_needs_no_query_per_member():
    """The number of queries does not grow with the number of members: no per-member loop."""

    def queries_for(members):
        Order.objects.all().delete()
        for i in range(members):
            make_orders(make_member(f"m{members}-{i}"), 1)
        breach = a_breach(declarations=["testapp.Order", "testapp.OrderNote", "testapp.Visit"])
        with CaptureQueriesContext(connection) as captured:
            found = scope.compute(breach)
        assert found.members == members
        return len(captured)

    assert queries_for(3) == queries_for(30)


def test_fields_name_their_declaration():
    breach = a_breach(declarations=[], fields=["testapp.Visit.ip_address"])
    assert [d.model_label for d in scope.declarations_of(breach)] == ["testapp.Visit"]
    assert scope.compute(breach).declarations[0].fields == [
        registry.get(Visit).field_label("ip_address")
    ]


# -- 3. the clock and the decisions -------------------------------------------------------------


def test_the_clock_runs_72_hours_from_discovery():
    now = timezone.now()
    fresh = a_breach(discovered_at=now - timedelta(hours=10))
    late = a_breach(discovered_at=now - timedelta(hours=80))
    assert clock.deadline(fresh) == fresh.discovered_at + timedelta(hours=72)
    assert round(clock.hours_left(fresh, now)) == 62
    assert not clock.is_late(fresh, now) and clock.is_late(late, now)
    assert list(clock.overdue(now)) == [late]
    assert set(clock.due_within(now, 12)) == {late}
    assert set(clock.due_within(now, 63)) == {fresh, late}


def test_no_decision_without_a_risk_assessment():
    breach = a_breach()
    with pytest.raises(Refused, match="risk assessment"):
        record.notify_authority(breach, None)
    with pytest.raises(Refused, match="risk assessment"):
        record.decide_not_to_notify(breach, None)
    with pytest.raises(Refused, match="reasons"):
        record.assess(breach, None, Breach.HIGH_RISK, " ")
    with pytest.raises(Refused):
        record.assess(breach, None, "catastrophic", "why")
    record.assess(breach, None, Breach.HIGH_RISK, "Addresses and order history exposed")
    notified = record.notify_authority(breach, None)
    assert notified.authority_notified_at is not None
    with pytest.raises(Refused, match="already"):
        record.notify_authority(breach, None)
    kinds = [e.kind for e in record.history(breach)]
    assert kinds == [BreachEntry.RECORDED, BreachEntry.ASSESSED, BreachEntry.AUTHORITY_NOTIFIED]


def test_past_72_hours_the_delay_needs_a_reason():
    breach = a_breach(discovered_at=timezone.now() - timedelta(hours=73))
    record.assess(breach, None, Breach.RISK, "Names and addresses")
    with pytest.raises(Refused, match="reason for the delay"):
        record.notify_authority(breach, None)
    notified = record.notify_authority(breach, None, delay_reason="The share was found on a Friday")
    assert notified.delay_reason == "The share was found on a Friday"
    assert authority.current(notified)["delay"] == "The share was found on a Friday"


def test_deciding_not_to_notify_needs_no_risk():
    breach = a_breach()
    record.assess(breach, None, Breach.RISK, "Some risk")
    with pytest.raises(Refused, match="must be notified"):
        record.decide_not_to_notify(breach, None)
    other = a_breach()
    record.assess(other, None, Breach.NO_RISK, "The file was encrypted and the key safe")
    decided = record.decide_not_to_notify(other, None)
    assert decided.not_notifying_at and register.status(decided) == "Not notifiable"
    assert other.entries.last().text == "The file was encrypted and the key safe"


# -- 4. the authority's notification --------------------------------------------------------


def test_the_draft_holds_every_item_of_article_33_3():
    configure(dpo_name="Dana Officer", dpo_email="dpo@example.com", controller_name="Shop AB")
    alice = make_member("alice")
    make_orders(alice, 4)
    breach = a_breach(consequences="Phishing aimed at customers")
    record.assess(breach, None, Breach.HIGH_RISK, "Addresses with order history")
    draft = authority.drafted(breach)
    assert draft["number_of_people"] == "1" and draft["number_of_records"] == "4"
    assert "dpo@example.com" in draft["contact"] and "Dana Officer" in draft["contact"]
    assert "Order export" in draft["nature"] and draft["measures"] == "The share was closed"
    assert draft["consequences"] == "Phishing aimed at customers"
    assert "Members of the site" in draft["categories_of_people"]
    assert draft["controller"].startswith("Shop AB")
    for key, _label in authority.ITEMS:
        assert key in draft


def test_the_draft_is_editable_exported_and_supplemented():
    breach = a_breach()
    record.assess(breach, None, Breach.HIGH_RISK, "Addresses")
    record.edit_draft(breach, None, {"consequences": '=HYPERLINK("evil")'})
    assert authority.current(breach)["consequences"] == '=HYPERLINK("evil")'
    exported = json.loads(authority.as_json(breach))
    assert exported["items"]["consequences"] == '=HYPERLINK("evil")'
    page = authority.as_html(breach)
    assert "HYPERLINK(&quot;evil&quot;)" in page and "<script" not in page
    with pytest.raises(Refused, match="notify the authority first"):
        record.add_supplement(breach, None, "More later")
    record.notify_authority(breach, None)
    with pytest.raises(Refused, match="supplement"):
        record.edit_draft(breach, None, {"consequences": "changed after sending"})
    record.add_supplement(breach, None, "The number of records is now 1,204")
    exported = json.loads(authority.as_json(breach))
    assert [s["text"] for s in exported["supplements"]] == ["The number of records is now 1,204"]
    assert "1,204" in authority.as_html(breach)
    sent = breach.entries.get(kind=BreachEntry.AUTHORITY_NOTIFIED)
    assert sent.changes["notification"]["consequences"] == '=HYPERLINK("evil")'


# -- 6. the register -----------------------------------------------------------------------------


def test_the_register_filters_and_exports_without_formulas():
    notified = a_breach(title="=cmd|' /C calc'!A0")
    record.assess(notified, None, Breach.HIGH_RISK, "bad")
    record.notify_authority(notified, None)
    a_breach(title="Lost laptop")
    assert [b.title for b in register.filtered(notified="no")] == ["Lost laptop"]
    assert list(register.filtered(notified="yes")) == [notified]
    assert list(register.filtered(risk=Breach.HIGH_RISK)) == [notified]
    assert register.filtered(status_filter=register.CLOSED).count() == 0
    exported = register.as_csv(register.filtered())
    assert "'=cmd" in exported or "\"'=cmd" in exported
    assert "\n=cmd" not in exported and ",=cmd" not in exported
    assert "Authority notified" in exported


def test_the_register_declares_its_own_retention():
    declaration = registry.get(Breach)
    assert declaration is not None and declaration.retention.years == 5
    assert not declaration.members


def test_officers_are_reminded_of_the_72_hours_once_each():
    from django.contrib.auth.models import Group
    from django.core import mail

    from wagtail_gdpr.staff import breach_reminders

    officer = make_member("dana", email="dana@example.com")
    officer.groups.add(Group.objects.get(name="Privacy officers"))
    now = timezone.now()
    soon = a_breach(title="Day left", discovered_at=now - timedelta(hours=50))
    late = a_breach(title="Too late", discovered_at=now - timedelta(hours=80))
    a_breach(title="Fresh", discovered_at=now - timedelta(hours=2))
    decided = a_breach(title="Decided", discovered_at=now - timedelta(hours=60))
    record.assess(decided, None, Breach.HIGH_RISK, "bad")
    record.notify_authority(decided, None)

    counts = breach_reminders.send_breach_reminders(now)
    assert counts == {"due_soon": 1, "overdue": 1, "failed": 0}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Breach past its 72 hours: Too late",
                        "Breach: 22 hours left to notify the authority: Day left"]  # fmt: skip
    assert all(m.to == ["dana@example.com"] for m in mail.outbox)
    assert f"/admin/gdpr/breaches/{soon.pk}/" in mail.outbox[0].body + mail.outbox[1].body
    # Each reminder once.
    assert breach_reminders.send_breach_reminders(now)["overdue"] == 0
    assert len(mail.outbox) == 2
    assert ModelLogEntry.objects.filter(action=audit.BREACH_REMINDED).count() == 2
    assert late.pk in {
        int(e.object_id) for e in ModelLogEntry.objects.filter(action=audit.BREACH_REMINDED)
    }
