"""Background work goes to Celery where the site has a broker, and runs in-process otherwise."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core import checks

from tests.conftest import REPO_ROOT, broker_without_worker, configure_celery, published
from tests.testapp.models import Order
from wagtail_gdpr import access, erasure, jobs
from wagtail_gdpr.checks import JOBS_IN_PROCESS, UNKNOWN_JOBS_BACKEND, check_background_work
from wagtail_gdpr.models import DataSubjectRequest


@pytest.fixture
def failures_kept():
    """The test app as a site has it by default: a job's failure is not passed on."""
    app = jobs.task_of(jobs.RUN_ERASURE).app
    configure_celery(app, task_eager_propagates=False)
    yield
    configure_celery(app, task_eager_propagates=True)


def run_site_without_celery(tmp_path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.sites.run_without_celery"],
        cwd=REPO_ROOT,
        env={**os.environ, "WAGTAIL_GDPR_SITE_DIR": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_site_without_celery_completes_copies_and_erasures_in_process(tmp_path):
    seen = run_site_without_celery(tmp_path)

    # Nothing in that site made a Celery app or named a broker...
    assert seen["current_app"] == "default"
    assert seen["broker_configured"] is False
    assert seen["backend"] == jobs.IN_PROCESS
    # ...and the member's copy was made in the process that asked, with their rows in it,
    assert seen["copy_status"] == DataSubjectRequest.DONE
    assert seen["copy_order_totals"] == [7.0, 9.0]
    # and so was the erasure: the orders are kept for bookkeeping, anonymised; the member is gone.
    assert seen["erasure_status"] == DataSubjectRequest.DONE
    assert seen["orders_left"] == [
        {"email": "erased-1@erased.invalid", "customer_id": None},
        {"email": "erased-2@erased.invalid", "customer_id": None},
    ]
    assert seen["member_left"] is False
    assert seen["requests"] == [["access", "done"], ["erasure", "done"]]


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_with_a_broker_the_same_work_goes_to_celery():
    member = get_user_model().objects.create_user("alice", "alice@example.com", "pw")
    Order.objects.create(customer=member, email="alice@example.com", total=7)

    with broker_without_worker() as app:
        assert jobs.backend() == jobs.CELERY
        copy = access.request_copy(member)
        wipe = erasure.request_erasure(member)
        sent = published(app)

    assert sent == [
        ("wagtail_gdpr.build_access_report", [copy.pk]),
        ("wagtail_gdpr.run_erasure", [wipe.pk]),
    ]
    # Handed over, not done here: the rows wait for a worker.
    assert set(DataSubjectRequest.objects.values_list("status", flat=True)) == {"queued"}
    assert Order.objects.filter(customer=member).count() == 1


@pytest.mark.django_db
def test_nothing_is_published_before_the_commit(django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(jobs, "send", lambda job, *args: calls.append((job.name, args)))
    member = get_user_model().objects.create_user("alice", "alice@example.com", "pw")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dsr = access.request_copy(member)
        assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [("wagtail_gdpr.build_access_report", (dsr.pk,))]


def test_the_backend_follows_the_setting(settings):
    settings.WAGTAIL_GDPR_JOBS = "celery"
    assert jobs.backend() == jobs.CELERY
    settings.WAGTAIL_GDPR_JOBS = "in-process"
    assert jobs.backend() == jobs.IN_PROCESS
    settings.WAGTAIL_GDPR_JOBS = "threads"
    with pytest.raises(jobs.ConfigurationError, match="WAGTAIL_GDPR_JOBS"):
        jobs.backend()


def test_an_app_without_a_broker_keeps_work_in_process(settings):
    from celery import Celery

    from tests.celery_app import app as test_app

    no_broker = Celery("no-broker", set_as_current=False)  # an app, but nobody set a broker
    no_broker.set_current()
    try:
        assert not jobs.broker_configured()
        assert jobs.backend() == jobs.IN_PROCESS
    finally:
        test_app.set_current()


def test_the_check_warns_when_production_runs_in_process(settings):
    settings.DEBUG = False
    settings.WAGTAIL_GDPR_JOBS = "in-process"
    assert [m.id for m in check_background_work()] == [JOBS_IN_PROCESS]
    assert all(m.level == checks.WARNING for m in check_background_work())

    settings.DEBUG = True  # development: in-process is the point
    assert check_background_work() == []
    settings.DEBUG = False
    settings.WAGTAIL_GDPR_JOBS = "celery"
    assert check_background_work() == []
    settings.WAGTAIL_GDPR_JOBS = "sometimes"
    assert [m.id for m in check_background_work()] == [UNKNOWN_JOBS_BACKEND]


@pytest.mark.django_db
def test_a_job_that_fails_in_process_is_logged_and_does_not_reach_the_caller(
    caplog, settings, failures_kept
):
    settings.WAGTAIL_GDPR_JOBS = "in-process"
    assert jobs.send(jobs.SEND_REQUEST_EMAIL, 987654, "no_such_message") is True  # no request
    assert jobs.send(jobs.RUN_ERASURE, "not a key") is False
    ours = [r.getMessage() for r in caplog.records if r.name == "wagtail_gdpr.jobs"]
    assert ours == ["Background job wagtail_gdpr.run_erasure failed in-process (ValueError)."]


@pytest.mark.django_db
def test_a_site_that_asks_for_failures_gets_them(settings):
    """``CELERY_TASK_EAGER_PROPAGATES`` (the test settings set it) passes a job's failure on."""
    settings.WAGTAIL_GDPR_JOBS = "in-process"
    with pytest.raises(ValueError, match="expected a number"):
        jobs.send(jobs.RUN_ERASURE, "not a key")
