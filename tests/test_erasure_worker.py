"""Erasure on a real worker over Redis: one killed mid-erasure leaves nothing half-done."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.conftest import wait_for
from tests.testapp.models import Order, OrderNote, Shop
from tests.testapp.signals import SLOW_ERASURE_MARKER
from wagtail_gdpr import erasure, tasks
from wagtail_gdpr.erasure import log as erasure_log
from wagtail_gdpr.models import DataSubjectRequest
from wagtail_gdpr.requests import worker_queue

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def status_of(dsr):
    dsr.refresh_from_db()
    return dsr.status


def test_worker_killed_mid_erasure_leaves_nothing_half_done_and_completes_once(worker):
    started = timezone.now()
    User = get_user_model()
    member = User.objects.create_user("alice", "alice@example.com", "pw")
    bystander = User.objects.create_user("bob", "bob@example.com", "pw")
    order = Order.objects.create(customer=member, email="alice@example.com", shipping_address="A 1")
    OrderNote.objects.create(order=order, text="leave at the door")
    bobs = Order.objects.create(customer=bystander, email="bob@example.com", shipping_address="B 2")
    Shop.objects.create(name=f"{SLOW_ERASURE_MARKER}30")  # each note takes 30 s to delete

    dsr = erasure.request_erasure(member)
    wait_for(lambda: status_of(dsr) == "running", timeout=30, message="the worker to start")
    time.sleep(2)  # well inside the erasure's transaction
    worker.kill()

    # Nothing half-erased: the transaction died with the worker.
    assert User.objects.filter(pk=member.pk).exists()
    order.refresh_from_db()
    assert (order.email, order.shipping_address) == ("alice@example.com", "A 1")
    assert OrderNote.objects.filter(order=order).count() == 1
    assert status_of(dsr) == "running"

    Shop.objects.filter(name__startswith=SLOW_ERASURE_MARKER).delete()
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        heartbeat_at=timezone.now() - worker_queue.lease() - timedelta(seconds=1)
    )
    worker.start()
    tasks.requeue_stuck_requests.delay()
    tasks.run_erasure.delay(dsr.pk)  # a duplicate delivery changes nothing

    wait_for(lambda: status_of(dsr) == "done", timeout=60, message="the erasure to finish")
    dsr.refresh_from_db()
    assert dsr.attempts == 2
    assert dsr.member_id is None
    assert not User.objects.filter(pk=member.pk).exists()
    order.refresh_from_db()
    assert order.email == f"erased-{order.pk}@erased.invalid" and order.shipping_address == ""
    assert not OrderNote.objects.filter(order=order).exists()
    bobs.refresh_from_db()
    assert (bobs.email, bobs.shipping_address) == ("bob@example.com", "B 2")
    # Carried out exactly once: one log entry for the request.
    logged = [e for e in erasure_log.entries(since=started) if e["request_id"] == dsr.pk]
    assert len(logged) == 1
