"""Staff accept and lift restrictions and objections from the queue; processing_allowed follows."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.test_queue import QUEUE, logged_in, make_member, make_officer, make_request
from wagtail_gdpr import processing, restriction_objection
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.staff import actions, rules

pytestmark = pytest.mark.django_db

PURPOSE = "security-of-your-account"  # the slug of the test app's Visit declaration


def test_an_officer_accepts_then_lifts_a_restriction_through_the_queue(
    mailoutbox, django_capture_on_commit_callbacks
):
    officer = make_officer()
    alice = make_member("alice", email="alice@example.com")
    dsr = make_request(R.RESTRICTION, R.IN_REVIEW, member=alice, purpose=PURPOSE)
    client = logged_in(officer)
    assert processing.processing_allowed(alice, PURPOSE) is True

    assert rules.ACCEPT_PROCESSING in rules.available_actions(dsr)
    form = client.get(f"{QUEUE}{rules.ACCEPT_PROCESSING}/{dsr.pk}/").content.decode()
    assert f'<option value="{PURPOSE}" selected>' in form  # the member's choice, ready
    assert "processing_allowed" not in form
    response = client.post(f"{QUEUE}{rules.ACCEPT_PROCESSING}/{dsr.pk}/", {"purpose": PURPOSE})
    assert response.status_code == 303
    dsr.refresh_from_db()
    assert dsr.status == R.DONE and dsr.in_force is True
    restriction_objection.forget_cached(alice)
    assert processing.processing_allowed(alice, PURPOSE) is False
    accepted = ModelLogEntry.objects.filter(object_id=str(dsr.pk), user=officer)
    assert accepted.exists()

    # Art. 18(3): the member is told, with the date, before it is lifted.
    assert rules.LIFT_PROCESSING not in rules.available_actions(dsr)
    assert rules.ANNOUNCE_LIFT in rules.available_actions(dsr)
    when = timezone.localdate() + timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{QUEUE}{rules.ANNOUNCE_LIFT}/{dsr.pk}/",
            {"when": when.isoformat(), "reason": "We have checked your address."},
        )
    assert response.status_code == 303
    [notice] = mailoutbox
    assert notice.to == ["alice@example.com"] and "will end on" in notice.body
    dsr.refresh_from_db()
    assert timezone.localdate(dsr.lift_after) == when
    assert rules.LIFT_PROCESSING not in rules.available_actions(dsr)
    assert client.post(f"{QUEUE}{rules.LIFT_PROCESSING}/{dsr.pk}/").status_code == 409

    R.objects.filter(pk=dsr.pk).update(lift_after=timezone.now() - timedelta(minutes=5))
    dsr.refresh_from_db()
    assert rules.LIFT_PROCESSING in rules.available_actions(dsr)
    assert client.post(f"{QUEUE}{rules.LIFT_PROCESSING}/{dsr.pk}/").status_code == 303
    dsr.refresh_from_db()
    assert dsr.in_force is False
    restriction_objection.forget_cached(alice)
    assert processing.processing_allowed(alice, PURPOSE) is True


def test_a_restriction_that_names_no_purpose_is_accepted_with_one_chosen_on_its_form():
    """The seeded dead end: "Accept" asked for a purpose the form had no field for."""
    officer = make_officer()
    alice = make_member("alice", email="alice@example.com")
    dsr = make_request(R.OBJECTION, R.QUEUED, member=alice)
    client = logged_in(officer)

    form = client.get(f"{QUEUE}{rules.ACCEPT_PROCESSING}/{dsr.pk}/").content.decode()
    assert 'name="purpose"' in form and f'value="{PURPOSE}"' in form
    assert 'value="deliver-and-bill-orders"' not in form  # a contract: no objection to it
    refused = client.post(f"{QUEUE}{rules.ACCEPT_PROCESSING}/{dsr.pk}/", {"purpose": ""})
    assert refused.status_code == 400
    response = client.post(f"{QUEUE}{rules.ACCEPT_PROCESSING}/{dsr.pk}/", {"purpose": PURPOSE})
    assert response.status_code == 303
    dsr.refresh_from_db()
    assert dsr.in_force and dsr.purpose == PURPOSE
    assert processing.processing_allowed(alice, PURPOSE) is False


def test_an_objection_to_what_rests_on_a_contract_is_not_accepted():
    alice = make_member("alice", email="alice@example.com")
    dsr = make_request(R.OBJECTION, R.IN_REVIEW, member=alice)
    with pytest.raises(rules.ActionRefused, match="legitimate interests or a public task"):
        actions.accept_processing(dsr, make_officer(), "deliver-and-bill-orders")
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW and not dsr.in_force


def test_a_request_without_a_member_cannot_be_accepted():
    dsr = make_request(R.OBJECTION, R.IN_REVIEW, member=None, purpose=PURPOSE)
    assert rules.ACCEPT_PROCESSING not in rules.available_actions(dsr)
    with pytest.raises(rules.ActionRefused):
        actions.accept_processing(dsr, make_officer())
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW


def test_only_an_accepted_one_can_be_lifted():
    alice = make_member("alice", email="alice@example.com")
    dsr = make_request(R.RESTRICTION, R.IN_REVIEW, member=alice, purpose=PURPOSE)
    assert rules.LIFT_PROCESSING not in rules.available_actions(dsr)
    with pytest.raises(rules.ActionRefused):
        actions.lift_processing(dsr, make_officer())
