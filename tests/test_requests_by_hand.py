"""Requests received by letter, phone, email or in person, added by staff with the legal clock
(WordPress's "Add request", with a due date)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.access_helpers import make_member, make_superuser
from tests.test_queue import QUEUE, logged_in, make_editor, make_officer
from wagtail_gdpr import audit
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.staff import actions, rules

pytestmark = pytest.mark.django_db

ADD = f"{QUEUE}add/"


def form(**changes) -> dict:
    received = timezone.localtime() - timedelta(days=3)
    data = {
        "kind": R.OBJECTION,
        "received_via": R.BY_PHONE,
        "received_at": received.strftime("%Y-%m-%d %H:%M"),
        "member": "alice",
        "requester_name": "",
        "contact_email": "",
        "contact_details": "",
        "details": "Stop the surveys, please.",
        "purpose": "",
        "identity_verified": "no",
        "identity_check": "Call back on the number in the account.",
    }
    return {**data, **changes}


@pytest.fixture
def alice():
    return make_member("alice", email="alice@example.com")


def test_a_phone_request_for_a_member_waits_for_the_identity_check(alice):
    officer = make_officer()
    client = logged_in(officer)
    page = client.get(ADD)
    assert page.status_code == 200
    body = page.content.decode()
    for name in ("kind", "received_via", "received_at", "member", "identity_check"):
        assert f'name="{name}"' in body, name
    assert "Add a request" in client.get(QUEUE).content.decode()  # from the listing

    response = client.post(ADD, form())

    assert response.status_code == 303
    dsr = R.objects.get()
    assert response["Location"] == f"{QUEUE}inspect/{dsr.pk}/"
    assert (dsr.kind, dsr.status, dsr.member, dsr.received_via) == (
        R.OBJECTION, R.UNVERIFIED, alice, R.BY_PHONE,
    )  # fmt: skip
    assert dsr.contact_email == "alice@example.com"  # the account's, for the answer
    assert dsr.added_by == officer and dsr.payload["message"] == "Stop the surveys, please."
    assert dsr.identity_check == "Call back on the number in the account."
    # The clock starts once the identity is checked.
    assert legal_clock.is_paused(dsr) and dsr.due_at is None
    entry = ModelLogEntry.objects.get(action=audit.ADDED_BY_HAND, object_id=str(dsr.pk))
    assert entry.user_id == officer.pk and entry.data["received_via"] == R.BY_PHONE
    assert "surveys" not in repr(entry.data) and "number" not in repr(entry.data)

    now = timezone.now()
    actions.verify_identity(dsr, officer, now=now)
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW
    assert dsr.due_at == legal_clock.due_date(now)
    inspect = client.get(f"{QUEUE}inspect/{dsr.pk}/").content.decode()
    assert "Phone" in inspect and "Call back on the number in the account." in inspect
    assert "Stop the surveys, please." in inspect and "Request added by staff" in inspect


def test_a_letter_whose_sender_was_known_runs_the_clock_from_the_day_it_arrived():
    officer = make_officer()
    received = timezone.localtime().replace(second=0, microsecond=0) - timedelta(days=10)
    response = logged_in(officer).post(
        ADD,
        form(
            kind=R.ACCESS,
            received_via=R.BY_LETTER,
            received_at=received.strftime("%Y-%m-%d %H:%M"),
            member="",
            requester_name="Erik Ek",
            contact_details="Storgatan 1\n753 20 Uppsala",
            identity_verified="yes",
            identity_check="Signed letter; a copy of the passport was shown at the desk.",
        ),
    )
    assert response.status_code == 303
    dsr = R.objects.get()
    assert dsr.status == R.IN_REVIEW and dsr.member is None
    assert dsr.requester_name == "Erik Ek" and dsr.contact_email == ""
    assert dsr.received_at == received
    assert dsr.due_at == legal_clock.due_date(received)
    assert dsr.verified_at is not None
    listing = logged_in(officer).get(QUEUE).content.decode()
    assert "Erik Ek" in listing
    # No account: staff link one, or answer by post and mark it delivered.
    assert rules.LINK_MEMBER in rules.available_actions(dsr)
    assert rules.DELIVER in rules.available_actions(dsr)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"member": "", "requester_name": ""}, "give the requester&#x27;s name"),
        ({"member": "", "requester_name": "Erik Ek"}, "Give an email address or other contact"),
        ({"identity_check": "  "}, "This field is required."),
        ({"received_via": R.ONLINE}, "Select a valid choice."),
        ({"member": "nobody"}, "No single account has this username or email address."),
    ],
)
def test_what_is_missing_is_asked_for_and_nothing_is_added(alice, changes, message):
    response = logged_in(make_officer()).post(ADD, form(**changes))
    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    assert not R.objects.exists()


def test_a_request_cannot_be_received_in_the_future(alice):
    officer = make_officer()
    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(rules.ActionRefused, match="cannot be in the future"):
        actions.add_request(
            officer,
            kind=R.ERASURE,
            received_via=R.BY_EMAIL,
            received_at=tomorrow,
            identity_verified=True,
            identity_check="Known address",
            member=alice,
        )
    assert not R.objects.exists()


def test_the_purpose_of_an_objection_can_be_given_at_once(alice):
    officer = make_officer()
    logged_in(officer).post(ADD, form(identity_verified="yes", purpose="security-of-your-account"))
    dsr = R.objects.get()
    assert dsr.purpose == "security-of-your-account"
    actions.accept_processing(dsr, officer)
    dsr.refresh_from_db()
    assert dsr.in_force


def test_only_the_queues_staff_may_add_requests(alice):
    assert logged_in(make_editor()).post(ADD, form()).status_code == 403
    assert logged_in(make_editor("editor2")).get(ADD).status_code == 403
    assert logged_in(make_superuser()).get(ADD).status_code == 200
    assert not R.objects.exists()
