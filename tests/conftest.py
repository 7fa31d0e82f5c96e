"""Fixtures shared by the suite, above all a real Celery worker for the task flows."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

# The test suite's Celery app: created here, not in tests/__init__.py, so that a process that
# imports the test app without pytest (tests/sites/) is a site with no Celery app at all.
from tests.celery_app import app as celery_app  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parent.parent


def redis_problem() -> str | None:
    """Why Redis cannot be reached, or ``None`` when it can."""
    url = urlparse(settings.CELERY_BROKER_URL)
    host, port = url.hostname or "127.0.0.1", url.port or 6379
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as exc:
        return f"Redis is not reachable at {host}:{port} ({exc})"


def pytest_collection_modifyitems(config, items):
    """Leave the row-lock races out where the database is SQLite (one lock for everything)."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    left_out = [item for item in items if item.get_closest_marker("postgres")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def pytest_runtest_setup(item):
    if item.get_closest_marker("worker") is None and item.get_closest_marker("broker") is None:
        return
    problem = redis_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{problem}; CI=true requires Redis for these tests.", pytrace=False)
    pytest.skip(f"{problem}: start redis-server or set REDIS_URL to run the broker tests.")


class WorkerProcess:
    """A ``celery worker`` subprocess consuming the test queue against the test database."""

    def __init__(self, database_name: str, email_dir: str):
        self.database_name = database_name
        self.email_dir = email_dir
        self.log_path = REPO_ROOT / "test-artifacts" / "celery-worker.log"
        self.hostname = f"{settings.CELERY_TASK_DEFAULT_QUEUE}@{socket.gethostname()}"
        self.process = None

    def start(self):
        from tests.celery_app import app

        self.log_path.parent.mkdir(exist_ok=True)
        with app.connection_for_write() as connection:  # drop what an interrupted run left
            connection.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "WAGTAIL_GDPR_TEST_DATABASE_NAME": self.database_name,
            "WAGTAIL_GDPR_TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
            "WAGTAIL_GDPR_TEST_EMAIL_DIR": self.email_dir,
            "WAGTAIL_GDPR_TEST_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "PYTHONPATH": str(REPO_ROOT),
        }
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "tests.celery_app", "worker",
                "--pool=solo", "--concurrency=1", "--loglevel=INFO",
                "--queues", settings.CELERY_TASK_DEFAULT_QUEUE,
                "--hostname", self.hostname,
                "--without-mingle", "--without-gossip",
            ],
            cwd=REPO_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.wait_until_ready()

    def wait_until_ready(self, timeout: float = 60):
        from tests.celery_app import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited early; see {self.log_path}")
            if app.control.ping(destination=[self.hostname], timeout=0.5):
                return
        raise RuntimeError(
            f"The Celery worker did not answer within {timeout}s; see {self.log_path}"
        )

    def kill(self):
        """SIGKILL, as an out-of-memory killer or a lost machine would."""
        self.process.kill()
        self.process.wait(timeout=30)
        self.log.close()

    def emails(self) -> list[str]:
        """The messages the worker sent, as raw text, oldest first."""
        folder = Path(self.email_dir)
        paths = sorted(
            [*folder.glob("*.log"), *folder.glob("*.eml")], key=lambda p: p.stat().st_mtime
        )
        return [p.read_text() for p in paths]

    def ensure_running(self):
        if self.process is None or self.process.poll() is not None:
            self.start()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker for the session, sharing the test database through the file or server."""
    from django.db import connection

    worker = WorkerProcess(
        connection.settings_dict["NAME"], str(tmp_path_factory.mktemp("worker-mail"))
    )
    worker.start()
    yield worker
    worker.stop()


def configure_celery(app, **values):
    """Change settings of a Celery app configured from Django's settings. Celery 5.4 and 5.5
    read the name with the settings' prefix (``CELERY_TASK_ALWAYS_EAGER``) before the new one,
    so both are set."""
    app.conf.update(**values, **{f"CELERY_{name.upper()}": v for name, v in values.items()})


@pytest.fixture
def worker(celery_worker_process, settings):
    """Send tasks to the real worker instead of running them in-process."""
    from tests.celery_app import app

    celery_worker_process.ensure_running()
    configure_celery(app, task_always_eager=False)
    yield celery_worker_process
    configure_celery(app, task_always_eager=True)


def wait_for(condition, timeout: float = 30, interval: float = 0.1, message: str = "condition"):
    """Poll ``condition`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")


@contextmanager
def broker_unreachable():
    """Publish through a Celery app whose broker nobody answers, as when Redis is down."""
    from celery import Celery

    from tests.celery_app import app as test_app

    unreachable = Celery("unreachable-broker", set_as_current=False)
    unreachable.config_from_object("django.conf:settings", namespace="CELERY")
    configure_celery(
        unreachable,
        broker_url="redis://127.0.0.1:1/0",  # nothing listens on port 1
        task_always_eager=False,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        task_publish_retry=False,
    )
    unreachable.set_current()
    try:
        yield
    finally:
        test_app.set_current()


@contextmanager
def broker_without_worker():
    """Publish through a Celery app whose broker is a real Redis that no worker reads.

    Yields the app, whose ``connection_for_read()`` finds what was published; the queue is
    emptied afterwards.
    """
    from celery import Celery

    from tests.celery_app import app as test_app

    url = urlparse(settings.CELERY_BROKER_URL)
    # Configured from scratch, not from the Django settings (which make tasks eager).
    quiet = Celery("broker-without-worker", set_as_current=False)
    quiet.conf.update(
        broker_url=url._replace(path="/14").geturl(),  # a database no worker of ours reads
        task_always_eager=False,
        task_default_queue=f"wagtail-gdpr-quiet-{os.getpid()}",
        broker_connection_retry_on_startup=True,
    )
    quiet.set_current()
    try:
        with quiet.connection_for_write() as connection:
            connection.default_channel.queue_purge(quiet.conf.task_default_queue)
        yield quiet
    finally:
        with quiet.connection_for_write() as connection:
            connection.default_channel.queue_purge(quiet.conf.task_default_queue)
        test_app.set_current()


def published(app) -> list[tuple[str, list]]:
    """``(task name, arguments)`` of each message waiting in ``app``'s default queue."""
    found = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue, no_ack=True)
        while True:
            try:
                message = queue.get(timeout=0.5)
            except queue.Empty:
                break
            args, _kwargs, _embed = message.decode()
            found.append((message.headers["task"], list(args)))
        queue.close()
    return found
