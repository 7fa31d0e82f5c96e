"""The access flow on a real Celery worker over a real Redis broker, and its failures."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.access_helpers import add_privacy_centre
from tests.conftest import broker_unreachable, wait_for
from tests.testapp.gdpr import OrderData
from tests.testapp.models import Order, Shop
from tests.testapp.wagtail_hooks import SLOW_REPORT_MARKER
from wagtail_gdpr import tasks
from wagtail_gdpr.models import AccessReport, DataSubjectRequest

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def centre():
    return add_privacy_centre()


def member(username, **orders):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    for _ in range(orders.get("orders", 3)):
        Order.objects.create(customer=user, email=user.email, shipping_address=f"{username} 1")
    client = Client()
    assert client.login(username=username, password="pw")
    return user, client


def request_copy(client) -> DataSubjectRequest:
    response = client.post("/privacy-centre/copy/")
    assert response.status_code == 303, response.content[:500]
    return DataSubjectRequest.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def status_of(dsr):
    dsr.refresh_from_db()
    return dsr.status


def test_whole_access_flow_on_a_real_worker(worker, centre, settings):
    alice, alice_client = member("alice", orders=4)
    _bob, bob_client = member("bob")

    dsr = request_copy(alice_client)
    wait_for(lambda: status_of(dsr) == "done", timeout=60, message="the worker to finish")

    # The member is emailed, by the worker, a link to the status page (no data in the mail).
    mail = wait_for(lambda: [m for m in worker.emails() if "alice@example.com" in m], timeout=30)
    assert f"/privacy-centre/copy/{dsr.pk}/" in mail[-1]
    assert "alice 1" not in mail[-1]

    status_page = alice_client.get(f"/privacy-centre/copy/{dsr.pk}/")
    assert b"download/" in status_page.content
    response = alice_client.get(f"/privacy-centre/copy/{dsr.pk}/download/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"data.json", "index.html", "manifest.json", "csv/orders.csv"} <= names
    data = json.loads(archive.read("data.json"))
    orders = next(s for s in data["sections"] if s["model"] == "testapp.Order")
    assert len(orders["rows"]) == 4
    labels = [OrderData(Order).field_label(n) for n in OrderData.fields]
    assert orders["columns"] == [*labels, "Kept until"]
    manifest = json.loads(archive.read("manifest.json"))
    assert {f["name"] for f in manifest["files"]} == names - {"manifest.json"}
    report = AccessReport.objects.get(request=dsr)
    assert report.downloads == 1

    # Nobody else gets the file, and nothing tells them it exists.
    assert bob_client.get(f"/privacy-centre/copy/{dsr.pk}/download/").status_code == 404
    anonymous = Client().get(f"/privacy-centre/copy/{dsr.pk}/download/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    AccessReport.objects.filter(pk=report.pk).update(expires_at=timezone.now() - timedelta(1))
    assert alice_client.get(f"/privacy-centre/copy/{dsr.pk}/download/").status_code == 404


def test_broker_down_keeps_the_request_and_recovery_completes_it(worker, centre, caplog):
    _alice, client = member("alice")
    with broker_unreachable():
        dsr = request_copy(client)

    assert status_of(dsr) == "queued"  # saved, not lost
    assert dsr.enqueued_at is None
    assert "stays queued for the sweep" in caplog.text
    page = client.get(f"/privacy-centre/copy/{dsr.pk}/")
    assert "Waiting to be processed" in page.content.decode()
    assert page["Refresh"] == "5"

    tasks.requeue_stuck_requests.delay()  # the broker is back; the periodic recovery runs

    wait_for(lambda: status_of(dsr) == "done", timeout=60, message="recovery to finish it")
    assert AccessReport.objects.filter(request=dsr).count() == 1


def test_worker_killed_mid_report_completes_once(worker, centre):
    _alice, client = member("alice")
    Shop.objects.create(name=f"{SLOW_REPORT_MARKER}30")  # the report now takes 30 s

    dsr = request_copy(client)
    wait_for(lambda: status_of(dsr) == "running", timeout=30, message="the worker to start")
    worker.kill()  # SIGKILL in the middle of writing the report

    dsr.refresh_from_db()
    assert dsr.status == "running" and dsr.attempts == 1
    assert not AccessReport.objects.filter(request=dsr).exists()
    # A second run while the first worker's lease is fresh does nothing.
    from wagtail_gdpr.requests import worker_queue

    assert worker_queue.claim(dsr.pk) is None

    Shop.objects.filter(name__startswith=SLOW_REPORT_MARKER).delete()
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        heartbeat_at=timezone.now() - worker_queue.lease() - timedelta(seconds=1)
    )  # the lease runs out, as it would minutes after the death
    worker.start()
    tasks.requeue_stuck_requests.delay()
    tasks.build_access_report.delay(dsr.pk)  # a duplicate message changes nothing

    wait_for(lambda: status_of(dsr) == "done", timeout=60, message="the new worker to finish")
    dsr.refresh_from_db()
    assert dsr.attempts == 2
    assert AccessReport.objects.filter(request=dsr).count() == 1
    response = client.get(f"/privacy-centre/copy/{dsr.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "data.json" in archive.namelist()
