"""The staff request queue (Art. 12, 5(2)): actions, audit log, permissions, reminders, admin."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    configure,
    default_site,
    give_member_data,
    make_member,
    make_superuser,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.testapp.models import Profile
from wagtail_gdpr import audit, rectification
from wagtail_gdpr.models import DataSubjectRequest, LegalHold, RequestNote
from wagtail_gdpr.requests import legal_clock, worker_queue
from wagtail_gdpr.schedule import BEAT_SCHEDULE
from wagtail_gdpr.staff import actions, reminders, rules, table

pytestmark = pytest.mark.django_db

R = DataSubjectRequest
STOCKHOLM = ZoneInfo("Europe/Stockholm")
QUEUE = "/admin/gdpr/requests/"


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


# -- people ------------------------------------------------------------------------------------


def make_officer(username="officer"):
    """A member of the "Privacy officers" group the migrations create: not a superuser."""
    user = make_member(username)
    user.groups.add(Group.objects.get(name="Privacy officers"))
    return user


def make_editor(username="editor"):
    user = make_member(username)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- requests ----------------------------------------------------------------------------------


def make_request(kind=R.ACCESS, status=R.IN_REVIEW, *, member=None, received_at=None, **fields):
    received_at = received_at or timezone.now() - timedelta(days=3)
    verified = status != R.UNVERIFIED
    fields.setdefault("due_at", legal_clock.due_date(received_at) if verified else None)
    return R.objects.create(
        kind=kind,
        status=status,
        member=member,
        contact_email=member.email if member else "guest@example.com",
        language="en",
        received_at=received_at,
        verified_at=received_at if verified else None,
        **fields,
    )


def entries(action, dsr=None):
    found = ModelLogEntry.objects.filter(action=action)
    if dsr is not None:
        found = found.filter(object_id=str(dsr.pk))
    return found


def the_entry(action, dsr, user) -> ModelLogEntry:
    [entry] = entries(action, dsr)
    assert entry.user_id == (user.pk if user else None)
    assert entry.data["request_id"] == dsr.pk
    assert entry.message  # a registered action has a message
    return entry


def assert_no_personal_data(entry, *values):
    text = repr(entry.data) + entry.label
    for value in values:
        assert value not in text, (value, text)


@pytest.fixture
def officer():
    return make_officer()


@pytest.fixture
def alice():
    user = make_member("alice", email="alice@example.com")
    Profile.objects.create(user=user, display_name="Alice Old", birth_date=date(1990, 1, 2))
    return user


# -- the actions: each one its own log entry, with the acting user -----------------------------


def test_assign_to_staff_only(officer, alice):
    dsr = make_request(member=alice)
    other = make_officer("other-officer")

    actions.assign(dsr, officer, other)

    dsr.refresh_from_db()
    assert dsr.assignee == other
    entry = the_entry(audit.ASSIGNED, dsr, officer)
    assert entry.data["assignee_id"] == other.pk
    with pytest.raises(rules.ActionRefused, match="only be given to staff"):
        actions.assign(dsr, officer, alice)
    actions.assign(dsr, officer, None)
    assert R.objects.get(pk=dsr.pk).assignee is None


def test_verify_identity_starts_the_clock_and_queues_a_copy(
    officer, alice, django_capture_on_commit_callbacks, monkeypatch
):
    dsr = make_request(member=alice, status=R.UNVERIFIED)
    enqueued = []
    monkeypatch.setattr("wagtail_gdpr.requests.worker_queue.enqueue", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        actions.verify_identity(dsr, officer, now=at(2024, 1, 31))

    dsr.refresh_from_db()
    assert dsr.status == R.QUEUED and dsr.verified_at == at(2024, 1, 31)
    assert dsr.due_at == at(2024, 2, 29)
    assert enqueued == [dsr.pk]
    entry = the_entry(audit.IDENTITY_VERIFIED, dsr, officer)
    assert entry.data["due_at"] == at(2024, 2, 29).isoformat()
    with pytest.raises(rules.ActionRefused, match="not waiting for an identity check"):
        actions.verify_identity(dsr, officer)


def test_asking_for_identity_pauses_and_is_logged(officer, alice):
    dsr = make_request(member=alice, kind=R.OBJECTION)
    actions.request_identity(dsr, officer, now=timezone.now())
    dsr.refresh_from_db()
    assert dsr.status == R.UNVERIFIED and dsr.clock_paused_at is not None
    the_entry(audit.IDENTITY_REQUESTED, dsr, officer)


def test_extend_once_with_a_reason_the_member_is_emailed(
    officer, alice, mailoutbox, django_capture_on_commit_callbacks
):
    add_privacy_centre()
    dsr = make_request(member=alice, received_at=at(2023, 11, 30))  # due 30 December
    reason = "We received many requests in December; Alice's needs records from three systems."

    with pytest.raises(rules.ActionRefused, match="Give a reason"):
        actions.extend(dsr, officer, date(2024, 1, 30), "", now=at(2023, 12, 1))
    with pytest.raises(rules.ActionRefused, match="two months at most"):
        actions.extend(dsr, officer, date(2024, 3, 1), reason, now=at(2023, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        actions.extend(dsr, officer, date(2024, 2, 29), reason, now=at(2023, 12, 1))

    dsr.refresh_from_db()
    assert dsr.extended_until == at(2024, 2, 29) and dsr.extension_reason == reason
    assert legal_clock.effective_due(dsr) == at(2024, 2, 29)
    entry = the_entry(audit.EXTENDED, dsr, officer)
    assert entry.data["extended_until"] == at(2024, 2, 29).isoformat()
    assert_no_personal_data(entry, reason, "Alice", "alice@example.com")
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "We need more time to answer your request"
    assert reason in mail.body and "Feb. 29, 2024" in mail.body
    assert "Alice&#x27;s" in mail.alternatives[0][0]  # escaped in HTML, not in text
    assert "Alice's" in mail.body

    with pytest.raises(rules.ActionRefused, match="only once"):
        actions.extend(dsr, officer, date(2024, 2, 29), "Again", now=at(2023, 12, 2))
    assert entries(audit.EXTENDED).count() == 1


def test_approve_and_reject_a_correction_through_the_queue(officer, alice):
    profile = alice.profile
    first = rectification.propose(alice, "testapp.Profile", profile.pk, "birth_date", "1991-03-04")
    order_owner = make_member("bob")
    from tests.access_helpers import make_orders

    [order] = make_orders(order_owner, 1, address="Old Street 1")
    second = rectification.propose(
        order_owner, "testapp.Order", order.pk, "shipping_address", "New Street 2"
    )

    actions.approve_correction(first, officer)
    actions.reject_correction(second, officer, "The carrier confirmed the old address.")

    assert Profile.objects.get(pk=profile.pk).birth_date == date(1991, 3, 4)
    the_entry(audit.CORRECTION_APPROVED, first, officer)
    entry = the_entry(audit.CORRECTION_REJECTED, second, officer)
    assert_no_personal_data(entry, "carrier", "New Street", "Old Street")
    with pytest.raises(rules.ActionRefused, match="no longer waiting for review"):
        actions.approve_correction(first, officer)


def test_run_an_erasure_now(officer, django_capture_on_commit_callbacks):
    carol = make_member("carol")
    give_member_data(carol, tag="carol")
    dsr = make_request(R.ERASURE, member=carol)

    with django_capture_on_commit_callbacks(execute=True):
        actions.run_erasure_now(dsr, officer)  # the test settings run the task in-process

    dsr.refresh_from_db()
    assert dsr.status == R.DONE
    assert not Profile.objects.filter(user_id=carol.pk).exists()
    the_entry(audit.ERASURE_RUN, dsr, officer)


def test_an_erasure_under_a_legal_hold_cannot_be_run(officer, alice):
    LegalHold.objects.create(member=alice, reason="A dispute about an invoice")
    dsr = make_request(R.ERASURE, member=alice)
    with pytest.raises(rules.ActionRefused, match="legal hold"):
        actions.run_erasure_now(dsr, officer)
    assert R.objects.get(pk=dsr.pk).status == R.IN_REVIEW
    assert not entries(audit.ERASURE_RUN).exists()


def test_schedule_an_erasure_before_it_is_due(officer, alice):
    now = at(2024, 5, 2)
    dsr = make_request(R.ERASURE, member=alice, received_at=at(2024, 5, 1))  # due 1 June

    with pytest.raises(rules.ActionRefused, match="before the answer is due"):
        actions.schedule_erasure(dsr, officer, at(2024, 6, 2), now=now)
    with pytest.raises(rules.ActionRefused, match="in the future"):
        actions.schedule_erasure(dsr, officer, at(2024, 5, 1), now=now)
    actions.schedule_erasure(dsr, officer, at(2024, 5, 20), now=now)

    dsr.refresh_from_db()
    assert dsr.status == R.SCHEDULED
    # Kept as a moment, so that it compares rightly with any clock.
    assert dsr.execute_after == at(2024, 5, 20)
    entry = the_entry(audit.ERASURE_SCHEDULED, dsr, officer)
    assert entry.data["execute_after"] == at(2024, 5, 20).isoformat()


def test_refuse_an_erasure_with_a_reason_the_member_sees_and_is_emailed(
    officer, alice, mailoutbox, django_capture_on_commit_callbacks
):
    centre = add_privacy_centre()
    dsr = make_request(R.ERASURE, member=alice, status=R.SCHEDULED)
    reason = "Your account has an unpaid invoice <#1042> that we must keep."

    with pytest.raises(rules.ActionRefused, match="Give a reason"):
        actions.refuse(dsr, officer, "   ")
    with django_capture_on_commit_callbacks(execute=True):
        actions.refuse(dsr, officer, reason)

    dsr.refresh_from_db()
    assert dsr.status == R.REFUSED and dsr.refusal_reason == reason and dsr.completed_at
    entry = the_entry(audit.REFUSED, dsr, officer)
    assert_no_personal_data(entry, "invoice", "alice")
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "We will not act on your request"
    assert reason in mail.body
    assert "&lt;#1042&gt;" in mail.alternatives[0][0]
    assert "supervisory authority" in mail.body
    page = logged_in(alice).get(url_of(centre, "requests/")).content.decode()
    assert "Our reason: Your account has an unpaid invoice &lt;#1042&gt;" in page
    # A refused erasure is never carried out, whatever a worker does later.
    from wagtail_gdpr import mail
    from wagtail_gdpr.requests import worker_queue

    assert worker_queue.claim(dsr.pk) is None


def test_a_running_request_cannot_be_refused(officer, alice):
    dsr = make_request(R.ERASURE, member=alice, status=R.RUNNING)
    with pytest.raises(rules.ActionRefused):
        actions.refuse(dsr, officer, "No")
    assert rules.available_actions(dsr) == [
        rules.ASSIGN,
        rules.EXTEND,
        rules.ADD_NOTE,
    ]  # no worker is stopped


def test_mark_a_copy_delivered_and_close_a_request(officer, alice):
    copy = make_request(R.ACCESS, member=alice, status=R.FAILED)
    objection = make_request(R.OBJECTION, member=alice)

    actions.mark_delivered(copy, officer, "Sent by registered post")
    actions.close(objection, officer, note="Marketing stopped")

    copy.refresh_from_db()
    objection.refresh_from_db()
    assert copy.status == objection.status == R.DONE
    assert objection.closed_because == R.DEALT_WITH
    # Notes are notes (an erasure empties them), not part of the outcome.
    assert "note" not in copy.outcome and "note" not in objection.outcome
    assert [n.text for n in copy.notes.all()] == ["Sent by registered post"]
    assert [n.text for n in objection.notes.all()] == ["Marketing stopped"]
    assert copy.notes.get().kind == RequestNote.INTERNAL and copy.notes.get().author == officer
    assert_no_personal_data(the_entry(audit.DELIVERED, copy, officer), "registered post")
    assert_no_personal_data(the_entry(audit.CLOSED, objection, officer), "Marketing")
    with pytest.raises(rules.ActionRefused, match="Deliver, run, approve or refuse"):
        actions.close(make_request(R.ERASURE, member=alice), officer)
    with pytest.raises(rules.ActionRefused, match="marked delivered"):
        actions.mark_delivered(objection, officer)


# -- reminders -----------------------------------------------------------------------------------


def test_reminders_go_to_the_assignee_and_the_officers_once(officer, alice, mailoutbox, settings):
    default_site()
    assignee = make_superuser("assignee")
    make_editor()  # an editor is not reminded
    soon = make_request(member=alice, received_at=at(2023, 1, 31), assignee=assignee)  # 28 Feb
    late = make_request(R.ERASURE, member=alice, received_at=at(2023, 1, 10))  # 10 February
    make_request(member=alice, received_at=at(2023, 2, 20))  # 20 March: not yet
    now = at(2023, 2, 22)

    sent = reminders.send_deadline_reminders(now, days_before=7)

    assert sent == {"reminders": 1, "overdue": 1, "failed": 0}
    by_subject = {}
    for mail in mailoutbox:
        by_subject.setdefault(mail.subject, set()).update(mail.to)
    assert by_subject == {
        f"Privacy request #{soon.pk} is due in 6 days": {"assignee@example.com",
                                                         "officer@example.com"},
        f"Privacy request #{late.pk} is overdue": {"officer@example.com"},
    }  # fmt: skip
    body = next(m.body for m in mailoutbox if "overdue" in m.subject)
    assert f"http://testserver{QUEUE}inspect/{late.pk}/" in body
    assert "alice" not in body.lower()  # staff mail names the request, not the member
    entry = the_entry(audit.REMINDER_SENT, late, None)
    assert entry.data["overdue"] is True and entry.data["recipients"] == 1

    assert reminders.send_deadline_reminders(now, days_before=7) == {
        "reminders": 0, "overdue": 0, "failed": 0
    }  # fmt: skip
    assert reminders.send_deadline_reminders(at(2023, 2, 27), days_before=7)["reminders"] == 0
    assert len(mailoutbox) == 3


def test_a_failed_reminder_is_tried_again(officer, alice, mailoutbox, monkeypatch):
    make_request(member=alice, received_at=at(2023, 1, 31))
    calls = []

    def broken(self, *args, **kwargs):
        calls.append(1)
        raise ConnectionRefusedError

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
        assert reminders.send_deadline_reminders(at(2023, 2, 22), 7)["failed"] == 1
    assert calls and not mailoutbox
    assert reminders.send_deadline_reminders(at(2023, 2, 22), 7)["reminders"] == 1
    assert len(mailoutbox) == 1


def test_reminders_by_command_task_and_beat_schedule(officer, alice, mailoutbox):
    configure(reminder_days_before=40)
    make_request(member=alice, received_at=timezone.now() - timedelta(days=1))
    out = io.StringIO()
    call_command("gdpr_send_reminders", stdout=out)
    assert "Sent 1 reminders and 0 overdue notices" in out.getvalue()
    assert len(mailoutbox) == 1

    from wagtail_gdpr import tasks

    assert tasks.send_deadline_reminders.delay().get() == {
        "reminders": 0, "overdue": 0, "failed": 0
    }  # fmt: skip
    entry = BEAT_SCHEDULE["wagtail-gdpr-send-deadline-reminders"]
    assert entry["task"] == "wagtail_gdpr.send_deadline_reminders"


# -- the admin: who may see it -------------------------------------------------------------------


def queue_urls(dsr) -> list[tuple[str, str]]:
    """(method, url) of every URL of the queue for ``dsr``."""
    urls = [("get", QUEUE), ("get", f"{QUEUE}?export=csv"), ("get", f"{QUEUE}inspect/{dsr.pk}/"),
            ("get", f"{QUEUE}report/{dsr.pk}/")]  # fmt: skip
    for name in table.ACTIONS:
        urls += [("get", f"{QUEUE}{name}/{dsr.pk}/"), ("post", f"{QUEUE}{name}/{dsr.pk}/")]
    return urls


def test_an_editor_gets_403_on_every_queue_url_and_sees_no_menu_item(alice):
    dsr = make_request(R.ERASURE, member=alice)
    editor = logged_in(make_editor())

    assert editor.get("/admin/").status_code == 200  # an editor, in the admin
    for method, url in queue_urls(dsr):
        response = getattr(editor, method)(url, {"reason": "no", "note": "x"} if method ==
                                           "post" else None)  # fmt: skip
        assert response.status_code == 403, (method, url, response.status_code)

    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW and dsr.assignee is None
    assert not ModelLogEntry.objects.exists()  # nothing done, nothing viewed
    home = editor.get("/admin/").content.decode()
    assert QUEUE not in home and "Privacy requests" not in home
    officer_home = logged_in(make_officer()).get("/admin/").content.decode()
    assert QUEUE in officer_home  # the menu item, and the dashboard panel
    assert "Privacy requests" in officer_home


def test_members_without_admin_access_are_sent_to_the_login(alice):
    dsr = make_request(R.ERASURE, member=alice)
    for client in (Client(), logged_in(alice)):
        for method, url in [("get", QUEUE), ("post", f"{QUEUE}refuse/{dsr.pk}/")]:
            response = getattr(client, method)(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert R.objects.get(pk=dsr.pk).status == R.IN_REVIEW


def test_the_privacy_officers_group_has_the_queue_and_read_access():
    group = Group.objects.get(name="Privacy officers")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "manage_requests", "view_datasubjectrequest",
            "view_consentrecord", "view_legalhold"} <= codenames  # fmt: skip
    assert not codenames & {"change_datasubjectrequest", "delete_datasubjectrequest"}
    assert Permission.objects.filter(codename="manage_requests").count() == 1


def test_actions_are_post_only_with_csrf(officer, alice):
    dsr = make_request(R.ERASURE, member=alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(f"{QUEUE}refuse/{dsr.pk}/", {"reason": "No"})
    assert response.status_code == 403
    assert R.objects.get(pk=dsr.pk).status == R.IN_REVIEW
    assert logged_in(officer).put(f"{QUEUE}refuse/{dsr.pk}/").status_code == 405


# -- the admin: a smoke test on seeded data ------------------------------------------------------


def seed(alice):
    """A request of each kind, in the states the actions need."""
    bob = make_member("bob", email="bob@example.com")
    give_member_data(bob, tag="bob")
    profile = alice.profile
    return {
        "copy": completed_copy(alice),
        "queued": make_request(R.ACCESS, member=alice, status=R.QUEUED),
        "unverified": make_request(R.PORTABILITY, status=R.UNVERIFIED,
                                   requester_name="<script>alert('x')</script>"),
        "correction": rectification.propose(alice, "testapp.Profile", profile.pk, "birth_date",
                                            "1991-03-04", "My passport <b>says</b> so"),
        "erasure": make_request(R.ERASURE, member=bob),
        "restriction": make_request(R.RESTRICTION, member=alice, status=R.QUEUED,
                                    purpose="security-of-your-account"),
        "restricted": make_request(R.RESTRICTION, member=bob, status=R.DONE,
                                   purpose="all", in_force=True),
        "objection": make_request(R.OBJECTION, member=bob,
                                  received_at=timezone.now() - timedelta(days=40)),
        "waiting": make_request(R.OBJECTION, member=alice, status=R.WAITING_FOR_MEMBER),
        "lift_due": make_request(R.RESTRICTION, member=alice, status=R.DONE, purpose="all",
                                 in_force=True, lift_after=timezone.now() - timedelta(hours=1)),
        "copy_to_make": make_request(R.ACCESS, member=bob, status=R.IN_REVIEW),
    }  # fmt: skip


def test_every_rule_has_one_row_in_the_action_table_in_button_order():
    assert list(table.ACTIONS) == list(rules.RULES)
    for name, action in table.ACTIONS.items():
        assert action.name == name and action.run is not None


def where_possible(requests) -> dict[str, DataSubjectRequest]:
    found = {}
    for dsr in requests.values():
        for name in rules.available_actions(dsr):
            found.setdefault(name, dsr)
    return found


def test_the_queue_list_filters_search_and_export_for_an_officer(officer, alice):
    requests = seed(alice)
    client = logged_in(officer)

    listing = client.get(QUEUE)
    assert listing.status_code == 200
    body = listing.content.decode()
    for dsr in requests.values():
        assert f"{QUEUE}inspect/{dsr.pk}/" in body
    assert "overdue" in body and "clock stopped" in body
    for query in ["kind=erasure", "status=unverified", "deadline=overdue", "deadline=week",
                  "deadline=paused", "deadline=open", "deadline=closed", "assigned=me",
                  "assigned=nobody", "q=bob", f"q=%23{requests['erasure'].pk}", "o=5"]:  # fmt: skip
        assert client.get(f"{QUEUE}?{query}").status_code == 200, query
    overdue = client.get(f"{QUEUE}?deadline=overdue").content.decode()
    assert f"inspect/{requests['objection'].pk}/" in overdue
    assert f"inspect/{requests['erasure'].pk}/" not in overdue
    actions.assign(requests["erasure"], officer, officer)
    mine = client.get(f"{QUEUE}?assigned=me").content.decode()
    assert f"inspect/{requests['erasure'].pk}/" in mine
    assert f"inspect/{requests['objection'].pk}/" not in mine

    export = client.get(f"{QUEUE}?export=csv")
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == len(requests)
    assert {row["Kind"] for row in rows} >= {"Erasure", "Correction", "Objection"}
    assert any(row["Overdue"] == "True" for row in rows)


def test_the_inspect_view_shows_the_whole_story_escaped_and_logs_the_viewing(officer, alice):
    requests = seed(alice)
    client = logged_in(officer)
    actions.extend(requests["erasure"], officer, timezone.localdate() + timedelta(days=40), "Busy")

    for name, dsr in requests.items():
        response = client.get(f"{QUEUE}inspect/{dsr.pk}/")
        assert response.status_code == 200, name
        the_entry(audit.VIEWED_DATA, dsr, officer)

    body = client.get(f"{QUEUE}inspect/{requests['unverified'].pk}/").content.decode()
    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "The clock is stopped" in body
    correction = client.get(f"{QUEUE}inspect/{requests['correction'].pk}/").content.decode()
    assert "My passport &lt;b&gt;says&lt;/b&gt; so" in correction
    erasure = client.get(f"{QUEUE}inspect/{requests['erasure'].pk}/").content.decode()
    assert "What the erasure would do now" in erasure
    assert "Deadline extended" in erasure and "Personal data viewed" in erasure  # history
    assert "Due before the extension" in erasure


def test_staff_download_of_a_report_is_logged(officer, alice):
    copy = completed_copy(alice)
    response = logged_in(officer).get(f"{QUEUE}report/{copy.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    entry = ModelLogEntry.objects.get(action=audit.VIEWED_DATA, object_id=str(copy.pk))
    assert entry.user_id == officer.pk and entry.data["viewed"] == "report"
    copy.report.refresh_from_db()
    assert copy.report.downloads == 0  # the member's count is the member's


def test_every_action_page_answers_an_officer(officer, alice):
    requests = seed(alice)
    targets = where_possible(requests)
    assert set(targets) == set(table.ACTIONS)  # the seed reaches every action
    client = logged_in(officer)

    for name, dsr in targets.items():
        page = client.get(f"{QUEUE}{name}/{dsr.pk}/")
        assert page.status_code == 200, name
        assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    done = R.objects.filter(status=R.DONE).first()
    assert client.get(f"{QUEUE}verify/{done.pk}/").status_code == 409


POSTS = {
    rules.ASSIGN: lambda officer: {"assignee": officer.pk},
    rules.VERIFY: lambda officer: {},
    rules.REQUEST_IDENTITY: lambda officer: {},
    rules.EXTEND: lambda officer: {
        "until": (timezone.localdate() + timedelta(days=45)).isoformat(),
        "reason": "Busy",
    },
    rules.APPROVE: lambda officer: {},
    rules.REJECT: lambda officer: {"reason": "The passport says otherwise"},
    rules.RUN_ERASURE: lambda officer: {},
    rules.SCHEDULE_ERASURE: lambda officer: {
        "when": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    },
    rules.DELIVER: lambda officer: {"note": "By post"},
    rules.CLOSE: lambda officer: {"reason": R.WITHDRAWN, "note": "Done"},
    rules.ACCEPT_PROCESSING: lambda officer: {"purpose": "security-of-your-account"},
    rules.LIFT_PROCESSING: lambda officer: {},
    rules.REFUSE: lambda officer: {"reason": "Manifestly unfounded"},
    rules.LINK_MEMBER: lambda officer: {"member": "ALICE@example.com"},
    rules.ASK_REQUESTER: lambda officer: {"question": "Which use of your data do you mean?"},
    rules.RECORD_ANSWER: lambda officer: {"answer": "The newsletter, they said on the phone."},
    rules.REMIND_REQUESTER: lambda officer: {},
    rules.ANNOUNCE_LIFT: lambda officer: {
        "when": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "reason": "The disputed orders are settled.",
    },
    rules.MAKE_COPY: lambda officer: {},
    rules.ADD_NOTE: lambda officer: {"note": "Called the member back."},
}

LOGGED_AS = {
    rules.ASSIGN: audit.ASSIGNED,
    rules.VERIFY: audit.IDENTITY_VERIFIED,
    rules.REQUEST_IDENTITY: audit.IDENTITY_REQUESTED,
    rules.EXTEND: audit.EXTENDED,
    rules.APPROVE: audit.CORRECTION_APPROVED,
    rules.REJECT: audit.CORRECTION_REJECTED,
    rules.RUN_ERASURE: audit.ERASURE_RUN,
    rules.SCHEDULE_ERASURE: audit.ERASURE_SCHEDULED,
    rules.DELIVER: audit.DELIVERED,
    rules.CLOSE: audit.CLOSED,
    rules.ACCEPT_PROCESSING: audit.PROCESSING_ACCEPTED,
    rules.LIFT_PROCESSING: audit.PROCESSING_LIFTED,
    rules.REFUSE: audit.REFUSED,
    rules.LINK_MEMBER: audit.MEMBER_LINKED,
    rules.ASK_REQUESTER: audit.REQUESTER_ASKED,
    rules.RECORD_ANSWER: audit.ANSWER_RECEIVED,
    rules.REMIND_REQUESTER: audit.REQUESTER_REMINDED,
    rules.ANNOUNCE_LIFT: audit.LIFT_ANNOUNCED,
    rules.MAKE_COPY: audit.COPY_STARTED,
    rules.ADD_NOTE: audit.NOTE_ADDED,
}


@pytest.mark.parametrize("name", table.ACTIONS)
def test_each_action_posted_from_the_admin_is_logged_with_the_officer(officer, alice, name):
    targets = where_possible(seed(alice))
    dsr = targets[name]
    client = logged_in(officer)

    response = client.post(f"{QUEUE}{name}/{dsr.pk}/", POSTS[name](officer))

    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == f"{QUEUE}inspect/{dsr.pk}/"
    the_entry(LOGGED_AS[name], dsr, officer)


def test_a_form_error_and_a_refused_action_are_shown(officer, alice):
    requests = seed(alice)
    client = logged_in(officer)
    erasure = requests["erasure"]

    blank = client.post(f"{QUEUE}refuse/{erasure.pk}/", {"reason": ""})
    assert blank.status_code == 400 and "This field is required." in blank.content.decode()
    too_far = (timezone.localdate() + timedelta(days=120)).isoformat()
    refused = client.post(f"{QUEUE}extend/{erasure.pk}/", {"until": too_far, "reason": "Busy"})
    assert refused.status_code == 409
    assert "two months at most" in refused.content.decode()
    assert not entries(audit.EXTENDED).exists() and not entries(audit.REFUSED).exists()


def test_the_corrections_review_is_in_the_privacy_menu(officer):
    body = logged_in(officer).get("/admin/").content.decode()
    assert "/admin/gdpr/corrections/" in body


def test_a_scheduled_erasure_is_released_at_its_moment_whatever_the_offset(officer, alice):
    """10:00 in Stockholm is 08:00 UTC: released then, not two hours later."""
    dsr = make_request(R.ERASURE, member=alice, received_at=at(2024, 5, 1))
    actions.schedule_erasure(dsr, officer, at(2024, 5, 20, 10), now=at(2024, 5, 2))
    assert worker_queue.release_scheduled(now=at(2024, 5, 20, 9, 59)) == 0
    assert worker_queue.release_scheduled(now=at(2024, 5, 20, 10, 0)) == 1


def test_the_old_url_names_of_the_actions_still_lead_to_them(officer):
    """``gdpr_requests_modeladmin_<action>`` named the action pages in 0.1."""
    from django.urls import reverse

    dsr = make_request(R.ERASURE, status=R.IN_REVIEW)
    client = logged_in(officer)
    for name in ("assign", "refuse", "report"):
        old = reverse(f"gdpr_requests_modeladmin_{name}", args=[dsr.pk])
        assert old == f"{QUEUE}{name}/{dsr.pk}/"
    assert client.get(reverse("gdpr_requests_modeladmin_assign", args=[dsr.pk])).status_code == 200
    assert reverse("wagtail_gdpr_corrections:index") == "/admin/gdpr/corrections/"
