"""No dead ends: what a request lacks is chosen by staff or asked of the requester, and every form
collects what its kind needs.

- asking the requester: its own status, the question by email and in the privacy centre, the
  clock running on (EU GDPR) or standing still (where the site's law allows);
- the member's answer online (with the purpose a restriction lacked), or staff recording one
  that came by post;
- linking a public request to the member's account, and preparing their copy;
- the public form asks for a purpose for a restriction or objection, and for what is wrong for a
  correction.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401  (autouse)
    make_member,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.test_queue import QUEUE, logged_in, make_officer, make_request
from wagtail_gdpr import audit, clarification, jobs, public_requests
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.models import RequestNote
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.staff import actions, rules

pytestmark = pytest.mark.django_db

PURPOSE = "security-of-your-account"  # the test app's Visit: legitimate interests


@pytest.fixture
def site_centre(db):
    return add_privacy_centre()


@pytest.fixture
def officer():
    return make_officer()


@pytest.fixture
def alice():
    return make_member("alice", email="alice@example.com")


def ask(dsr, officer, question="Which use of your data do you mean?", **kwargs):
    return actions.ask_requester(dsr, officer, question, **kwargs)


# -- asking the requester ----------------------------------------------------------------------


def test_asking_the_requester_waits_for_them_and_emails_the_question(
    site_centre, officer, alice, mailoutbox, django_capture_on_commit_callbacks
):
    dsr = make_request(R.OBJECTION, R.QUEUED, member=alice)
    due = legal_clock.effective_due(dsr)

    with django_capture_on_commit_callbacks(execute=True):
        ask(dsr, officer, "Which use of your data do you mean: <the newsletter> or surveys?")

    dsr.refresh_from_db()
    assert dsr.status == R.WAITING_FOR_MEMBER and dsr.is_open
    # The EU GDPR stops the clock only for proof of identity: it runs on.
    assert not legal_clock.is_paused(dsr) and legal_clock.effective_due(dsr) == due
    assert legal_clock.running(R.objects.filter(pk=dsr.pk)).exists()
    [question] = dsr.notes.all()
    assert question.kind == RequestNote.TO_REQUESTER and question.author == officer
    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "A question about your request"
    assert "<the newsletter>" in message.body
    assert "&lt;the newsletter&gt;" in message.alternatives[0][0]
    assert url_of(site_centre, f"requests/{dsr.pk}/") in message.body
    entry = ModelLogEntry.objects.get(action=audit.REQUESTER_ASKED, object_id=str(dsr.pk))
    assert "newsletter" not in repr(entry.data)  # the question stays on the request
    # Waiting for the requester, staff may record the answer, remind them, refuse or close.
    assert {rules.RECORD_ANSWER, rules.REMIND_REQUESTER, rules.REFUSE, rules.CLOSE} <= set(
        rules.available_actions(dsr)
    )
    assert rules.ACCEPT_PROCESSING not in rules.available_actions(dsr)
    with pytest.raises(rules.ActionRefused):
        ask(dsr, officer)  # already waiting


def test_an_empty_question_is_refused(officer, alice):
    dsr = make_request(R.OBJECTION, R.QUEUED, member=alice)
    with pytest.raises(rules.ActionRefused, match="Write the question"):
        ask(dsr, officer, "   ")
    dsr.refresh_from_db()
    assert dsr.status == R.QUEUED and not dsr.notes.exists()


def test_where_the_law_allows_it_the_clock_stands_still_while_waiting(officer, alice, settings):
    settings.WAGTAIL_GDPR_CLARIFICATION_STOPS_CLOCK = True
    received = timezone.now() - timedelta(days=10)
    dsr = make_request(R.OBJECTION, R.QUEUED, member=alice, received_at=received)
    due = dsr.due_at
    asked_at = timezone.now() - timedelta(days=6)

    ask(dsr, officer, now=asked_at)
    dsr.refresh_from_db()
    assert legal_clock.is_paused(dsr) and legal_clock.effective_due(dsr) is None
    assert not legal_clock.running(R.objects.filter(pk=dsr.pk)).exists()
    assert not legal_clock.is_overdue(dsr, timezone.now() + timedelta(days=60))

    actions.record_answer(dsr, officer, "By phone: the newsletter.", now=timezone.now())
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW and not legal_clock.is_paused(dsr)
    # The six days it stood still are added to the due date.
    assert abs(dsr.due_at - (due + timedelta(days=6))) < timedelta(minutes=1)


def test_the_member_answers_in_the_privacy_centre_choosing_the_purpose(site_centre, officer, alice):
    dsr = make_request(R.OBJECTION, R.QUEUED, member=alice)
    ask(dsr, officer)
    client = logged_in(alice)
    page = client.get(url_of(site_centre, f"requests/{dsr.pk}/")).content.decode()
    assert "Which use of your data do you mean?" in page
    assert "Waiting for your answer" in page
    assert 'name="purpose"' in page and f'value="{PURPOSE}"' in page
    assert 'value="deliver-and-bill-orders"' not in page  # no objection to a contract

    refused = client.post(url_of(site_centre, f"requests/{dsr.pk}/"), {"answer": "", "purpose": ""})
    assert refused.status_code == 400
    response = client.post(
        url_of(site_centre, f"requests/{dsr.pk}/"),
        {"answer": "The security checks.", "purpose": PURPOSE},
    )

    assert response.status_code == 303
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW and dsr.purpose == PURPOSE
    answer = dsr.notes.get(kind=RequestNote.FROM_REQUESTER)
    assert answer.text == "The security checks." and answer.author == alice
    entry = ModelLogEntry.objects.get(action=audit.ANSWER_RECEIVED, object_id=str(dsr.pk))
    assert entry.user_id == alice.pk
    # Now the officer can accept it for the purpose the member chose: no dead end.
    actions.accept_processing(dsr, officer)
    dsr.refresh_from_db()
    assert dsr.in_force and dsr.purpose == PURPOSE


def test_nobody_answers_another_members_request_nor_one_that_waits_for_nothing(
    site_centre, officer, alice
):
    bob = make_member("bob")
    dsr = make_request(R.OBJECTION, R.QUEUED, member=alice)
    ask(dsr, officer)
    assert (
        logged_in(bob)
        .post(
            url_of(site_centre, f"requests/{dsr.pk}/"), {"answer": "Mine now", "purpose": PURPOSE}
        )
        .status_code
        == 404
    )
    with pytest.raises(clarification.AnswerRefused):
        clarification.answer(dsr.pk, bob, "Mine now")
    dsr.refresh_from_db()
    assert dsr.status == R.WAITING_FOR_MEMBER and not dsr.notes.filter(author=bob).exists()

    other = make_request(R.ACCESS, R.IN_REVIEW, member=alice)
    response = logged_in(alice).post(url_of(site_centre, f"requests/{other.pk}/"), {"answer": "Hi"})
    assert response.status_code == 303 and not other.notes.exists()


def test_staff_record_an_answer_that_came_by_post(officer, alice):
    dsr = make_request(R.RESTRICTION, R.IN_REVIEW, member=alice)
    ask(dsr, officer)
    with pytest.raises(rules.ActionRefused, match="Write down"):
        actions.record_answer(dsr, officer, "")
    actions.record_answer(dsr, officer, "Letter of 3 May: the newsletter.")
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW
    assert dsr.notes.get(kind=RequestNote.FROM_REQUESTER).author == officer


# -- linking, copying ---------------------------------------------------------------------------


def test_a_public_request_is_linked_to_the_member_found_by_email_or_username(officer, alice):
    dsr = make_request(R.OBJECTION, R.IN_REVIEW, member=None, purpose=PURPOSE)
    client = logged_in(officer)
    assert rules.ACCEPT_PROCESSING not in rules.available_actions(dsr)
    assert rules.LINK_MEMBER in rules.available_actions(dsr)

    unknown = client.post(f"{QUEUE}link_member/{dsr.pk}/", {"member": "nobody@example.com"})
    assert unknown.status_code == 400
    assert "No single account has this username or email address." in unknown.content.decode()
    response = client.post(f"{QUEUE}link_member/{dsr.pk}/", {"member": "Alice@Example.com"})

    assert response.status_code == 303
    dsr.refresh_from_db()
    assert dsr.member == alice
    assert rules.LINK_MEMBER not in rules.available_actions(dsr)
    assert rules.ACCEPT_PROCESSING in rules.available_actions(dsr)


def test_an_address_two_accounts_share_finds_neither(officer, alice):
    make_member("alice2", email="ALICE@example.com")
    dsr = make_request(R.ERASURE, R.IN_REVIEW, member=None)
    response = logged_in(officer).post(
        f"{QUEUE}link_member/{dsr.pk}/", {"member": "alice@example.com"}
    )
    assert response.status_code == 400
    assert (
        logged_in(officer).post(f"{QUEUE}link_member/{dsr.pk}/", {"member": "alice2"}).status_code
        == 303
    )


@pytest.mark.parametrize("kind", [R.ACCESS, R.PORTABILITY])
def test_staff_prepare_the_copy_of_a_request_that_came_another_way(
    officer, alice, kind, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(jobs, "send", lambda job, *args: sent.append((job, args)) or True)
    dsr = make_request(kind, R.IN_REVIEW, member=alice)

    with django_capture_on_commit_callbacks(execute=True):
        actions.make_copy(dsr, officer)

    dsr.refresh_from_db()
    assert dsr.status == R.QUEUED
    assert sent == [(jobs.BUILD_ACCESS_COPY, (dsr.pk,))]
    with pytest.raises(rules.ActionRefused):
        actions.make_copy(make_request(kind, R.IN_REVIEW, member=None), officer)


# -- the public form ---------------------------------------------------------------------------


def public_form(client, centre_page, **data):
    return client.post(url_of(centre_page, "request/"), {"email": "guest@example.com", **data})


def test_the_public_form_asks_a_restriction_or_objection_which_use_it_means(site_centre, client):
    page = client.get(url_of(site_centre, "request/")).content.decode()
    assert 'name="purpose"' in page and f'value="{PURPOSE}"' in page

    missing = public_form(client, site_centre, kind=R.OBJECTION)
    assert missing.status_code == 400
    assert "Choose which use of your data you mean." in missing.content.decode()
    contract = public_form(client, site_centre, kind=R.OBJECTION, purpose="deliver-and-bill-orders")
    assert contract.status_code == 400
    assert "an objection does not apply" in contract.content.decode()
    assert not R.objects.exists()

    assert public_form(client, site_centre, kind=R.OBJECTION, purpose=PURPOSE).status_code == 303
    dsr = R.objects.get()
    assert dsr.purpose == PURPOSE and dsr.received_via == R.PUBLIC_FORM


def test_the_public_form_asks_a_correction_what_is_wrong(site_centre, client):
    missing = public_form(client, site_centre, kind=R.RECTIFICATION)
    assert missing.status_code == 400
    assert "Tell us which data is wrong, and what is right." in missing.content.decode()
    ok = public_form(
        client, site_centre, kind=R.RECTIFICATION, message="My surname is Ek, not Eck."
    )
    assert ok.status_code == 303
    assert R.objects.get().payload["message"] == "My surname is Ek, not Eck."
    # Other kinds need nothing more; a purpose sent with them is not kept.
    assert public_form(client, site_centre, kind=R.ACCESS, purpose=PURPOSE).status_code == 303
    assert R.objects.get(kind=R.ACCESS).purpose == ""


def test_a_public_request_reaches_a_decision_without_a_dead_end(site_centre, officer, alice):
    """Confirmed, linked, verified, accepted: each step from its own form."""
    dsr = public_requests.submit(R.RESTRICTION, "alice@example.com", "Stop it", centre=site_centre)
    public_requests.confirm(public_requests.make_token(dsr))
    client = logged_in(officer)
    for name, data in [
        (rules.LINK_MEMBER, {"member": "alice"}),
        (rules.ACCEPT_PROCESSING, {"purpose": "all"}),
    ]:
        response = client.post(f"{QUEUE}{name}/{dsr.pk}/", data)
        assert response.status_code == 303, (name, response.content.decode()[:500])
    dsr.refresh_from_db()
    assert dsr.in_force and dsr.member == alice and dsr.purpose == "all"
