"""Fixtures of the browser journeys: the example site on a live server, seeded; Chromium driven
by Playwright; and, when REDIS_URL is set, a real Celery worker against the live server's
test database.

Run them with::

    .venv/bin/python -m pytest tests/journeys --ds=tests.journeys.settings \
        -o addopts="-ra --strict-markers -p no:cacheprovider"
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.conftest import REPO_ROOT, WorkerProcess, redis_problem

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium on a machine without internet: no sandbox (we run as root in CI), and none
# of the background services that would flood the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API runs an event loop in the test's thread; Django's database calls from
# the test (seeding, checks) are still synchronous there and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = REPO_ROOT / "test-artifacts" / "journeys"
#: How long a step may wait for the page (ms). Generous: CI machines have two cores.
STEP_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def site_language():
    """Each journey starts in the site's language: a test that renders pages through Django's
    test client leaves the language of its last request active in this thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def browser_problem() -> str | None:
    """Why the journeys cannot drive a browser here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return 'Playwright for Python is missing (pip install -e ".[testing]")'
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None:
        return
    problem = browser_problem()
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"{problem}; CI=true requires the browser journeys to run.", pytrace=False)
    pytest.skip(f"{problem}: the browser journeys need Debian's Chromium and Playwright.")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures know at teardown whether it failed."""
    report = yield
    setattr(item, f"journey_report_{report.when}", report)
    return report


def _failed(item) -> bool:
    return any(
        getattr(item, f"journey_report_{when}", None) is not None
        and getattr(item, f"journey_report_{when}").failed
        for when in ("setup", "call")
    )


# -- the site --------------------------------------------------------------------------------


@dataclass
class Portal:
    """The seeded example site on the live server."""

    url: str

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on the live server."""
        return f"{self.url}{path}"


@pytest.fixture(scope="session")
def migrated_state(django_db_setup, django_db_blocker) -> str | None:
    """The test database as migrations left it, serialized by Django when it created it.

    Wagtail's root page, default site and locale come from data migrations, and the flush after
    each journey removes them: Django's serialized rollback puts them back before the next one.
    It keeps that serialization on the thread's connection object, though, and once Playwright's
    event loop runs in this thread Django hands out another connection object (asgiref's
    ``Local`` turns into a context variable), so ``chromium`` copies it over.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(scope="session")
def crm_endpoint(live_server) -> str:
    """The example CRM's address on the live server, where the connector sends its events.

    The example site's CRM is a system of its own, served under /crm/; in the journeys the live
    server serves it, so copies and requests wait for its answers as in the demo. The worker,
    started later, finds the address in its environment (see ``tests/journeys/settings.py``).
    """
    from django.test import override_settings

    endpoint = f"{live_server.url}/crm/gdpr/"
    connectors = [
        {**connector, "endpoint": endpoint} if connector["key"] == "crm" else connector
        for connector in settings.WAGTAIL_GDPR_CONNECTORS
    ]
    os.environ["WAGTAIL_GDPR_TEST_CRM_ENDPOINT"] = endpoint
    with override_settings(WAGTAIL_GDPR_CONNECTORS=connectors):
        yield endpoint
    os.environ.pop("WAGTAIL_GDPR_TEST_CRM_ENDPOINT", None)


@pytest.fixture
def portal(live_server, crm_endpoint, transactional_db, django_db_serialized_rollback) -> Portal:
    """The example site, seeded by its own ``seed_demo`` command, on pytest-django's server.

    Each journey starts from the database as migrations left it and seeds it again, so journeys
    never depend on each other.
    """
    from django.core.management import call_command
    from wagtail.models import Page

    assert Page.get_first_root_node() is not None, "the migrated state was not restored"
    call_command("seed_demo", stdout=io.StringIO())
    return Portal(live_server.url)


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium(migrated_state):
    """One Chromium for the run; every journey gets fresh contexts (cookies, storage)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    with sync_playwright() as playwright:
        from django.db import connection

        if migrated_state is not None:
            connection._test_serialized_contents = migrated_state  # see migrated_state
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Browsers:
    """Opens browser contexts for a journey (a member, a member of staff...) and keeps them,
    to screenshot every page when the journey fails and to close them at the end."""

    chromium: object
    contexts: list = field(default_factory=list)
    #: What the browser's console said about the Content-Security-Policy: every journey must
    #: end with none (the example site sends a strict policy, without 'unsafe-inline').
    csp_violations: list = field(default_factory=list)

    def new_page(self, locale: str = "en-GB"):
        """A tab in a fresh context whose browser speaks ``locale`` (Accept-Language)."""
        context = self.chromium.new_context(
            accept_downloads=True, locale=locale, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._watch_console)
        return page

    def _watch_console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def pages(self):
        return [page for context in self.contexts for page in context.pages]

    def screenshot(self, name: str) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for number, page in enumerate(self.pages(), start=1):
            path = ARTIFACTS / (f"{name}.png" if number == 1 else f"{name}-{number}.png")
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as exc:  # noqa: BLE001 (a closed page must not hide the failure)
                sys.stderr.write(f"journeys: could not screenshot {path.name}: {exc}\n")
            else:
                saved.append(path)
        return saved

    def close(self):
        for context in self.contexts:
            context.close()


def artifact_name(item) -> str:
    return re.sub(r"[^\w.-]+", "_", item.name).strip("_")


@pytest.fixture
def browsers(chromium, portal, request):
    """Set up after ``portal``, so its pages are closed before the database is flushed."""
    opened = Browsers(chromium)
    yield opened
    if _failed(request.node):
        for path in opened.screenshot(artifact_name(request.node)):
            sys.stderr.write(f"journeys: screenshot saved to {path.relative_to(REPO_ROOT)}\n")
    opened.close()
    assert not opened.csp_violations, "the Content-Security-Policy was violated"


@pytest.fixture
def page(browsers):
    """The first browser tab of the journey: its screenshot is ``<test name>.png``."""
    return browsers.new_page()


# -- background work -------------------------------------------------------------------------


class JourneyWorker(WorkerProcess):
    """``tests.conftest.WorkerProcess`` for the example site: ``celery -A example_site`` with
    ``tests.journeys.settings``, on the journeys' own queue."""

    def __init__(self, database_name: str, email_dir: str):
        super().__init__(database_name, email_dir)
        self.log_path = ARTIFACTS / "celery-worker.log"

    @staticmethod
    def app():
        from example_site.celery import app

        return app

    def start(self):
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.app().connection_for_write() as connection:  # drop what an interrupted run left
            connection.default_channel.queue_purge(queue)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.journeys.settings",
            "WAGTAIL_GDPR_TEST_DATABASE_NAME": self.database_name,
            "WAGTAIL_GDPR_TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
            "WAGTAIL_GDPR_TEST_EMAIL_DIR": self.email_dir,
            "WAGTAIL_GDPR_TEST_QUEUE": queue,
            "PYTHONPATH": str(REPO_ROOT),
        }
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "example_site", "worker",
                "--pool=solo", "--concurrency=1", "--loglevel=INFO",
                "--queues", queue, "--hostname", self.hostname,
                "--without-mingle", "--without-gossip",
            ],
            cwd=REPO_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.wait_until_ready()

    def wait_until_ready(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited early; see {self.log_path}")
            if self.app().control.ping(destination=[self.hostname], timeout=0.5):
                return
        raise RuntimeError(
            f"The Celery worker did not answer within {timeout}s; see {self.log_path}"
        )


def worker_wanted() -> bool:
    """A real worker when REDIS_URL is set (as in CI); without it, tasks run in-process."""
    return bool(os.environ.get("REDIS_URL"))


@pytest.fixture(scope="session")
def journey_worker_process(django_db_setup, django_db_blocker, crm_endpoint, tmp_path_factory):
    """One worker for the run, on the test database the live server uses, sending the
    connector's events to the CRM on the live server."""
    from django.db import connection

    problem = redis_problem()
    if problem is not None:
        if in_ci():
            pytest.fail(f"{problem}; CI=true requires Redis for the worker journeys.")
        pytest.skip(f"{problem}: start redis-server, or unset REDIS_URL to run tasks in-process.")
    worker = JourneyWorker(
        connection.settings_dict["NAME"], str(tmp_path_factory.mktemp("journey-worker-mail"))
    )
    worker.start()
    yield worker
    worker.stop()


def celery_apps():
    """The Celery apps that may send this process's tasks.

    ``example_site``'s, current in this thread; and the test suite's, which ``tests/__init__.py``
    creates first (importing ``tests.journeys.settings`` imports it), so that Celery makes it the
    default app of threads that never chose one, such as the live server's: shared tasks sent
    from a request are sent through it. Both read the same settings (broker, queue).
    """
    from tests.celery_app import app as tests_app

    return [JourneyWorker.app(), tests_app]


@pytest.fixture
def task_worker(request, portal):
    """The real worker that runs this journey's tasks, or ``None`` when they run in-process.

    Requested by journeys that start background work (a copy of the data, an erasure).
    """
    if not worker_wanted():
        yield None
        return
    worker = request.getfixturevalue("journey_worker_process")
    worker.ensure_running()
    for app in celery_apps():
        app.conf.task_always_eager = False
    yield worker
    for app in celery_apps():
        app.conf.task_always_eager = True
