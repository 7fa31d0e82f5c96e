"""Faults survived, on the real services: a storage that fails half-way, a database connection
cut in the middle of a copy, a worker killed during a retention sweep, and Redis stopped during a
burst of requests.

Each ends the same way: nothing half-done is kept, staff read what went wrong, and a retry (by
staff, or the periodic recovery) completes the work.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401 (autouse)
    make_member,
    private_reports,  # noqa: F401 (autouse)
    stored_report_files,
    url_of,
)
from tests.conftest import WorkerProcess, configure_celery, wait_for
from tests.test_concurrency import privacy_officers_group  # noqa: F401 (autouse)
from tests.test_queue import make_officer
from tests.testapp.models import Shop, Visit
from tests.testapp.signals import SLOW_SWEEP_MARKER
from tests.testapp.wagtail_hooks import SLOW_REPORT_MARKER
from wagtail_gdpr import access, tasks
from wagtail_gdpr.erasure.retention import DEFAULT_BATCH_SIZE
from wagtail_gdpr.models import AccessReport, DataSubjectRequest, RetentionRun
from wagtail_gdpr.requests import worker_queue
from wagtail_gdpr.staff import actions

R = DataSubjectRequest


def status_of(dsr):
    dsr.refresh_from_db()
    return dsr.status


# -- a storage error while writing a copy --------------------------------------------------------


@pytest.mark.django_db
def test_a_storage_error_fails_the_copy_with_a_reason_for_staff_and_leaves_no_partial_file(
    private_reports,  # noqa: F811 (the autouse fixture's storage)
    monkeypatch,
):
    member = make_member("alice")
    dsr = access.request_copy(member)
    real_save = private_reports._save

    def full_disk(name, content):
        path = private_reports.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as half:
            half.write(content.read(100))  # half a file is on disk when the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(private_reports, "_save", full_disk)
    assert access.build_access_report(dsr.pk) == "failed"

    dsr.refresh_from_db()
    assert dsr.status == R.FAILED
    assert dsr.failure_reason == "storing the copy failed: OSError"
    assert stored_report_files(private_reports) == []  # not even half a file
    assert not AccessReport.objects.exists()

    # Staff read the reason on the request and start the copy again; now it is written.
    monkeypatch.setattr(private_reports, "_save", real_save)
    actions.make_copy(dsr, make_officer())
    assert access.build_access_report(dsr.pk) == "done"
    assert status_of(dsr) == R.DONE
    assert len(stored_report_files(private_reports)) == 1


# -- the database connection cut mid-copy --------------------------------------------------------


def worker_backends() -> list[int]:
    """The PostgreSQL backends of other processes on the test database (the worker's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres  # pg_terminate_backend is PostgreSQL's
def test_the_database_connection_dropped_mid_copy_fails_cleanly_and_a_retry_completes_it(
    worker,
):
    add_privacy_centre()
    member = make_member("alice")
    Shop.objects.create(name=f"{SLOW_REPORT_MARKER}4")  # the report takes 4 s to write
    dsr = access.request_copy(member)
    wait_for(lambda: status_of(dsr) == R.RUNNING, timeout=30, message="the worker to start")

    with connection.cursor() as cursor:
        for pid in worker_backends():
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

    wait_for(lambda: status_of(dsr) == R.FAILED, timeout=60, message="the copy to fail")
    dsr.refresh_from_db()
    # The reason names the failure for staff: the connection was lost while writing.
    # (while a kind of data was being exported, while the report was written, or while stored)
    assert dsr.failure_reason.startswith(
        ("exporting ", "writing the report failed:", "storing the copy failed:")
    )
    assert "Error" in dsr.failure_reason
    assert not AccessReport.objects.filter(request=dsr).exists()

    Shop.objects.filter(name__startswith=SLOW_REPORT_MARKER).delete()
    actions.make_copy(dsr, make_officer())  # staff retry: the worker reconnects and finishes
    wait_for(lambda: status_of(dsr) == R.DONE, timeout=60, message="the retry to finish")
    assert AccessReport.objects.filter(request=dsr).count() == 1
    worker.process.poll()
    assert worker.process.returncode is None  # the worker itself survived


# -- the worker killed during a retention sweep --------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_a_retention_sweep_resumes_with_no_batch_half_applied(worker):
    member = make_member("alice")
    old_enough = timezone.now() - timedelta(days=400)
    # Five batches of two expired visits each (batches are ranges of ids), and one young visit.
    base = (Visit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10
    pairs = []
    for batch in range(5):
        first = base + batch * DEFAULT_BATCH_SIZE
        pairs.append([first, first + 1])
        for pk in (first, first + 1):
            Visit.objects.create(pk=pk, user=member, ip_address="198.51.100.1",
                                 visited_at=old_enough)  # fmt: skip
    young = Visit.objects.create(user=member, ip_address="198.51.100.2")
    Shop.objects.create(name=f"{SLOW_SWEEP_MARKER}1")  # one second per visit

    tasks.run_retention.delay()
    wait_for(
        lambda: Visit.objects.filter(pk__in=pairs[0]).count() == 0,
        timeout=60,
        message="the first batch to commit",
    )
    time.sleep(1.2)  # inside a later batch
    worker.kill()

    # Every batch went as a whole or not at all, and the run's progress says how many went.
    gone = [not Visit.objects.filter(pk__in=pair).exists() for pair in pairs]
    for pair in pairs:
        assert Visit.objects.filter(pk__in=pair).count() in (0, 2), pair
    assert gone[0] and not gone[-1]
    run = RetentionRun.objects.get()
    assert run.status == RetentionRun.RUNNING  # it died; it did not finish
    assert run.counts["testapp.Visit"]["deleted"] == 2 * sum(gone)

    Shop.objects.filter(name__startswith=SLOW_SWEEP_MARKER).delete()
    worker.start()
    tasks.run_retention.delay()  # the next sweep starts from the lowest expired row
    wait_for(
        lambda: RetentionRun.objects.filter(status=RetentionRun.DONE).exists(),
        timeout=60,
        message="the next sweep",
    )
    assert not Visit.objects.filter(pk__in=[pk for pair in pairs for pk in pair]).exists()
    assert Visit.objects.filter(pk=young.pk).exists()
    done = RetentionRun.objects.get(status=RetentionRun.DONE)
    assert done.counts["testapp.Visit"]["deleted"] == 10 - 2 * sum(gone)


# -- Redis stopped during a burst ----------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on now, so runs side by side each get a Redis of their own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, with an append-only file, so it can be stopped and
    started again like a real one, messages kept."""

    def __init__(self, port, workdir):
        self.port, self.workdir, self.process = port, workdir, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.workdir), "--appendonly", "yes", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=20, message="redis-server to start")

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def burst_worker(own_redis, django_db_setup, tmp_path, monkeypatch):
    """A worker and this process, both on the test's own Redis."""
    from celery import Celery

    from tests.celery_app import app as test_app

    app = Celery("burst", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    configure_celery(
        app,
        broker_url=own_redis.url,
        result_backend=None,
        task_ignore_result=True,
        task_always_eager=False,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        broker_connection_timeout=1,
    )
    app.set_current()
    monkeypatch.setenv("REDIS_URL", own_redis.url)
    process = WorkerProcess(connection.settings_dict["NAME"], str(tmp_path / "mail"))
    process.start = _start_on(process, app)
    process.start()
    yield process
    process.stop()
    test_app.set_current()


def _start_on(process, app):
    """``WorkerProcess.start`` without purging the suite's own queue on the suite's Redis."""
    original = WorkerProcess.start

    def start():
        from tests import celery_app

        real, celery_app.app = celery_app.app, app
        try:
            original(process)
        finally:
            celery_app.app = real

    return start


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_during_a_burst_of_50_requests_loses_none_of_them(burst_worker, own_redis):
    centre = add_privacy_centre()
    url = url_of(centre, "copy/")
    made = []
    for number in range(50):
        if number == 15:
            own_redis.stop()  # Redis goes away in the middle of the burst
        if number == 35:
            own_redis.start()  # and comes back
        client = Client()
        client.force_login(make_member(f"member{number}"))
        response = client.post(url)
        assert response.status_code == 303, response.status_code  # the member is answered
        made.append(int(response["Location"].rstrip("/").split("/")[-1]))

    assert R.objects.filter(pk__in=made).count() == 50
    # Those asked while Redis was down wait in the database, marked as never sent.
    assert R.objects.filter(pk__in=made, enqueued_at__isnull=True).exists()
    worker_queue.requeue_stuck()  # the periodic recovery, once Redis is back

    def all_done():
        return R.objects.filter(pk__in=made, status=R.DONE).count() == 50

    try:
        wait_for(all_done, timeout=120, message="all 50 copies")
    except pytest.fail.Exception:
        # Messages the worker had taken from Redis when it stopped are lost with the
        # connection (they come back only after the broker's visibility timeout): the sweep
        # sends their requests again once the lease has passed, as it runs a lease later.
        left = dict(R.objects.filter(pk__in=made).values_list("pk", "status"))
        assert set(left.values()) <= {R.QUEUED, R.RUNNING, R.DONE}, left
        worker_queue.requeue_stuck(now=timezone.now() + worker_queue.lease())
        wait_for(all_done, timeout=180, message="all 50 copies, after the sweep a lease later")
    assert AccessReport.objects.filter(request_id__in=made).count() == 50
