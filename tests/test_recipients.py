"""Recipients are told of corrections and erasures (Art. 19), and the member sees it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from celery.exceptions import Retry
from django.test import Client
from django.utils import timezone
from wagtail import hooks

from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401  (autouse)
    make_member,
    make_staff,
    url_of,
)
from tests.conftest import broker_unreachable
from tests.testapp.models import Order, Profile
from wagtail_gdpr import erasure, recipients, rectification, tasks
from wagtail_gdpr.models import DataSubjectRequest
from wagtail_gdpr.registry import Recipient, registry

pytestmark = pytest.mark.django_db

R = DataSubjectRequest
ORDER = "testapp.Order"
DECLARED = ["Payment provider", "Carrier"]  # OrderData.recipients in tests/testapp/gdpr.py


@pytest.fixture
def centre(db):
    return add_privacy_centre()


@pytest.fixture(autouse=True)
def own_erasure_log(settings, tmp_path):
    settings.WAGTAIL_GDPR_ERASURE_LOG = str(tmp_path / "erasure-log.jsonl")


class Recorder:
    """A hook that records its calls and answers as told, per recipient."""

    def __init__(self, answers=None):
        self.calls = []
        self.answers = answers or {}

    def __call__(self, recipient, event):
        self.calls.append((recipient, event))
        answer = self.answers.get(recipient, f"ack-{recipient[:3]}")
        if isinstance(answer, Exception):
            raise answer
        return answer


def proposal(alice, order, value="New Street 9"):
    return rectification.propose(alice, ORDER, order.pk, "shipping_address", value, "I moved")


def entries(dsr) -> dict[str, dict]:
    dsr.refresh_from_db()
    return {e["recipient"]: e for e in dsr.outcome.get("recipients", [])}


# -- corrections -------------------------------------------------------------------------------


def test_an_approved_correction_is_told_to_each_declared_recipient(
    django_capture_on_commit_callbacks,
):
    alice, staff = make_member("alice"), make_staff()
    order = Order.objects.create(customer=alice, email="alice@example.com",
                                 shipping_address="Old Street 1")  # fmt: skip
    dsr = proposal(alice, order)
    hook = Recorder()

    with (
        hooks.register_temporarily(recipients.HOOK, hook),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rectification.approve(dsr, staff)

    assert sorted(recipient for recipient, _event in hook.calls) == sorted(DECLARED)
    for _recipient, event in hook.calls:
        assert event == {
            "id": f"{dsr.pk}:{ORDER}:corrected",
            "kind": "rectification",
            "request_id": dsr.pk,
            "model": ORDER,
            "action": "corrected",
            "rows": 1,
            "fields": ["shipping_address"],
        }
    told = entries(dsr)
    assert set(told) == set(DECLARED)
    assert told["Carrier"]["status"] == recipients.ACKNOWLEDGED
    assert told["Carrier"]["reference"] == "ack-Car"
    assert told["Carrier"]["attempts"] == 1
    assert told["Payment provider"]["status"] == recipients.ACKNOWLEDGED
    assert dsr.outcome["decision"] == "approved"  # the rest of the outcome is kept
    assert "Street" not in json.dumps(hook.calls)  # no values go out


def test_the_recipients_are_recorded_with_the_change_and_told_only_after_commit():
    alice, staff = make_member("alice"), make_staff()
    order = Order.objects.create(customer=alice, shipping_address="Old Street 1")
    dsr = proposal(alice, order)
    hook = Recorder()

    with hooks.register_temporarily(recipients.HOOK, hook):
        approved = rectification.approve(dsr, staff)  # the test's transaction never commits

    assert hook.calls == []
    told = entries(dsr)
    assert {e["status"] for e in told.values()} == {recipients.PENDING}
    assert approved.outcome["recipients"] == dsr.outcome["recipients"]  # the instance too


def test_a_direct_edit_of_data_nobody_receives_tells_nobody(django_capture_on_commit_callbacks):
    alice = make_member("alice")
    profile = Profile.objects.create(user=alice, phone="1", birth_date=date(1990, 1, 1))
    hook = Recorder()

    with (
        hooks.register_temporarily(recipients.HOOK, hook),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        dsr = rectification.apply_direct(alice, "testapp.Profile", profile.pk, "phone", "2")

    assert hook.calls == [] and callbacks == []
    dsr.refresh_from_db()
    assert "recipients" not in dsr.outcome


def test_a_direct_edit_of_received_data_is_told_too(
    django_capture_on_commit_callbacks, monkeypatch
):
    alice = make_member("alice")
    profile = Profile.objects.create(user=alice, phone="1")
    hook = Recorder()
    monkeypatch.setattr(
        registry.get(Profile), "recipients", [Recipient("Loyalty partner", country="SE")]
    )
    with (
        hooks.register_temporarily(recipients.HOOK, hook),
        django_capture_on_commit_callbacks(execute=True),
    ):
        dsr = rectification.apply_direct(alice, "testapp.Profile", profile.pk, "phone", "2")

    assert [(r, e["fields"], e["kind"]) for r, e in hook.calls] == [
        ("Loyalty partner", ["phone"], "rectification")
    ]
    assert entries(dsr)["Loyalty partner"]["status"] == recipients.ACKNOWLEDGED


# -- erasure -----------------------------------------------------------------------------------


def test_an_erasure_is_told_to_each_recipient_of_the_affected_data(
    django_capture_on_commit_callbacks,
):
    alice = make_member("alice")
    now = timezone.now()
    Order.objects.create(customer=alice, email="alice@example.com", shipping_address="Old 1",
                         created_at=now - timedelta(days=365 * 9))  # fmt: skip
    for i in range(2):
        Order.objects.create(customer=alice, email="alice@example.com",
                             shipping_address=f"Young {i}")  # fmt: skip
    dsr = erasure.request_erasure(alice)
    hook = Recorder()

    with (
        hooks.register_temporarily(recipients.HOOK, hook),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert erasure.run_erasure_request(dsr.pk) == "done"

    events = sorted((r, e["action"], e["rows"], tuple(e["fields"])) for r, e in hook.calls)
    assert events == [
        ("Carrier", "anonymised", 2, ("email", "shipping_address")),
        ("Carrier", "deleted", 1, ()),
        ("Payment provider", "anonymised", 2, ("email", "shipping_address")),
        ("Payment provider", "deleted", 1, ()),
    ]
    assert {e["kind"] for _r, e in hook.calls} == {"erasure"}
    assert {e["request_id"] for _r, e in hook.calls} == {dsr.pk}
    assert "alice" not in json.dumps(hook.calls)
    dsr.refresh_from_db()
    assert dsr.status == R.DONE
    assert dsr.outcome["items"]  # the receipt is kept beside the recipients
    assert len(dsr.outcome["recipients"]) == 4
    assert {e["status"] for e in dsr.outcome["recipients"]} == {recipients.ACKNOWLEDGED}


# -- hooks' answers ----------------------------------------------------------------------------


def approved_correction(staff=None, member="alice") -> R:
    """An approved correction with its recipients recorded, not yet told (nothing committed)."""
    alice = make_member(member)
    order = Order.objects.create(customer=alice, shipping_address="Old Street 1")
    dsr = proposal(alice, order)
    with hooks.register_temporarily(recipients.HOOK, Recorder()):
        rectification.approve(dsr, staff or make_staff())
    return dsr


def test_a_failing_hook_is_recorded_as_failed_and_succeeds_later():
    dsr = approved_correction()
    flaky = Recorder({"Carrier": ConnectionError("carrier.example.net said no to alice")})

    with hooks.register_temporarily(recipients.HOOK, flaky):
        counts = recipients.deliver(dsr.pk)

    assert counts == {recipients.ACKNOWLEDGED: 1, recipients.FAILED: 1}
    told = entries(dsr)
    assert told["Carrier"]["status"] == recipients.FAILED
    assert told["Carrier"]["error"] == "ConnectionError"  # the type only, never the message
    assert "alice" not in json.dumps(dsr.outcome)

    fixed = Recorder()
    with hooks.register_temporarily(recipients.HOOK, fixed):
        counts = recipients.deliver(dsr.pk)

    assert [recipient for recipient, _event in fixed.calls] == ["Carrier"]  # not told twice
    told = entries(dsr)
    assert told["Carrier"]["status"] == recipients.ACKNOWLEDGED
    assert told["Carrier"]["attempts"] == 2 and told["Carrier"]["error"] == ""
    assert told["Payment provider"]["attempts"] == 1
    assert counts == {recipients.ACKNOWLEDGED: 2}


def test_false_is_a_failure_none_is_not_mine_and_nobody_answering_means_staff_do_it():
    dsr = approved_correction()
    answers = {"Carrier": False, "Payment provider": None}
    with hooks.register_temporarily(recipients.HOOK, Recorder(answers)):
        recipients.deliver(dsr.pk)
    told = entries(dsr)
    assert told["Carrier"]["status"] == recipients.FAILED
    assert told["Payment provider"]["status"] == recipients.MANUAL

    other = approved_correction(make_staff("staff2"), "bob")
    first = Recorder({"Carrier": None, "Payment provider": None})
    second = Recorder({"Payment provider": None})
    with (
        hooks.register_temporarily(recipients.HOOK, first),
        hooks.register_temporarily(recipients.HOOK, second),
    ):
        recipients.deliver(other.pk)
    told = entries(other)
    assert told["Carrier"]["status"] == recipients.ACKNOWLEDGED  # the second hook took it
    assert told["Payment provider"]["status"] == recipients.MANUAL


def test_without_any_hook_the_recipients_are_left_to_staff():
    alice, staff = make_member("alice"), make_staff()
    order = Order.objects.create(customer=alice, shipping_address="Old Street 1")
    dsr = proposal(alice, order)
    rectification.approve(dsr, staff)
    assert {e["status"] for e in entries(dsr).values()} == {recipients.MANUAL}


# -- the task retries ------------------------------------------------------------------------


def test_the_task_retries_with_growing_pauses_while_a_recipient_fails(monkeypatch):
    dsr = approved_correction()
    retried = []

    def fake_retry(**kwargs):
        retried.append(kwargs)
        return Retry("again", when=kwargs.get("countdown"))

    monkeypatch.setattr(tasks.notify_recipients, "retry", fake_retry)
    failing = Recorder({"Carrier": TimeoutError()})

    with hooks.register_temporarily(recipients.HOOK, failing):
        for retries, countdown in ((0, 60), (1, 120), (5, 1920), (7, 3600)):
            tasks.notify_recipients.push_request(retries=retries)
            try:
                with pytest.raises(Retry):
                    tasks.notify_recipients.run(dsr.pk)
            finally:
                tasks.notify_recipients.pop_request()
            assert retried[-1] == {"countdown": countdown}
        # The last attempt gives up quietly: the recipient stays "failed" for staff to follow.
        tasks.notify_recipients.push_request(retries=tasks.notify_recipients.max_retries)
        try:
            counts = tasks.notify_recipients.run(dsr.pk)
        finally:
            tasks.notify_recipients.pop_request()

    assert counts == {recipients.ACKNOWLEDGED: 1, recipients.FAILED: 1}
    assert len(retried) == 4
    assert entries(dsr)["Carrier"]["attempts"] == 5


def test_the_task_does_not_retry_when_everyone_answered(monkeypatch):
    dsr = approved_correction()
    monkeypatch.setattr(
        tasks.notify_recipients, "retry", lambda **kw: pytest.fail("retried for nothing")
    )
    with hooks.register_temporarily(recipients.HOOK, Recorder()):
        assert tasks.notify_recipients(dsr.pk) == {recipients.ACKNOWLEDGED: 2}


def test_enqueueing_never_breaks_the_caller(settings):
    dsr = approved_correction()
    settings.WAGTAIL_GDPR_JOBS = "celery"  # a site with a broker, which is down

    with broker_unreachable(), hooks.register_temporarily(recipients.HOOK, Recorder()):
        recipients.enqueue(dsr.pk)  # falls back to telling them from here
    assert {e["status"] for e in entries(dsr).values()} == {recipients.ACKNOWLEDGED}

    other = approved_correction(make_staff("staff2"), "bob")
    failing = Recorder({"Carrier": RuntimeError()})
    with broker_unreachable(), hooks.register_temporarily(recipients.HOOK, failing):
        recipients.enqueue(other.pk)
    assert entries(other)["Carrier"]["status"] == recipients.FAILED


def test_unfinished_requests_are_found_again(monkeypatch):
    done = approved_correction()
    with hooks.register_temporarily(recipients.HOOK, Recorder()):
        recipients.deliver(done.pk)
    waiting = approved_correction(make_staff("staff2"), "bob")
    sent = []
    monkeypatch.setattr(recipients, "enqueue", sent.append)
    assert recipients.requeue_unfinished() == 1
    assert sent == [waiting.pk]


# -- the member sees it ------------------------------------------------------------------------


def test_the_member_sees_who_was_told_on_the_requests_page(centre):
    dsr = approved_correction()
    with hooks.register_temporarily(recipients.HOOK, Recorder({"Carrier": ConnectionError()})):
        recipients.deliver(dsr.pk)
    client = Client()
    client.force_login(dsr.member)

    page = client.get(url_of(centre, f"requests/{dsr.pk}/"))

    assert page.status_code == 200
    content = page.content.decode()
    assert content.count("<h1") == 1
    assert "Who we told" in content
    assert "Payment provider" in content and "Told; they confirmed it" in content
    assert "Carrier" in content and "Not reached yet" in content
    assert "Orders (corrected)" in content
    assert "ConnectionError" not in content


def test_with_eager_tasks_a_failing_recipient_does_not_break_the_change(
    django_capture_on_commit_callbacks,
):
    """The example site runs tasks in-process: retries then run at once, and must not escape."""
    alice, staff = make_member("alice"), make_staff()
    order = Order.objects.create(customer=alice, shipping_address="Old Street 1")
    dsr = proposal(alice, order)
    with (
        hooks.register_temporarily(recipients.HOOK, Recorder({"Carrier": ConnectionError()})),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rectification.approve(dsr, staff)
    told = entries(dsr)
    assert told["Carrier"]["status"] == recipients.FAILED
    assert told["Carrier"]["attempts"] == 1  # tried once, left for requeue_unfinished()
    assert told["Payment provider"]["status"] == recipients.ACKNOWLEDGED
    assert R.objects.get(pk=dsr.pk).status == R.DONE
