"""Connectors on a real worker, delivering to the example CRM served by a live server."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.test import Client

from example_site.crm import receiver
from example_site.crm.models import Availability, Customer, ReceivedEvent
from tests.access_helpers import add_privacy_centre
from tests.conftest import wait_for
from tests.connector_helpers import CRM_NAME, connect_crm, member_with_crm_record, validate
from wagtail_gdpr import erasure
from wagtail_gdpr.connectors import delivery, in_words
from wagtail_gdpr.models import ConnectorEvent, DataSubjectRequest

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def crm(live_server):
    add_privacy_centre()
    return connect_crm(live_server.url)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status_of(dsr) -> str:
    dsr.refresh_from_db()
    return dsr.status


def request_copy(client) -> DataSubjectRequest:
    response = client.post("/privacy-centre/copy/")
    assert response.status_code == 303, response.content[:500]
    return DataSubjectRequest.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def copy_data(client, dsr) -> dict:
    response = client.get(f"/privacy-centre/copy/{dsr.pk}/download/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return json.loads(archive.read("data.json")), archive.read("index.html").decode()


def crm_section(data: dict) -> dict:
    return next(s for s in data["sections"] if s["name"] == CRM_NAME)


def test_access_copy_has_the_crm_section_and_nobody_elses_data(worker, crm):
    alice = member_with_crm_record("alice", name="Alice Andersson", notes="Prefers email")
    member_with_crm_record("bob", name="Bob Berg", notes="Bob's own note")
    client = logged_in(alice)

    dsr = request_copy(client)
    wait_for(lambda: status_of(dsr) == "done", timeout=60, message="the copy to be finished")

    event = ConnectorEvent.objects.get(request=dsr)
    assert (event.status, event.answer, event.attempts) == ("answered", "data", 0)
    received = ReceivedEvent.objects.get(event_id=str(event.idempotency_key))
    validate("answer-access", received.answer)
    data, index = copy_data(client, dsr)
    section = crm_section(data)
    assert section["columns"] == ["Name", "Email", "Phone", "Notes"]
    assert section["rows"] == [["Alice Andersson", "alice@example.com", "+46 70 000 00 00",
                                "Prefers email"]]  # fmt: skip
    assert CRM_NAME in index and "Alice Andersson" in index
    assert "Bob" not in json.dumps(data) and "Bob" not in index
    # What the CRM was told: the member's id and confirmed address, nothing more.
    event.refresh_from_db()
    assert "subject" not in event.payload  # minimised once answered


def test_erasure_confirmed_by_the_crm_later_and_the_replayed_callback_is_refused(worker, crm):
    Availability.objects.create(answer_later=True)  # the CRM answers through the callback URL
    alice = member_with_crm_record("alice")
    bob = member_with_crm_record("bob")

    dsr = erasure.request_erasure(alice)
    wait_for(lambda: status_of(dsr) == "done", timeout=60, message="the erasure to be done")
    event = wait_for(
        lambda: ConnectorEvent.objects.filter(request=dsr, status="answered").first(),
        timeout=30,
        message="the CRM's answer through the callback",
    )
    assert event.answer == "confirmed"
    assert not Customer.objects.filter(email="alice@example.com").exists()
    assert Customer.objects.filter(member_id=str(bob.pk)).count() == 1
    assert in_words.for_member(dsr) == [
        {"system": CRM_NAME, "state": "It confirmed that your data there is erased."}
    ]
    # The same answer again, freshly and correctly signed: accepted once, refused now.
    answered_at = event.answered_at
    status = receiver.post_answer(
        settings.CRM_GDPR_SECRET,
        delivery.callback_url(event),
        {"id": str(event.idempotency_key), "status": "refused", "reason": "changed my mind"},
    )
    assert status == 409
    event.refresh_from_db()
    assert (event.answer, event.answered_at, event.answer_reason) == ("confirmed", answered_at, "")


def test_erasure_refused_by_the_crm_shows_its_reason_to_the_member(worker, crm):
    alice = member_with_crm_record("alice", unpaid_invoice=True)
    dsr = erasure.request_erasure(alice)
    event = wait_for(
        lambda: ConnectorEvent.objects.filter(request=dsr, status="answered").first(),
        timeout=60,
        message="the CRM's answer",
    )
    assert (event.answer, event.answer_reason) == (
        "refused",
        "An unpaid invoice must be kept until it is paid.",
    )
    assert Customer.objects.filter(email="alice@example.com").exists()
    assert in_words.for_member(dsr)[0]["state"] == (
        "It refused: An unpaid invoice must be kept until it is paid."
    )


def test_crm_down_then_recovered_delivers_once_and_loses_nothing(worker, crm):
    Availability.objects.create(down=True)
    alice = member_with_crm_record("alice", name="Alice Andersson")
    client = logged_in(alice)

    dsr = request_copy(client)
    event = wait_for(
        lambda: ConnectorEvent.objects.filter(request=dsr, attempts__gte=2).first(),
        timeout=60,
        message="two failed attempts",
    )
    assert (event.status, event.last_error) == ("pending", "HTTP 503")
    assert status_of(dsr) == "queued"  # the copy waits for the CRM
    assert in_words.for_member(dsr)[0]["state"] == "We could not reach it yet; we keep trying."

    Availability.objects.update(down=False)
    wait_for(lambda: status_of(dsr) == "done", timeout=90, message="the copy after recovery")
    event.refresh_from_db()
    assert event.status == "answered"
    assert ReceivedEvent.objects.filter(event_id=str(event.idempotency_key)).count() == 1
    data, _index = copy_data(client, dsr)
    assert crm_section(data)["rows"][0][0] == "Alice Andersson"


def test_bad_signatures_are_refused_both_ways(worker, crm, live_server):
    alice = member_with_crm_record("alice")
    dsr = erasure.request_erasure(alice)
    event = wait_for(
        lambda: ConnectorEvent.objects.filter(request=dsr, status="answered").first(),
        timeout=60,
        message="the CRM's answer",
    )

    # The CRM refuses an event signed with another secret, and changes nothing.
    Customer.objects.create(email="carol@example.com", name="Carol")
    forged = dict(event.payload, id="9c1f2c1e-0000-4000-8000-000000000000", type="erasure",
                  subject={"member_id": "0", "emails": ["carol@example.com"]},
                  callback_url=delivery.callback_url(event))  # fmt: skip
    body = json.dumps(forged).encode()
    response = Client().post(
        "/crm/gdpr/", body, content_type="application/json",
        headers={"Gdpr-Signature": receiver.sign("not-the-secret", body)},
    )  # fmt: skip
    assert response.status_code == 401
    assert Customer.objects.filter(email="carol@example.com").exists()

    # A correctly signed event sent twice, byte for byte, is a replay: refused the second time.
    body = json.dumps(dict(forged, id="9c1f2c1e-0000-4000-8000-000000000001")).encode()
    signature = receiver.sign(settings.CRM_GDPR_SECRET, body)
    headers = {"Gdpr-Signature": signature}
    first = Client().post("/crm/gdpr/", body, content_type="application/json", headers=headers)
    again = Client().post("/crm/gdpr/", body, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (200, 409)

    # Our callback refuses an answer signed with another secret.
    other = DataSubjectRequest.objects.create(kind="erasure", status="done")
    pending = ConnectorEvent.objects.create(
        request=other, connector_key="crm", connector_name=CRM_NAME, kind="erasure",
        status="awaiting_answer", answer_by=event.answer_by,
    )  # fmt: skip
    answer = {"id": str(pending.idempotency_key), "status": "confirmed"}
    assert receiver.post_answer("not-the-secret", delivery.callback_url(pending), answer) == 401
    pending.refresh_from_db()
    assert pending.status == "awaiting_answer"
    assert (
        receiver.post_answer(settings.CRM_GDPR_SECRET, delivery.callback_url(pending), answer)
        == 200
    )
