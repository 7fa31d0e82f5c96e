"""Staff accept and lift restrictions and objections from the queue; processing_allowed follows."""

import pytest
from wagtail.models import ModelLogEntry

from tests.test_queue import QUEUE, logged_in, make_member, make_officer, make_request
from wagtail_gdpr import processing, restriction_objection
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.staff import actions, rules

pytestmark = pytest.mark.django_db

PURPOSE = "security-of-your-account"  # the slug of the test app's Visit declaration


def test_an_officer_accepts_then_lifts_a_restriction_through_the_queue():
    officer = make_officer()
    alice = make_member("alice", email="alice@example.com")
    dsr = make_request(R.RESTRICTION, R.IN_REVIEW, member=alice, purpose=PURPOSE)
    client = logged_in(officer)
    assert processing.processing_allowed(alice, PURPOSE) is True

    assert rules.ACCEPT_PROCESSING in rules.available_actions(dsr)
    response = client.post(f"{QUEUE}{rules.ACCEPT_PROCESSING}/{dsr.pk}/")
    assert response.status_code == 303
    dsr.refresh_from_db()
    assert dsr.status == R.DONE and dsr.in_force is True
    restriction_objection.forget_cached(alice)
    assert processing.processing_allowed(alice, PURPOSE) is False
    accepted = ModelLogEntry.objects.filter(object_id=str(dsr.pk), user=officer)
    assert accepted.exists()

    assert rules.LIFT_PROCESSING in rules.available_actions(dsr)
    assert client.post(f"{QUEUE}{rules.LIFT_PROCESSING}/{dsr.pk}/").status_code == 303
    dsr.refresh_from_db()
    assert dsr.in_force is False
    restriction_objection.forget_cached(alice)
    assert processing.processing_allowed(alice, PURPOSE) is True


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
