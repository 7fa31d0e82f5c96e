"""An erasure settles the member's other requests: each is completed, cancelled or kept, staff see
which and why, the deadline stops counting, and nothing stays overdue with an erased address.
Notes on the member's requests are emptied with the rest of their data."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.access_helpers import (
    clean_cache,  # noqa: F401  (autouse)
    give_member_data,
    make_member,
    private_reports,  # noqa: F401  (autouse)
)
from tests.test_queue import QUEUE, logged_in, make_officer, make_request
from wagtail_gdpr import audit, erasure
from wagtail_gdpr.erasure import settlement
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.models import RequestNote
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.staff import actions, dashboard, next_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_officer()


@pytest.fixture
def bob():
    user = make_member("bob", email="bob@example.com")
    give_member_data(user, tag="bob")
    return user


def test_an_erasure_settles_every_open_request_and_keeps_what_is_in_force(officer, bob):
    long_ago = timezone.now() - timedelta(days=45)
    overdue_objection = make_request(R.OBJECTION, R.QUEUED, member=bob, received_at=long_ago)
    copy = make_request(R.ACCESS, R.QUEUED, member=bob)
    correction = make_request(R.RECTIFICATION, R.IN_REVIEW, member=bob)
    asked = make_request(R.RESTRICTION, R.IN_REVIEW, member=bob)
    actions.ask_requester(asked, officer, "Which use do you mean, Bob?")
    in_force = make_request(R.RESTRICTION, R.DONE, member=bob, purpose="all", in_force=True)
    refused = make_request(R.ACCESS, R.REFUSED, member=bob)
    other_member = make_request(R.OBJECTION, R.QUEUED, member=make_member("carol"))
    the_erasure = make_request(R.ERASURE, R.IN_REVIEW, member=bob)
    assert legal_clock.is_overdue(overdue_objection)
    assert dashboard.summary()["overdue"] == 1

    erasure.execute(bob, request_id=the_erasure.pk)

    def fresh(dsr):
        return R.objects.get(pk=dsr.pk)

    for dsr in (overdue_objection, copy, correction, asked):
        dsr = fresh(dsr)
        assert dsr.status == R.CANCELLED, dsr.kind
        assert dsr.closed_because == R.SETTLED_BY_ERASURE and dsr.settled_by_id == the_erasure.pk
        assert dsr.completed_at is not None and not legal_clock.is_overdue(dsr)
        assert settlement.how_settled(dsr) == settlement.CANCELLED
        assert dsr.contact_email != "bob@example.com"  # anonymised with the rest
        entry = ModelLogEntry.objects.get(action=audit.SETTLED_BY_ERASURE, object_id=str(dsr.pk))
        assert entry.data["settled"] == settlement.CANCELLED
    assert "data it would correct was erased" in settlement.reason(fresh(correction))
    kept = fresh(in_force)
    assert kept.status == R.DONE and kept.in_force and kept.settled_by_id == the_erasure.pk
    assert settlement.how_settled(kept) == settlement.KEPT
    assert "Kept in force" in next_step.next_step(kept)
    assert fresh(refused).settled_by_id is None  # closed already: left as it was
    assert fresh(other_member).status == R.QUEUED  # somebody else's
    assert dashboard.summary()["overdue"] == 0
    assert not legal_clock.overdue().exists()
    # The question to Bob and its text were personal data: emptied, the line kept.
    [question] = RequestNote.objects.filter(request=asked)
    assert question.text == "" and question.kind == RequestNote.TO_REQUESTER


def test_another_erasure_request_is_completed_by_the_one_that_ran(bob):
    first = make_request(R.ERASURE, R.SCHEDULED, member=bob)
    R.objects.create(kind=R.ERASURE, status=R.QUEUED, member=bob, received_at=timezone.now())
    second = R.objects.exclude(pk=first.pk).get(kind=R.ERASURE)

    erasure.execute(bob, request_id=second.pk)

    first.refresh_from_db()
    assert first.status == R.DONE and first.settled_by_id == second.pk
    assert settlement.how_settled(first) == settlement.COMPLETED
    assert "Completed by the erasure" in settlement.reason(first)


def test_staff_see_on_the_erasure_which_requests_it_settled_and_how(officer, bob):
    long_ago = timezone.now() - timedelta(days=45)
    objection = make_request(R.OBJECTION, R.QUEUED, member=bob, received_at=long_ago)
    restriction = make_request(R.RESTRICTION, R.DONE, member=bob, purpose="all", in_force=True)
    the_erasure = make_request(R.ERASURE, R.QUEUED, member=bob)
    actions.add_note(objection, officer, "Bob called: he wants the marketing stopped.")
    client = logged_in(officer)
    assert f"inspect/{objection.pk}/" in client.get(f"{QUEUE}?deadline=overdue").content.decode()

    assert erasure.run_erasure_request(the_erasure.pk) == "done"

    page = client.get(f"{QUEUE}inspect/{the_erasure.pk}/").content.decode()
    assert "The member's other requests, settled by this erasure" in page
    assert f"{QUEUE}inspect/{objection.pk}/" in page and f"{QUEUE}inspect/{restriction.pk}/" in page
    assert "cancelled" in page and "kept" in page
    settled = client.get(f"{QUEUE}inspect/{objection.pk}/").content.decode()
    assert "Settled by" in settled and f"{QUEUE}inspect/{the_erasure.pk}/" in settled
    assert "Bob called" not in settled and "Emptied when the member" in settled
    overdue = client.get(f"{QUEUE}?deadline=overdue").content.decode()
    assert f"inspect/{objection.pk}/" not in overdue


def test_notes_are_in_the_members_copy_and_in_the_erasure_plan():
    from wagtail_gdpr.registry import registry

    declaration = registry.get(RequestNote)
    assert declaration is not None and declaration.fields["text"].anonymiser == "text"
    request_declaration = registry.get(R)
    for name in ("requester_name", "contact_details", "identity_check"):
        assert request_declaration.fields[name].anonymiser == "text", name
