"""The right to erasure: the plan a member reads, its execution, the privacy-centre flow, holds."""

import html
import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import formats, timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Revision, RevisionMixin
from wagtail.search import index
from wagtail.search.models import IndexEntry

from tests.erasure_helpers import (
    PASSWORD,
    add_order_revisions,
    add_privacy_centre,
    attachment_storage,  # noqa: F401  (autouse)
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    erasure_log,  # noqa: F401  (autouse)
    items_by_model,
    log_lines,
    make_member,
    make_world,
    open_erasure,
    plus_years,
    set_grace_days,
    snapshot,
    url_of,
)
from tests.testapp.models import Attachment, Order, OrderNote, Profile, Visit
from wagtail_gdpr import access, erasure
from wagtail_gdpr.builtin import ConsentRecordData
from wagtail_gdpr.erasure import execution
from wagtail_gdpr.models import (
    ConsentRecord,
    ConsentState,
    DataSubjectRequest,
    LegalHold,
    MemberActivity,
    PendingFileRemoval,
    VerifiedEmail,
)
from wagtail_gdpr.registry import registry
from wagtail_gdpr.requests import worker_queue

User = get_user_model()

ORDER_REASON = "Bookkeeping Act: accounting records are kept for 7 years"
ERASE = {"password": PASSWORD, "confirm": "on"}


def leftover_secrets(secrets) -> list[str]:
    """Which of ``secrets`` still appear anywhere in the declared tables, revisions or index."""
    tables = [d.model for d in registry] + [Revision, IndexEntry, PendingFileRemoval, LegalHold]
    dump = json.dumps([list(m._base_manager.values()) for m in tables], default=str).lower()
    return [s for s in secrets if s.lower() in dump]


def erase_now(user, django_capture_on_commit_callbacks):
    """Execute the erasure in-process and run what waits for the commit (file removal)."""
    with django_capture_on_commit_callbacks(execute=True):
        return erasure.execute(user)


def erase_through_request(user, django_capture_on_commit_callbacks) -> DataSubjectRequest:
    """The member's request, committed and handed to the (eager) worker."""
    with django_capture_on_commit_callbacks(execute=True):
        dsr = erasure.request_erasure(user)
    dsr.refresh_from_db()
    return dsr


# -- the plan ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_says_what_happens_to_each_kind_of_data_and_why():
    alice = make_world("alice")
    make_world("bob")  # must not be counted for alice

    plan = erasure.build_plan(alice.user)
    items = items_by_model(plan)

    assert not plan.blocked_by
    orders = {item.outcome: item for item in items["testapp.Order"]}
    assert set(orders) == {"deleted", "anonymised"}
    assert orders["deleted"].count == 2  # older than 7 years: past the bookkeeping period
    assert orders["deleted"].reason == "" and orders["deleted"].until is None
    young = orders["anonymised"]
    assert young.count == 3  # two younger orders and the guest order found by the address
    assert young.fields == [
        ("Email", "replaced by an address that reaches nobody"),
        ("Shipping address", "emptied"),
    ]
    latest = max(o.created_at for o in alice.kept_orders)
    assert young.until == plus_years(latest, 7).isoformat()
    # Each order is kept until its own date, not all until the latest one's.
    assert young.until_dates == sorted(
        (plus_years(o.created_at, 7).isoformat(), 1) for o in alice.kept_orders
    )
    assert len(young.until_dates) == 3
    assert young.reason == ORDER_REASON

    for label, count in [
        ("testapp.OrderNote", 1),
        ("testapp.Profile", 1),
        ("testapp.Visit", 3),
        ("wagtail_gdpr.ConsentState", 1),
        ("wagtail_gdpr.MemberActivity", len(alice.activity)),
        ("wagtail_gdpr.VerifiedEmail", 1),
        ("wagtailforms.FormSubmission", 1),
    ]:
        assert [(i.outcome, i.count) for i in items[label]] == [("deleted", count)], label

    (consents,) = items["wagtail_gdpr.ConsentRecord"]
    assert (consents.outcome, consents.count) == ("anonymised", 1)
    assert consents.reason == str(ConsentRecordData.retained_by_law)
    assert consents.until == plus_years(alice.consent_record.created_at, 3).isoformat()
    assert consents.fields == [
        # A guest's answer on a form under one of the member's addresses.
        ("Address you gave on the form", "replaced by an address that reaches nobody"),
        ("Network address", "shortened to the network, no longer one device"),
        ("Browser", "emptied"),
    ]

    (attachments,) = items["testapp.Attachment"]
    assert (attachments.outcome, attachments.count) == ("anonymised", 1)
    assert attachments.fields == [("Upload", "the stored file is deleted")]

    assert "wagtail_gdpr.AccessReport" not in items  # nothing of that kind: no line at all
    assert plan.items[-1].model == User._meta.label
    assert plan.items[-1].name == "Your account"


@pytest.mark.django_db
def test_plan_deletes_the_account_although_consent_records_are_kept():
    """The consent ledger's key to the user has no database constraint and no cascade, so that
    "deleting a user must never be blocked by it": it does not stop the account's deletion."""
    alice = make_world("alice")

    plan = erasure.build_plan(alice.user)

    assert plan.account == "deleted"
    assert (plan.items[-1].name, plan.items[-1].outcome) == ("Your account", "deleted")


@pytest.mark.django_db
def test_plan_deletes_the_account_of_a_member_without_consent_records():
    alice = make_member("alice")
    Order.objects.create(customer=alice, email=alice.email, shipping_address="alice Street")

    plan = erasure.build_plan(alice)

    assert plan.account == "deleted"
    assert [(i.model, i.outcome) for i in plan.items] == [
        ("testapp.Order", "anonymised"),
        ("auth.User", "deleted"),
    ]


@pytest.mark.django_db
def test_plan_of_a_member_with_nothing_stored_is_only_the_account():
    alice = make_member("alice")

    plan = erasure.build_plan(alice)

    assert [(i.name, i.outcome, i.count) for i in plan.items] == [("Your account", "deleted", 1)]


# -- executing it -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_execute_erases_every_row_exactly_as_planned(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    before = {o.pk: (o.total, o.created_at) for o in alice.kept_orders}
    planned = erasure.build_plan(alice.user).as_receipt()["items"]

    receipt = erase_now(alice.user, django_capture_on_commit_callbacks)

    assert receipt["items"][:-1] == planned[:-1]  # every item done as the member was shown

    assert not Order.objects.filter(pk__in=[o.pk for o in alice.old_orders]).exists()
    for order in Order.objects.filter(pk__in=before):
        assert (order.total, order.created_at) == before[order.pk]
        assert order.email == f"erased-{order.pk}@erased.invalid"
        assert order.shipping_address == ""
    assert Order.objects.filter(pk__in=before).count() == 3
    assert not OrderNote.objects.filter(pk=alice.note.pk).exists()
    assert not Profile.objects.filter(pk=alice.profile.pk).exists()
    assert not Visit.objects.filter(pk__in=[v.pk for v in alice.visits]).exists()
    assert not MemberActivity.objects.filter(pk__in=[a.pk for a in alice.activity]).exists()
    assert not FormSubmission.objects.filter(pk=alice.submission.pk).exists()
    assert not VerifiedEmail.objects.filter(pk=alice.verified.pk).exists()
    assert not ConsentState.objects.filter(pk=alice.consent_state.pk).exists()
    # The consent ledger keeps the proof, without the browser and the full address.
    record = ConsentRecord.objects.get(pk=alice.consent_record.pk)
    assert (record.purpose_id, record.action, record.created_at) == (
        alice.consent_record.purpose_id,
        alice.consent_record.action,
        alice.consent_record.created_at,
    )
    assert record.user_agent == ""
    assert record.ip_address == "203.0.113.0"
    # The attachment no longer has a file (the row goes with the account, or stays emptied).
    assert not Attachment.objects.filter(pk=alice.attachment.pk).exclude(upload="").exists()

    assert leftover_secrets(alice.secrets) == []


@pytest.mark.django_db
def test_the_stored_file_is_removed_only_after_the_erasure_commits(
    django_capture_on_commit_callbacks,
    attachment_storage,  # noqa: F811
):
    alice = make_world("alice")
    bob = make_world("bob")
    assert attachment_storage.exists(alice.file_name)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        erasure.execute(alice.user)
    # Not yet committed: the file is still there, its removal queued durably.
    assert attachment_storage.exists(alice.file_name)
    assert list(PendingFileRemoval.objects.values_list("file_name", flat=True)) == [alice.file_name]

    for callback in callbacks:
        callback()

    assert not attachment_storage.exists(alice.file_name)
    assert not PendingFileRemoval.objects.exists()
    assert attachment_storage.exists(bob.file_name)


@pytest.mark.django_db
def test_a_failing_erasure_changes_nothing(
    django_capture_on_commit_callbacks,
    monkeypatch,
    attachment_storage,  # noqa: F811
    erasure_log,  # noqa: F811
):
    alice = make_world("alice")
    before = snapshot(alice)

    def broken(user, outcome):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(execution, "_erase_account", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        erasure.execute(alice.user)

    assert snapshot(alice) == before
    assert attachment_storage.exists(alice.file_name)
    assert not PendingFileRemoval.objects.exists()
    assert log_lines(erasure_log) == []


@pytest.mark.django_db
def test_no_revision_or_search_entry_keeps_what_was_erased(django_capture_on_commit_callbacks):
    """No test-app model has revisions or is indexed (asserted, so that a new one is noticed);
    revisions are written for the anonymised orders as a revisioned model would have them."""
    declared = [d.model for d in registry]
    assert [m for m in declared if issubclass(m, RevisionMixin)] == []
    assert [m for m in declared if issubclass(m, index.Indexed)] == []
    alice = make_world("alice")
    bob = make_world("bob")
    add_order_revisions(alice.kept_orders)
    bob_revisions = add_order_revisions(bob.kept_orders)
    order_type = ContentType.objects.get_for_model(Order)

    erase_now(alice.user, django_capture_on_commit_callbacks)

    assert not Revision.objects.filter(
        base_content_type=order_type, object_id__in=[str(o.pk) for o in alice.kept_orders]
    ).exists()
    assert sorted(Revision.objects.values_list("pk", flat=True)) == sorted(bob_revisions)
    erased_types = [ContentType.objects.get_for_model(m) for m in declared]
    assert not IndexEntry.objects.filter(content_type__in=erased_types).exists()
    assert leftover_secrets(alice.secrets) == []


@pytest.mark.django_db
def test_another_members_data_is_untouched(django_capture_on_commit_callbacks, attachment_storage):  # noqa: F811
    alice = make_world("alice")
    bob = make_world("bob")
    # Bob's order placed with Alice's address stays Bob's; a stranger's guest order stays too.
    bobs_with_alices_address = Order.objects.create(
        customer=bob.user, email=alice.verified_email, shipping_address="bob Elsewhere 9"
    )
    stranger = Order.objects.create(email="stranger@example.org", shipping_address="Far away 1")
    others_before = list(
        Order.objects.filter(pk__in=[bobs_with_alices_address.pk, stranger.pk]).values()
    )
    bob_before = snapshot(bob)

    erase_now(alice.user, django_capture_on_commit_callbacks)

    assert snapshot(bob) == bob_before
    assert (
        list(Order.objects.filter(pk__in=[bobs_with_alices_address.pk, stranger.pk]).values())
        == others_before
    )
    assert attachment_storage.exists(bob.file_name)
    assert Client().login(username="bob", password=PASSWORD)


@pytest.mark.django_db
def test_receipt_holds_no_personal_data_and_is_mailed_to_the_old_address(
    django_capture_on_commit_callbacks,
):
    alice = make_world("alice")
    mail.outbox.clear()

    dsr = erase_through_request(alice.user, django_capture_on_commit_callbacks)

    assert dsr.status == DataSubjectRequest.DONE
    receipt = json.dumps(dsr.outcome).lower()
    assert [s for s in alice.secrets if s.lower() in receipt] == []
    outcomes = [(i["model"], i["outcome"], i["count"]) for i in dsr.outcome["items"]]
    assert ("testapp.Order", "deleted", 2) in outcomes
    assert ("testapp.Order", "anonymised", 3) in outcomes
    assert dsr.outcome["request_id"] == dsr.pk

    receipts = [m for m in mail.outbox if m.to == [alice.account_email]]
    assert len(receipts) == 1, [m.to for m in mail.outbox]
    body = receipts[0].body
    young = next(i for i in dsr.outcome["items"] if i["outcome"] == "anonymised" and
                 i["model"] == "testapp.Order")  # fmt: skip
    assert "- Orders (2): deleted" in body
    dates = "; ".join(
        f"1 kept until {formats.date_format(date.fromisoformat(day), 'DATE_FORMAT')}"
        for day, _count in young["until_dates"]
    )
    assert f"- Orders (3): anonymised, {dates} — {ORDER_REASON}" in body
    assert "- Profiles (1): deleted" in body
    assert "- Your consent history (1): anonymised" in body
    assert "- Your account (1):" in body
    html_body = receipts[0].alternatives[0][0]
    assert "Orders (2): deleted" in html_body
    for text in (body, html_body, receipts[0].subject):
        assert [s for s in alice.secrets if s.lower() in text.lower()] == []


@pytest.mark.django_db
def test_the_request_is_kept_minimised_as_proof(django_capture_on_commit_callbacks):
    alice = make_world("alice")

    dsr = erase_through_request(alice.user, django_capture_on_commit_callbacks)

    kept = DataSubjectRequest.objects.get(pk=dsr.pk)
    assert kept.kind == DataSubjectRequest.ERASURE and kept.status == DataSubjectRequest.DONE
    assert kept.contact_email == f"erased-{kept.pk}@erased.invalid"
    assert kept.completed_at is not None
    assert kept.member_id is None
    assert not User.objects.filter(pk=alice.user.pk).exists()


# -- the privacy centre -------------------------------------------------------------------------


def plain_text(markup: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def logged_in(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_the_erase_page_shows_the_plan_in_plain_language(centre):  # noqa: F811
    alice = make_world("alice")
    young = next(i for i in erasure.build_plan(alice.user).items if i.outcome == "anonymised"
                 and i.model == "testapp.Order")  # fmt: skip

    response = logged_in("alice").get(url_of(centre, "erase/"))

    assert response.status_code == 200
    markup = response.content.decode()
    assert 'name="password"' in markup and 'name="confirm"' in markup
    page = plain_text(markup)
    assert "This is exactly what will happen to your data if you confirm:" in page
    assert "Orders (2 items): deleted" in page
    assert (
        "Orders (3 items): anonymised: what identifies you goes now, the rest is kept as each "
        "record below says"
    ) in page
    for day, _count in young.until_dates:
        assert f"kept until {formats.date_format(date.fromisoformat(day), 'DATE_FORMAT')}" in page
    assert f"Why: {ORDER_REASON}" in page
    assert "Email: replaced by an address that reaches nobody" in page
    assert "Shipping address: emptied" in page
    assert "Attachments (1 item): anonymised Upload: the stored file is deleted" in page
    assert "Profiles (1 item): deleted" in page
    assert "Visits (3 items): deleted" in page
    assert "Form submissions (1 item): deleted" in page
    assert "Your consent history (1 item): anonymised" in page
    assert "Your account (1 item):" in page
    assert "Copies of your data" not in page  # none stored: not listed


@pytest.mark.django_db
def test_wrong_password_erases_nothing(centre, django_capture_on_commit_callbacks):  # noqa: F811
    alice = make_world("alice")
    client = logged_in("alice")
    before = snapshot(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_of(centre, "erase/"), {"password": "wrong", "confirm": "on"})

    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert not DataSubjectRequest.objects.filter(kind=DataSubjectRequest.ERASURE).exists()
    assert snapshot(alice) == before


@pytest.mark.django_db
def test_missing_confirmation_erases_nothing(centre, django_capture_on_commit_callbacks):  # noqa: F811
    alice = make_world("alice")
    client = logged_in("alice")
    before = snapshot(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_of(centre, "erase/"), {"password": PASSWORD})

    assert response.status_code == 400
    assert not DataSubjectRequest.objects.filter(kind=DataSubjectRequest.ERASURE).exists()
    assert snapshot(alice) == before


@pytest.mark.django_db
def test_grace_period_then_cancel_keeps_everything(centre, django_capture_on_commit_callbacks):  # noqa: F811
    set_grace_days(3)
    alice = make_world("alice")
    client = logged_in("alice")
    before = snapshot(alice)
    known_activity = list(MemberActivity.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_of(centre, "erase/"), ERASE)

    dsr = open_erasure(alice.user)
    assert response.status_code == 303
    assert response["Location"] == url_of(centre, f"erase/{dsr.pk}/")
    assert dsr.status == DataSubjectRequest.SCHEDULED
    status_page = client.get(url_of(centre, f"erase/{dsr.pk}/")).content.decode()
    assert "Cancel: keep my data" in status_page
    assert "Until then you can cancel." in status_page

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(url_of(centre, f"erase/{dsr.pk}/"), {"action": "cancel"})

    assert cancelled.status_code == 303
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.CANCELLED
    # The grace period passes: a cancelled request is not released, and cannot be run.
    with django_capture_on_commit_callbacks(execute=True):
        assert worker_queue.release_scheduled(now=timezone.now() + timedelta(days=4)) == 0
        assert erasure.run_erasure_request(dsr.pk) == "skipped"
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.CANCELLED
    after = snapshot(alice)
    # Only the request itself was recorded in the member's activity; nothing was erased.
    assert list(
        MemberActivity.objects.filter(user=alice.user)
        .exclude(pk__in=known_activity)
        .values_list("kind", "detail")
    ) == [("request", f"erasure #{dsr.pk}")]
    assert after == before
    status_page = client.get(url_of(centre, f"erase/{dsr.pk}/"))
    assert status_page.status_code == 200
    assert "Cancel: keep my data" not in status_page.content.decode()


@pytest.mark.django_db
def test_grace_period_ends_and_the_erasure_runs(centre, django_capture_on_commit_callbacks):  # noqa: F811
    set_grace_days(3)
    alice = make_world("alice")
    client = logged_in("alice")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_of(centre, "erase/"), ERASE)
    dsr = open_erasure(alice.user)
    assert dsr.status == DataSubjectRequest.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        assert worker_queue.release_scheduled(now=timezone.now() + timedelta(days=2)) == 0
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.SCHEDULED
    assert Order.objects.filter(pk=alice.old_orders[0].pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert worker_queue.release_scheduled(now=timezone.now() + timedelta(days=4)) == 1

    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.DONE
    assert not Order.objects.filter(pk__in=[o.pk for o in alice.old_orders]).exists()
    assert not Profile.objects.filter(pk=alice.profile.pk).exists()
    assert not Client().login(username="alice", password=PASSWORD)


@pytest.mark.django_db
def test_a_second_erasure_request_is_refused(centre, django_capture_on_commit_callbacks):  # noqa: F811
    set_grace_days(3)
    make_world("alice")
    client = logged_in("alice")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_of(centre, "erase/"), ERASE)
    (first,) = DataSubjectRequest.objects.filter(kind=DataSubjectRequest.ERASURE)

    again = client.post(url_of(centre, "erase/"), ERASE)
    shown = client.get(url_of(centre, "erase/"))

    for response in (again, shown):
        assert response.status_code in (302, 303, 409)
        if response.status_code != 409:
            assert response["Location"] == url_of(centre, f"erase/{first.pk}/")
    with pytest.raises(erasure.RequestRefused):
        erasure.request_erasure(first.member)
    assert DataSubjectRequest.objects.filter(kind=DataSubjectRequest.ERASURE).count() == 1


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(centre):  # noqa: F811
    alice = make_member("alice")
    dsr = erasure.request_erasure(alice)

    for path in ("erase/", f"erase/{dsr.pk}/"):
        for method in ("get", "post"):
            response = getattr(Client(), method)(url_of(centre, path))
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/?next=")
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.QUEUED


@pytest.mark.django_db
def test_another_member_cannot_see_or_cancel_an_erasure(centre):  # noqa: F811
    set_grace_days(3)
    alice = make_member("alice")
    make_member("bob")
    dsr = erasure.request_erasure(alice)
    bob = logged_in("bob")

    assert bob.get(url_of(centre, f"erase/{dsr.pk}/")).status_code == 404
    assert bob.post(url_of(centre, f"erase/{dsr.pk}/"), {"action": "cancel"}).status_code == 404
    assert not erasure.cancel_erasure(User.objects.get(username="bob"), dsr.pk)
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_whole_flow_commits_logs_out_and_removes_the_file(attachment_storage, erasure_log):  # noqa: F811
    """Through the privacy centre with real commits: no grace period, the eager task runs."""
    page = add_privacy_centre()
    alice = make_world("alice")
    bob = make_world("bob")
    bob_before = snapshot(bob)
    client = logged_in("alice")
    mail.outbox.clear()

    response = client.post(url_of(page, "erase/"), ERASE)

    assert response.status_code == 200
    assert "Your data is being deleted" in response.content.decode()
    dsr = DataSubjectRequest.objects.get(kind=DataSubjectRequest.ERASURE)
    assert dsr.status == DataSubjectRequest.DONE
    assert not attachment_storage.exists(alice.file_name)
    assert attachment_storage.exists(bob.file_name)
    assert snapshot(bob) == bob_before
    assert [m.to for m in mail.outbox] == [[alice.account_email]]
    # Logged out, and the account can no longer be used.
    follow_up = client.get(url_of(page, "erase/"))
    assert follow_up.status_code == 302 and follow_up["Location"].startswith("/accounts/login/")
    assert not Client().login(username="alice", password=PASSWORD)
    assert len(log_lines(erasure_log)) == 1
    assert leftover_secrets(alice.secrets) == []


# -- legal holds ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_hold_blocks_the_plan_and_the_execution(erasure_log):  # noqa: F811
    alice = make_world("alice")
    LegalHold.objects.create(member=alice.user, reason="Open court case 2026-T-17")
    before = snapshot(alice)

    plan = erasure.build_plan(alice.user)

    assert plan.blocked_by == "Open court case 2026-T-17"
    assert [(i.outcome, i.reason) for i in plan.items] == [("held", "Open court case 2026-T-17")]
    with pytest.raises(erasure.ErasureBlocked) as blocked:
        erasure.execute(alice.user)
    assert blocked.value.message == "Open court case 2026-T-17"
    assert snapshot(alice) == before
    assert log_lines(erasure_log) == []


@pytest.mark.django_db
def test_a_member_hold_refuses_the_request_with_its_reason(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    LegalHold.objects.create(member=alice.user, reason="Open court case 2026-T-17")
    before = snapshot(alice)
    mail.outbox.clear()

    dsr = erase_through_request(alice.user, django_capture_on_commit_callbacks)

    assert dsr.status == DataSubjectRequest.REFUSED
    assert dsr.refusal_reason == "Open court case 2026-T-17"
    assert snapshot(alice) == before
    assert MemberActivity.objects.filter(user=alice.user, detail=f"erasure #{dsr.pk}").exists()
    (refusal,) = [m for m in mail.outbox if m.to == [alice.account_email]]
    assert "Open court case 2026-T-17" in refusal.body


@pytest.mark.django_db
def test_a_record_hold_keeps_that_order_and_the_rest_is_erased(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    held = alice.old_orders[0]  # would otherwise be deleted
    LegalHold.for_record(held, reason="Disputed invoice 4711").save()
    held_values = Order.objects.filter(pk=held.pk).values("email", "shipping_address").get()

    plan = erasure.build_plan(alice.user)

    orders = sorted((i.outcome, i.count, i.reason) for i in items_by_model(plan)["testapp.Order"])
    assert orders == [
        ("anonymised", 3, ORDER_REASON),
        ("deleted", 1, ""),
        ("held", 1, "Disputed invoice 4711"),
    ]
    assert not plan.blocked_by

    erase_now(alice.user, django_capture_on_commit_callbacks)

    kept = Order.objects.filter(pk=held.pk).values("email", "shipping_address").get()
    assert kept == held_values
    assert not Order.objects.filter(pk=alice.old_orders[1].pk).exists()
    assert not Profile.objects.filter(pk=alice.profile.pk).exists()
    for order in Order.objects.filter(pk__in=[o.pk for o in alice.kept_orders]):
        assert order.email == f"erased-{order.pk}@erased.invalid"


@pytest.mark.django_db
def test_expired_and_future_holds_block_nothing(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    now = timezone.now()
    LegalHold.objects.create(
        member=alice.user, reason="Settled case", starts_at=now - timedelta(days=90),
        ends_at=now - timedelta(days=1),
    )  # fmt: skip
    LegalHold.for_record(
        alice.old_orders[0], reason="Old dispute", starts_at=now - timedelta(days=90),
        ends_at=now - timedelta(minutes=1),
    ).save()  # fmt: skip

    plan = erasure.build_plan(alice.user)

    assert not plan.blocked_by
    assert "held" not in {i.outcome for i in plan.items}
    assert [i.count for i in items_by_model(plan)["testapp.Order"] if i.outcome == "deleted"] == [2]
    erase_now(alice.user, django_capture_on_commit_callbacks)
    assert not Order.objects.filter(pk__in=[o.pk for o in alice.old_orders]).exists()
    assert not Profile.objects.filter(pk=alice.profile.pk).exists()


@pytest.mark.django_db
def test_a_hold_that_has_not_started_blocks_nothing():
    alice = make_world("alice")
    LegalHold.objects.create(
        member=alice.user, reason="Starts later", starts_at=timezone.now() + timedelta(days=1)
    )

    assert not erasure.build_plan(alice.user).blocked_by


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cancelled_request_cannot_be_executed(django_capture_on_commit_callbacks):
    set_grace_days(3)
    alice = make_world("alice")
    before = snapshot(alice)
    dsr = erasure.request_erasure(alice.user)
    assert erasure.cancel_erasure(alice.user, dsr.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure.run_erasure_request(dsr.pk) == "skipped"

    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.CANCELLED
    assert snapshot(alice) == before
    assert Order.objects.filter(customer=alice.user).count() == 4


@pytest.mark.django_db
def test_markup_in_a_hold_reason_is_escaped_on_the_plan_page(centre):  # noqa: F811
    alice = make_world("alice")
    client = logged_in("alice")
    record_reason = '<img src=x onerror="alert(1)"> dispute'
    LegalHold.for_record(alice.young_orders[0], reason=record_reason).save()

    record_page = client.get(url_of(centre, "erase/")).content.decode()

    assert record_reason not in record_page
    assert html.escape(record_reason) in record_page

    member_reason = "<script>alert('court')</script> & <b>case</b>"
    LegalHold.objects.create(member=alice.user, reason=member_reason)
    response = client.get(url_of(centre, "erase/"))
    blocked = client.post(url_of(centre, "erase/"), ERASE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in page and "<b>case</b>" not in page
    assert html.escape(member_reason) in page
    assert 'name="password"' not in page  # nothing to confirm while the hold lasts
    assert blocked.status_code == 409
    assert not DataSubjectRequest.objects.filter(kind=DataSubjectRequest.ERASURE).exists()
    assert Order.objects.filter(pk=alice.old_orders[0].pk).exists()


@pytest.mark.django_db
def test_wrong_passwords_are_throttled_and_nothing_is_erased(client, settings):
    from django.core.cache import cache

    from wagtail_gdpr.models import MemberActivity

    cache.clear()
    add_privacy_centre()
    alice = make_member("alice")
    client.force_login(alice)
    for _ in range(5):
        response = client.post("/privacy-centre/erase/", {"password": "guess", "confirm": "on"})
        assert "That is not your password." in response.content.decode()
    # The sixth try is refused even with the right password, and nothing is erased.
    response = client.post("/privacy-centre/erase/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 400
    assert "Too many wrong passwords" in response.content.decode()
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert MemberActivity.objects.filter(user=alice, kind="login_failed").count() == 5
    cache.clear()


@pytest.mark.django_db
def test_a_copy_being_prepared_does_not_outlive_the_erasure():
    """The worker of a copy requested just before erasure finds it cancelled and keeps nothing."""
    from wagtail_gdpr import erasure
    from wagtail_gdpr.models import AccessReport, DataSubjectRequest
    from wagtail_gdpr.requests import worker_queue

    alice = make_member("alice")
    copy = DataSubjectRequest.objects.create(kind="access", status="queued", member=alice)
    assert worker_queue.claim(copy.pk) is not None  # a worker has started on it

    erasure.execute(alice)

    copy.refresh_from_db()
    assert copy.status == DataSubjectRequest.CANCELLED
    assert access.build_access_report(copy.pk) == "skipped"
    assert not AccessReport.objects.filter(request=copy).exists()


# -- the planned rows, by their condition or by their ids ---------------------------------------


@pytest.mark.django_db
def test_rows_the_condition_no_longer_names_exactly_are_anonymised_by_their_ids():
    """An erasure updates the planned rows by their condition in one statement; where that
    names other rows than were planned, the planned ones are anonymised by id as well."""
    alice = make_world("alice")
    declaration = registry.get(Order)
    planned = [order.pk for order in alice.kept_orders]
    # The condition now names only one of them: the others must still be anonymised.
    condition = Order.objects.filter(pk=planned[0])

    execution.anonymise_planned(declaration, condition, planned, None)

    for order in Order.objects.filter(pk__in=planned):
        assert order.email == f"erased-{order.pk}@erased.invalid"
        assert order.shipping_address == ""


@pytest.mark.django_db
def test_rows_the_condition_no_longer_names_exactly_are_deleted_by_their_ids():
    alice = make_world("alice")
    declaration = registry.get(Visit)
    planned = list(Visit.objects.filter(user=alice.user).values_list("pk", flat=True))
    assert len(planned) > 1
    condition = Visit.objects.filter(pk=planned[0])

    execution.delete_planned(declaration, condition, planned)

    assert not Visit.objects.filter(pk__in=planned).exists()


@pytest.mark.django_db
def test_a_kept_rows_link_to_a_deleted_account_is_emptied_with_its_anonymisation():
    """Deleting the account would empty the kept orders' link to it in a second pass over
    them; the erasure empties it in the update that anonymises them, so that pass finds none."""
    alice = make_world("alice")
    kept = [order.pk for order in alice.kept_orders]
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        receipt = erasure.execute(alice.user)

    assert receipt["account"] == "deleted"
    assert list(Order.objects.filter(pk__in=kept).values_list("customer", flat=True)) == [
        None
    ] * len(kept)
    table = Order._meta.db_table
    anonymising = [s for s in statements if s.startswith(f'UPDATE "{table}" SET') and "email" in s]
    assert len(anonymising) == 1, anonymising
    assert '"customer_id" = NULL' in anonymising[0]  # so the deletion's own pass finds none


@pytest.mark.django_db
def test_a_consent_in_force_on_a_line_past_its_retention_does_not_stop_the_erasure():
    """The ledger line a consent in force rests on is protected while the state points to it:
    the member's states go first, then the old line, which is past its retention, goes too."""
    alice = make_world("alice")
    old = timezone.now() - timedelta(days=4 * 365)
    with connection.cursor() as cursor:  # the ledger refuses changes through the ORM
        cursor.execute(
            f"UPDATE {ConsentRecord._meta.db_table} SET created_at = %s WHERE id = %s",  # noqa: S608
            [old, alice.consent_record.pk],
        )

    receipt = erasure.execute(alice.user)

    assert receipt["account"] in ("deleted", "anonymised")
    assert not ConsentState.objects.filter(pk=alice.consent_state.pk).exists()
    assert not ConsentRecord.objects.filter(pk=alice.consent_record.pk).exists()
