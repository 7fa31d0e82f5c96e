"""The retention sweep: expired rows go in batches, dry runs change nothing, holds are respected."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import pre_delete
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.erasure_helpers import (
    attachment_storage,  # noqa: F401  (autouse)
    clean_cache,  # noqa: F401  (autouse)
    erasure_log,  # noqa: F401  (autouse)
    make_member,
    newsletter,
    noon,
)
from tests.testapp.gdpr import VisitData
from tests.testapp.models import Order, OrderNote, Visit
from wagtail_gdpr import consent
from wagtail_gdpr.erasure import retention
from wagtail_gdpr.models import (
    ConsentRecord,
    ConsentState,
    LegalHold,
    MemberActivity,
    RetentionRun,
)
from wagtail_gdpr.registry import ANONYMISE, DELETE, Registry, Retention, registry

pytestmark = pytest.mark.django_db


def visits(user, *, months_ago, count=1, ip="198.51.100.23") -> list[int]:
    return [
        Visit.objects.create(user=user, ip_address=ip, visited_at=noon(months_ago=months_ago)).pk
        for _ in range(count)
    ]


def order(user, *, years_ago, email="", address="Street 1") -> Order:
    return Order.objects.create(
        customer=user, email=email, shipping_address=address, created_at=noon(years_ago)
    )


def remaining(model, pks) -> list[int]:
    return sorted(model.objects.filter(pk__in=pks).values_list("pk", flat=True))


def test_sweep_removes_what_is_past_retention_and_keeps_the_rest():
    alice = make_member("alice")
    bob = make_member("bob")
    old_visits = visits(alice, months_ago=13, count=2) + visits(bob, months_ago=25)
    young_visits = visits(alice, months_ago=11) + visits(bob, months_ago=0)
    old_orders = [order(alice, years_ago=8), order(bob, years_ago=10), order(None, years_ago=9)]
    note = OrderNote.objects.create(order=old_orders[0], text="alice at the back door")
    young_orders = [order(alice, years_ago=6), order(None, years_ago=1)]

    run = retention.sweep()

    assert remaining(Visit, old_visits + young_visits) == sorted(young_visits)
    assert remaining(Order, [o.pk for o in old_orders + young_orders]) == sorted(
        o.pk for o in young_orders
    )
    assert not OrderNote.objects.filter(pk=note.pk).exists()
    assert run.status == RetentionRun.DONE and not run.dry_run
    assert run.finished_at is not None
    assert run.counts["testapp.Visit"] == {"deleted": 3}
    assert run.counts["testapp.Order"] == {"deleted": 3}
    # Every declaration with a retention rule is accounted for, none without one.
    assert set(run.counts) == {
        d.activity_key for d in registry.activities() if d.retention is not None
    }
    assert RetentionRun.objects.get(pk=run.pk).counts == run.counts


def test_a_row_is_removed_the_day_its_retention_ends_not_before():
    alice = make_member("alice")
    now = timezone.now()
    just_kept = Visit.objects.create(
        user=alice, visited_at=VisitData.retention.cutoff(now) + timedelta(minutes=5)
    )
    just_gone = Visit.objects.create(
        user=alice, visited_at=VisitData.retention.cutoff(now) - timedelta(minutes=5)
    )

    retention.sweep(now=now)

    assert remaining(Visit, [just_kept.pk, just_gone.pk]) == [just_kept.pk]


def test_dry_run_counts_and_changes_nothing():
    alice = make_member("alice")
    old = visits(alice, months_ago=14, count=4)
    young = visits(alice, months_ago=1)
    old_order = order(alice, years_ago=8)
    out = io.StringIO()

    call_command("gdpr_retention", dry_run=True, stdout=out)

    assert remaining(Visit, old + young) == sorted(old + young)
    assert Order.objects.filter(pk=old_order.pk).exists()
    run = RetentionRun.objects.get()
    assert run.dry_run and run.status == RetentionRun.DONE
    assert run.counts["testapp.Visit"] == {"deleted": 4}
    assert run.counts["testapp.Order"] == {"deleted": 1}
    output = out.getvalue()
    assert "Would remove:" in output
    assert "testapp.Visit: 4 deleted" in output
    assert "testapp.Order: 1 deleted" in output
    assert f"Nothing was removed; the count is recorded as dry run #{run.pk}." in output
    assert "Run #" not in output


def visit_deletes(queries) -> int:
    return sum(1 for q in queries if q["sql"].upper().startswith('DELETE FROM "TESTAPP_VISIT"'))


def test_small_batches_still_remove_everything():
    alice = make_member("alice")
    old = visits(alice, months_ago=13, count=10)
    young = visits(alice, months_ago=3, count=2)
    out = io.StringIO()

    with CaptureQueriesContext(connection) as queries:
        call_command("gdpr_retention", batch_size=3, stdout=out)

    assert remaining(Visit, old + young) == sorted(young)
    assert visit_deletes(queries.captured_queries) == 4  # 3 + 3 + 3 + 1
    assert RetentionRun.objects.get().counts["testapp.Visit"] == {"deleted": 10}
    assert "testapp.Visit: 10 deleted" in out.getvalue()


@pytest.fixture
def fail_on_fourth_visit_deleted():
    """Rows 1-3 (the first batch of 3) go; deleting the 4th (in the second batch) fails."""
    deleted = []

    def receiver(sender, instance, **kwargs):
        deleted.append(instance.pk)
        if len(deleted) == 4:
            raise RuntimeError("the database connection dropped")

    pre_delete.connect(receiver, sender=Visit, dispatch_uid="fail-on-fourth-visit")
    yield deleted
    pre_delete.disconnect(sender=Visit, dispatch_uid="fail-on-fourth-visit")


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_sweep_keeps_its_finished_batches_and_a_new_one_completes(
    fail_on_fourth_visit_deleted,
):
    alice = make_member("alice")
    old = visits(alice, months_ago=13, count=10)
    young = visits(alice, months_ago=3)

    with pytest.raises(RuntimeError):
        retention.sweep(batch_size=3)

    failed = RetentionRun.objects.get()
    assert failed.status == RetentionRun.FAILED
    assert failed.error == "RuntimeError"
    assert failed.finished_at is not None
    assert failed.counts["testapp.Visit"] == {"deleted": 3}
    # The first batch was committed; the second rolled back as a whole.
    assert remaining(Visit, old) == sorted(old[3:])
    assert sorted(fail_on_fourth_visit_deleted[:3]) == sorted(old[:3])

    pre_delete.disconnect(sender=Visit, dispatch_uid="fail-on-fourth-visit")
    run = retention.sweep(batch_size=3)

    assert run.status == RetentionRun.DONE
    assert run.counts["testapp.Visit"] == {"deleted": 7}
    assert remaining(Visit, old + young) == young
    assert RetentionRun.objects.count() == 2


def test_a_rule_that_anonymises_keeps_the_rows_without_the_personal_values():
    class AnonymisingVisitData(VisitData):
        retention = Retention(
            months=12, from_field="visited_at", reason="Statistics", then=ANONYMISE
        )

    fresh = Registry()
    fresh.register(Visit, AnonymisingVisitData)
    alice = make_member("alice")
    old = visits(alice, months_ago=13, count=4, ip="198.51.100.23")
    young = visits(alice, months_ago=2, ip="198.51.100.24")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(retention, "registry", fresh)
        run = retention.sweep(batch_size=3)
        before = list(Visit.objects.order_by("pk").values())
        retention.sweep()  # running it again changes nothing more
        assert list(Visit.objects.order_by("pk").values()) == before

    assert run.counts == {"testapp.Visit": {"anonymised": 4}}
    assert remaining(Visit, old + young) == sorted(old + young)
    assert set(Visit.objects.filter(pk__in=old).values_list("ip_address", flat=True)) == {
        "198.51.100.0"
    }
    assert Visit.objects.get(pk=young[0]).ip_address == "198.51.100.24"
    # The global registry was never touched: its rule still deletes, and now it does.
    assert retention.registry is registry
    assert registry.get(Visit).retention.then == DELETE
    assert retention.sweep().counts["testapp.Visit"] == {"deleted": 4}
    assert remaining(Visit, old + young) == young


def test_a_member_hold_stops_the_sweep_for_that_members_rows_only():
    alice = make_member("alice")
    bob = make_member("bob")
    alice_visits = visits(alice, months_ago=13, count=2)
    alice_order = order(alice, years_ago=8)
    bob_visits = visits(bob, months_ago=13, count=2)
    bob_order = order(bob, years_ago=8)
    LegalHold.objects.create(member=alice, reason="Open court case")

    run = retention.sweep()

    assert remaining(Visit, alice_visits + bob_visits) == sorted(alice_visits)
    assert Order.objects.filter(pk=alice_order.pk).exists()
    assert not Order.objects.filter(pk=bob_order.pk).exists()
    assert run.counts["testapp.Visit"] == {"deleted": 2}
    assert run.counts["testapp.Order"] == {"deleted": 1}


def test_a_record_hold_keeps_that_record_and_an_expired_hold_keeps_nothing():
    alice = make_member("alice")
    held, released, plain = (order(alice, years_ago=8) for _ in range(3))
    LegalHold.for_record(held, reason="Disputed invoice").save()
    LegalHold.for_record(
        released, reason="Settled", ends_at=timezone.now() - timedelta(days=1),
        starts_at=timezone.now() - timedelta(days=30),
    ).save()  # fmt: skip
    expired_member_hold = LegalHold.objects.create(
        member=alice, reason="Old case", ends_at=timezone.now() - timedelta(hours=1),
        starts_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    alice_visits = visits(alice, months_ago=13)

    retention.sweep()

    assert remaining(Order, [held.pk, released.pk, plain.pk]) == [held.pk]
    assert remaining(Visit, alice_visits) == []
    assert LegalHold.objects.filter(pk=expired_member_hold.pk).exists()


def test_a_consent_still_in_force_does_not_break_the_sweep():
    """A member who agreed four years ago and never changed their mind: the ledger line is past
    the 3-year period, but it is the proof of the consent still relied on (ConsentState points
    to it). The sweep must finish, sweep the other declarations, and keep that proof."""
    alice = make_member("alice")
    record = consent.give(alice, newsletter(), source=ConsentRecord.SOURCE_API)
    ConsentRecord._base_manager.filter(pk=record.pk).update(created_at=noon(4))
    old_visits = visits(alice, months_ago=13)
    # Swept after the consent ledger (declarations run in label order).
    old_activity = MemberActivity.objects.create(user=alice, kind=MemberActivity.LOGIN)
    MemberActivity.objects.filter(pk=old_activity.pk).update(created_at=noon(2))

    run = retention.sweep()

    assert run.status == RetentionRun.DONE
    assert remaining(Visit, old_visits) == []
    assert not MemberActivity.objects.filter(pk=old_activity.pk).exists()
    assert ConsentState.objects.get(user=alice).record_id == record.pk
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_a_withdrawn_consent_past_retention_is_swept():
    """Once a newer line is the proof, the old one past its period goes."""
    alice = make_member("alice")
    purpose = newsletter()
    first = consent.give(alice, purpose, source=ConsentRecord.SOURCE_API)
    ConsentRecord._base_manager.filter(pk=first.pk).update(created_at=noon(4))
    latest = consent.withdraw(alice, purpose, source=ConsentRecord.SOURCE_API)

    run = retention.sweep()

    assert run.counts["wagtail_gdpr.ConsentRecord"] == {"deleted": 1}
    assert not ConsentRecord.objects.filter(pk=first.pk).exists()
    assert ConsentRecord.objects.filter(pk=latest.pk).exists()
