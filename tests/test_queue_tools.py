"""The queue's tools: bulk actions, internal notes, a next step on every request, and one
"Personal data viewed" line per officer, request and session."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.access_helpers import make_member
from tests.test_queue import QUEUE, logged_in, make_officer, make_request
from wagtail_gdpr import audit, erasure
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.models import RequestNote
from wagtail_gdpr.staff import actions, next_step, rules, table

pytestmark = pytest.mark.django_db

BULK = f"{QUEUE}bulk/"


@pytest.fixture
def officer():
    return make_officer()


@pytest.fixture
def alice():
    return make_member("alice", email="alice@example.com")


# -- bulk actions ------------------------------------------------------------------------------


def test_the_listing_offers_assign_remind_and_close_for_the_selected_requests(officer, alice):
    dsr = make_request(R.ACCESS, R.IN_REVIEW, member=alice)
    body = logged_in(officer).get(QUEUE).content.decode()
    assert f'name="ids" value="{dsr.pk}" form="gdpr-bulk"' in body
    assert f'aria-label="Select {dsr}"' in body
    for name in (rules.ASSIGN, rules.REMIND_REQUESTER, rules.CLOSE):
        assert f'<option value="{name}">' in body, name
    assert table.BULK_ACTIONS == [rules.ASSIGN, rules.REMIND_REQUESTER, rules.CLOSE]


def test_bulk_assign_asks_for_the_assignee_then_assigns_each(officer, alice):
    first, second = (make_request(R.ACCESS, R.IN_REVIEW, member=alice) for _ in range(2))
    closed = make_request(R.ACCESS, R.DONE, member=alice)
    client = logged_in(officer)
    ids = [first.pk, second.pk, closed.pk]

    confirm = client.post(BULK, {"action": rules.ASSIGN, "ids": ids})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert 'name="assignee"' in page and 'name="confirm" value="1"' in page
    assert "No: " in page  # the closed one is named as one it will not be done to

    done = client.post(
        BULK, {"action": rules.ASSIGN, "ids": ids, "confirm": "1", "assignee": officer.pk}
    )
    assert done.status_code == 303 and done["Location"] == QUEUE
    assert set(R.objects.filter(assignee=officer).values_list("pk", flat=True)) == {
        first.pk, second.pk,
    }  # fmt: skip
    assert ModelLogEntry.objects.filter(action=audit.ASSIGNED).count() == 2
    messages = [str(m) for m in done.wsgi_request._messages]
    assert any("done for 2 requests" in m for m in messages)
    assert any(str(closed) in m for m in messages)


def test_bulk_remind_emails_those_we_wait_for(
    officer, alice, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = make_request(R.OBJECTION, R.QUEUED, member=alice)
    actions.ask_requester(waiting, officer, "Which use do you mean?")
    unverified = make_request(R.ACCESS, R.UNVERIFIED, member=alice)
    not_waiting = make_request(R.ACCESS, R.IN_REVIEW, member=alice)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(officer).post(
            BULK,
            {"action": rules.REMIND_REQUESTER, "confirm": "1",
             "ids": [waiting.pk, unverified.pk, not_waiting.pk]},
        )  # fmt: skip

    assert response.status_code == 303
    assert sorted(m.subject for m in mailoutbox) == ["We are waiting for your answer"] * 2
    question = next(m for m in mailoutbox if "Which use do you mean?" in m.body)
    assert question.to == ["alice@example.com"]
    assert ModelLogEntry.objects.filter(action=audit.REQUESTER_REMINDED).count() == 2


def test_bulk_close_needs_a_reason_and_cancels_duplicates(officer, alice):
    first, second = (make_request(R.ERASURE, R.IN_REVIEW, member=alice) for _ in range(2))
    client = logged_in(officer)
    ids = [first.pk, second.pk]

    no_reason = client.post(BULK, {"action": rules.CLOSE, "ids": ids, "confirm": "1"})
    assert no_reason.status_code == 400
    assert R.objects.filter(status=R.IN_REVIEW).count() == 2
    dealt_with = client.post(
        BULK, {"action": rules.CLOSE, "ids": ids, "confirm": "1", "reason": R.DEALT_WITH}
    )
    assert dealt_with.status_code == 303  # an erasure is run or refused, not "dealt with"
    assert R.objects.filter(status=R.IN_REVIEW).count() == 2

    response = client.post(
        BULK,
        {"action": rules.CLOSE, "ids": ids, "confirm": "1", "reason": R.DUPLICATE,
         "note": "The same as the one by email."},
    )  # fmt: skip

    assert response.status_code == 303
    for dsr in (first, second):
        dsr.refresh_from_db()
        assert dsr.status == R.CANCELLED and dsr.closed_because == R.DUPLICATE
        assert dsr.notes.get().text == "The same as the one by email."


def test_bulk_refuses_what_it_does_not_offer(officer, alice):
    dsr = make_request(R.ERASURE, R.IN_REVIEW, member=alice)
    client = logged_in(officer)
    for action in (rules.RUN_ERASURE, rules.REFUSE, "nonsense"):
        response = client.post(BULK, {"action": action, "ids": [dsr.pk], "confirm": "1"})
        assert response.status_code == 303, action
    assert client.post(BULK, {"action": rules.ASSIGN, "ids": ["x", ""]}).status_code == 303
    assert client.get(BULK).status_code == 405
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW


# -- notes -------------------------------------------------------------------------------------


def test_internal_notes_are_kept_shown_to_staff_only_and_emptied_by_erasure(officer, alice):
    from tests.access_helpers import add_privacy_centre, url_of

    centre = add_privacy_centre()
    dsr = make_request(R.ERASURE, R.IN_REVIEW, member=alice)
    client = logged_in(officer)
    response = client.post(f"{QUEUE}add_note/{dsr.pk}/", {"note": "Alice <b>called</b> twice."})
    assert response.status_code == 303
    assert client.post(f"{QUEUE}add_note/{dsr.pk}/", {"note": " "}).status_code == 400
    [note] = dsr.notes.all()
    assert note.kind == RequestNote.INTERNAL and note.author == officer
    inspect = client.get(f"{QUEUE}inspect/{dsr.pk}/").content.decode()
    assert "Alice &lt;b&gt;called&lt;/b&gt; twice." in inspect
    entry = ModelLogEntry.objects.get(action=audit.NOTE_ADDED)
    assert "called" not in repr(entry.data)
    # The member does not see staff's internal notes.
    member_page = logged_in(alice).get(url_of(centre, f"erase/{dsr.pk}/")).content.decode()
    assert "called" not in member_page

    R.objects.filter(pk=dsr.pk).update(status=R.QUEUED)
    erasure.run_erasure_request(dsr.pk)
    note.refresh_from_db()
    assert note.text == "" and note.created_at is not None


# -- next step ---------------------------------------------------------------------------------


def test_every_request_has_a_next_step_in_the_list_and_on_its_page(officer, alice):
    cases = {
        make_request(R.OBJECTION, R.QUEUED, member=alice): "ask the requester which",
        make_request(R.OBJECTION, R.QUEUED, member=alice, purpose="all"): "Accept or refuse",
        make_request(R.OBJECTION, R.IN_REVIEW, member=None, purpose="all"): "link the request",
        make_request(R.ERASURE, R.IN_REVIEW, member=alice): "Run or schedule the erasure",
        make_request(R.ACCESS, R.UNVERIFIED, member=alice): "Check the requester's identity",
        make_request(R.ACCESS, R.QUEUED, member=alice): "A worker is preparing the copy",
        make_request(R.ACCESS, R.IN_REVIEW, member=alice): "Prepare the copy",
        make_request(R.RECTIFICATION, R.IN_REVIEW, member=alice): "Correct the data where",
        make_request(R.ACCESS, R.DONE, member=alice): "Nothing: it is closed.",
        make_request(R.RESTRICTION, R.DONE, member=alice, purpose="all", in_force=True): (
            "first tell the member"
        ),
        make_request(
            R.OBJECTION, R.QUEUED, member=alice, received_at=timezone.now() - timedelta(days=40)
        ): "Overdue.",
    }
    client = logged_in(officer)
    listing = client.get(QUEUE).content.decode().replace("&#x27;", "'")
    for dsr, words in cases.items():
        line = next_step.next_step(dsr)
        assert words in line, (dsr.kind, dsr.status, line)
        assert line in listing, line
        page = client.get(f"{QUEUE}inspect/{dsr.pk}/").content.decode().replace("&#x27;", "'")
        assert line in page


# -- viewing -----------------------------------------------------------------------------------


def test_viewing_is_logged_once_per_officer_request_and_session(officer, alice):
    dsr = make_request(R.ERASURE, R.IN_REVIEW, member=alice)
    other = make_request(R.ACCESS, R.IN_REVIEW, member=alice)
    first_session = logged_in(officer)

    for _ in range(3):
        assert first_session.get(f"{QUEUE}inspect/{dsr.pk}/").status_code == 200
    first_session.get(f"{QUEUE}inspect/{other.pk}/")

    def viewed(request):
        return ModelLogEntry.objects.filter(action=audit.VIEWED_DATA, object_id=str(request.pk))

    assert viewed(dsr).count() == 1 and viewed(other).count() == 1
    logged_in(officer).get(f"{QUEUE}inspect/{dsr.pk}/")  # a new session: logged again
    logged_in(make_officer("other")).get(f"{QUEUE}inspect/{dsr.pk}/")  # another officer
    assert viewed(dsr).count() == 3
    assert set(viewed(dsr).values_list("user__username", flat=True)) == {"officer", "other"}
