"""Two things at once: real parallel transactions, started together on a barrier.

Each thread has its own database connection (closed when it ends). For every "only one" rule
there is exactly one winner; the others get a clear answer (a 409 over HTTP, a refusal from a
service), never a 500, a duplicate row or a lost write.

The HTTP paths run on SQLite too, where the database lets one writer at a time: there a locked
database is a 409 in plain words (``DatabaseBusyMiddleware``). The row-lock tests need
PostgreSQL's ``select_for_update`` and run where ``DATABASE_URL`` names it, as in CI.
"""

from __future__ import annotations

import importlib
import threading
import time

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, connections, transaction
from django.test import Client
from django.utils import translation
from wagtail.models import ModelLogEntry

from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401 (autouse)
    configure,
    default_site,
    make_member,
    make_purpose,
    private_reports,  # noqa: F401 (autouse)
    url_of,
)
from tests.test_queue import make_officer, make_request
from tests.testapp.models import Profile
from wagtail_gdpr import access, consent, database_busy, rectification
from wagtail_gdpr.models import AccessReport, ConsentRecord, ConsentState
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.requests import intake, worker_queue
from wagtail_gdpr.staff import actions, rules

# Real commits, so that parallel transactions see each other. Not serialized_rollback: after a
# transactional test without it, restoring the serialized content types collides (see
# tests/erasure_helpers.default_site); the group the migrations create is made again instead.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def privacy_officers_group(django_db_blocker):
    """The "Privacy officers" group as migration 0007 makes it, and the default site and its
    locale, after a flush removed them."""
    default_site()
    importlib.import_module("wagtail_gdpr.migrations.0007_privacy_officers_group").create_group(
        django_apps, None
    )


# Row locks race only where rows are locked: on SQLite, which locks the whole database, these
# tests are left out (tests/conftest.py); CI runs them on PostgreSQL.
postgres_only = pytest.mark.postgres


def together(*jobs):
    """Run each job in its own thread, all released at once; their results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # noqa: BLE001 (the test reads it)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread hung: a lock was never released"
    return results


def clients_of(user, count):
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def statuses(responses):
    for response in responses:
        assert not isinstance(response, BaseException), repr(response)
        assert response.status_code < 500, response.status_code
    return sorted(response.status_code for response in responses)


# -- members clicking twice ---------------------------------------------------------------------


def test_parallel_copy_requests_make_one_copy_and_a_409_for_the_others():
    centre = add_privacy_centre()
    member = make_member("alice")
    url = url_of(centre, "copy/")
    clients = clients_of(member, 3)

    responses = together(*(lambda c=c: c.post(url) for c in clients))

    codes = statuses(responses)
    assert codes.count(303) == 1, codes
    assert codes.count(409) == 2, codes
    assert R.objects.filter(member=member, kind=R.ACCESS).count() == 1
    assert AccessReport.objects.count() == 1


def test_parallel_erasure_submissions_erase_once_and_answer_the_others_plainly():
    """Three confirmations at once, no grace period: the account is erased once; a request
    made a moment after it went is refused in words, not an IntegrityError."""
    centre = add_privacy_centre()
    configure(erasure_grace_days=0)
    member = make_member("alice")
    url = url_of(centre, "erase/")
    clients = clients_of(member, 3)
    form = {"password": "pw", "confirm": "on"}

    responses = together(*(lambda c=c: c.post(url, form) for c in clients))

    codes = statuses(responses)
    assert codes.count(200) == 1, codes  # the "your data was deleted" page
    # The others: refused (409), or sent to log in again (their account is gone).
    assert all(code in (302, 409) for code in codes if code != 200), codes
    assert R.objects.filter(kind=R.ERASURE).count() == 1
    assert not type(member).objects.filter(pk=member.pk).exists()


def test_a_locked_sqlite_database_is_a_409_in_plain_words(monkeypatch):
    """What a member reads when SQLite stays locked past its timeout: busy, nothing changed."""
    centre = add_privacy_centre()
    member = make_member("alice")
    client = clients_of(member, 1)[0]

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(access.copies, "request_copy", locked)
    response = client.post(url_of(centre, "copy/"))
    assert response.status_code == 409
    assert response["Retry-After"] == "2"
    assert "The site was busy with another change" in response.content.decode()
    with translation.override("sv"):
        response = client.post(url_of(centre, "copy/"))
    assert response.status_code == 409
    assert "Webbplatsen var upptagen" in response.content.decode()
    assert database_busy.is_locked(OperationalError("database is locked"))
    assert not database_busy.is_locked(OperationalError("no such table: x"))
    assert not R.objects.exists()


# -- staff and workers --------------------------------------------------------------------------


def test_two_workers_claiming_one_request_one_gets_it():
    member = make_member("alice")
    dsr = make_request(R.ACCESS, R.QUEUED, member=member)

    claimed = together(lambda: worker_queue.claim(dsr.pk), lambda: worker_queue.claim(dsr.pk))

    assert not any(isinstance(c, BaseException) for c in claimed), claimed
    assert sum(c is not None for c in claimed) == 1
    dsr.refresh_from_db()
    assert dsr.status == R.RUNNING and dsr.attempts == 1


def test_two_officers_taking_one_action_one_wins_the_other_gets_a_409():
    member = make_member("alice")
    dsr = make_request(R.ACCESS, R.UNVERIFIED, member=member)
    first, second = make_officer("officer1"), make_officer("officer2")
    clients = clients_of(first, 1) + clients_of(second, 1)
    url = f"/admin/gdpr/requests/{rules.VERIFY}/{dsr.pk}/"

    responses = together(*(lambda c=c: c.post(url, {}) for c in clients))

    assert statuses(responses) == [303, 409]
    assert ModelLogEntry.objects.filter(object_id=str(dsr.pk)).count() == 1
    dsr.refresh_from_db()
    assert dsr.status != R.UNVERIFIED


@postgres_only
def test_staff_closing_a_request_while_the_worker_starts_it_one_of_them_wins():
    member = make_member("alice")
    officer = make_officer()
    dsr = make_request(R.ACCESS, R.QUEUED, member=member)

    built, closed = together(
        lambda: access.build_access_report(dsr.pk),
        lambda: actions.close(R.objects.get(pk=dsr.pk), officer, "Dealt with by phone"),
    )

    dsr.refresh_from_db()
    if isinstance(closed, rules.ActionRefused):  # the worker claimed it first
        assert built == "done" and dsr.status == R.DONE
        assert AccessReport.objects.filter(request=dsr).count() == 1
    else:  # staff closed it first: the worker found nothing to do
        assert not isinstance(closed, BaseException), repr(closed)
        assert built != "done" and dsr.status != R.RUNNING
        assert not AccessReport.objects.filter(request=dsr).exists()


@postgres_only
def test_two_officers_approving_one_correction_apply_it_once():
    member = make_member("alice")
    profile = Profile.objects.create(user=member, display_name="Alice")
    dsr = rectification.propose(member, "testapp.Profile", profile.pk, "birth_date", "1991-03-04")
    first, second = make_officer("officer1"), make_officer("officer2")

    results = together(
        lambda: rectification.approve(R.objects.get(pk=dsr.pk), first),
        lambda: rectification.approve(R.objects.get(pk=dsr.pk), second),
    )

    refused = [r for r in results if isinstance(r, rectification.CorrectionRefused)]
    assert len(refused) == 1, results
    dsr.refresh_from_db()
    assert dsr.status == R.DONE


@postgres_only
def test_a_correction_approved_while_the_member_edits_loses_neither_change():
    member = make_member("alice")
    profile = Profile.objects.create(user=member, display_name="Alice")
    dsr = rectification.propose(member, "testapp.Profile", profile.pk, "birth_date", "1991-03-04")
    officer = make_officer()

    approved, edited = together(
        lambda: rectification.approve(R.objects.get(pk=dsr.pk), officer),
        lambda: rectification.apply_direct(
            member, "testapp.Profile", profile.pk, "display_name", "Alice Edited"
        ),
    )

    assert not isinstance(approved, BaseException), repr(approved)
    assert not isinstance(edited, BaseException), repr(edited)
    profile.refresh_from_db()
    assert str(profile.birth_date) == "1991-03-04"
    assert profile.display_name == "Alice Edited"


@postgres_only
def test_consent_given_and_withdrawn_at_once_leaves_one_state_that_matches_the_ledger():
    member = make_member("alice")
    purpose = make_purpose("newsletter")

    results = together(
        lambda: consent.give(
            member,
            purpose,
            source="test",
            version=purpose.version,
            shown_sha256=consent.text_sha256(purpose.text),
        ),  # fmt: skip
        lambda: consent.withdraw(member, purpose, source="test"),
    )

    assert not any(isinstance(r, BaseException) for r in results), results
    [state] = ConsentState.objects.filter(user=member, purpose=purpose)
    last = ConsentRecord.objects.filter(user=member, purpose=purpose).order_by("-pk").first()
    assert state.record_id == (last.pk if last else None) or last is None
    if last is not None:
        assert state.given == (last.action != ConsentRecord.WITHDRAWN)


@postgres_only
def test_the_database_really_runs_these_in_parallel():
    """The barrier is real: two transactions overlap (one waits on the other's row lock)."""
    member = make_member("alice")
    seen = []

    def hold():
        with transaction.atomic():
            type(member).objects.select_for_update().get(pk=member.pk)
            seen.append("locked")
            time.sleep(0.5)
            seen.append("released")

    def wait():
        time.sleep(0.1)
        with transaction.atomic():
            intake.lock_member(member)
            seen.append("got it")

    together(hold, wait)
    assert seen == ["locked", "released", "got it"]
    assert connection.vendor == "postgresql"


# -- the other row locks ------------------------------------------------------------------------


@postgres_only
def test_two_workers_running_one_erasure_erase_once(settings):
    from tests.testapp.models import Order
    from wagtail_gdpr import erasure
    from wagtail_gdpr.erasure import execution

    configure(erasure_grace_days=7)  # scheduled, so nothing runs it on commit
    member = make_member("alice")
    Order.objects.create(customer=member, email="alice@example.com", shipping_address="A 1")
    dsr = erasure.request_erasure(member)
    R.objects.filter(pk=dsr.pk).update(status=R.QUEUED)

    results = together(
        lambda: execution.run_erasure_request(dsr.pk),
        lambda: execution.run_erasure_request(dsr.pk),
    )

    assert sorted(map(str, results)) == ["done", "skipped"], results
    dsr.refresh_from_db()
    assert dsr.status == R.DONE and dsr.attempts == 1
    assert not type(member).objects.filter(pk=member.pk).exists()


@postgres_only
def test_a_public_request_confirmed_twice_at_once_is_confirmed_once():
    from wagtail_gdpr import public_requests

    add_privacy_centre()
    dsr = public_requests.submit(R.ACCESS, "guest@example.com", "My data, please")
    token = public_requests.make_token(dsr)

    results = together(
        lambda: public_requests.confirm(token), lambda: public_requests.confirm(token)
    )

    refused = [r for r in results if isinstance(r, public_requests.LinkRefused)]
    confirmed = [r for r in results if isinstance(r, R)]
    assert len(refused) == 1 and len(confirmed) == 1, results
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW


@postgres_only
def test_two_removers_of_one_stored_file_remove_it_once(tmp_path):
    from tests.testapp.models import Attachment
    from wagtail_gdpr import files

    member = make_member("alice")
    attachment = Attachment.objects.create(owner=member)
    field = Attachment._meta.get_field("upload")
    name = field.storage.save("attachments/proof.txt", ContentFile(b"proof"))
    queue = files._queue()
    pk = queue.objects.create(
        model_label="testapp.Attachment", field_name="upload", file_name=name
    ).pk

    results = together(lambda: files.remove_file(pk), lambda: files.remove_file(pk))

    assert sorted(results) == sorted([files.REMOVED, files.ALREADY_DONE]), results
    assert not field.storage.exists(name)
    assert not queue.objects.filter(pk=pk).exists()
    assert attachment.pk


@postgres_only
def test_two_reminder_sweeps_at_once_send_one_reminder(mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    from wagtail_gdpr.staff import reminders

    officer = make_officer()
    member = make_member("alice")
    dsr = make_request(R.ACCESS, R.IN_REVIEW, member=member, assignee=officer,
                       received_at=timezone.now() - timedelta(days=40))  # fmt: skip

    together(reminders.send_deadline_reminders, reminders.send_deadline_reminders)

    to_officer = [m for m in mailoutbox if officer.email in m.to]
    assert len(to_officer) == 1, [m.subject for m in mailoutbox]
    assert dsr.pk
