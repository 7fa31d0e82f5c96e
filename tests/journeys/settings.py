"""Settings of the browser journeys: the example site, adjusted for tests.

SQLite in a file by default (so that a Celery worker process can share it), PostgreSQL when
``DATABASE_URL`` is set. Tasks run in-process unless a journey hands them to a real worker
(``REDIS_URL`` set): the worker is started with these settings and the environment variables
below, which point it at the test database, the shared media folders, a mail folder and the
run's own queue.
"""

import os
import tempfile

from example_site.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "journeys-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# Fast hashing: the seed sets three passwords for every journey.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    # A test database of the journeys' own, so that they and the main suite can run side by
    # side on one server: DATABASE_URL=.../test gives test_test_journeys.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_journeys"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.gettempdir(), "wagtail-gdpr-journeys.sqlite3"),
            # A file, not memory, so that the live server's threads and a Celery worker process
            # share it; one per run, so that runs side by side never meet.
            "TEST": {
                "NAME": os.path.join(
                    tempfile.gettempdir(), f"wagtail-gdpr-journeys-{os.getpid()}.sqlite3"
                )
            },
        }
    }
# No persistent connections: the live server's threads and the worker must not keep the test
# database busy while it is flushed between journeys or dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The worker is pointed at the test database the run created.
if os.environ.get("WAGTAIL_GDPR_TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["WAGTAIL_GDPR_TEST_DATABASE_NAME"]

# Uploaded files and access reports in a folder of the run's own, shared with the worker.
# Reports stay private: beside MEDIA_ROOT, never under it.
MEDIA_ROOT = os.environ.get("WAGTAIL_GDPR_TEST_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="wagtail-gdpr-journeys-media-"
)
WAGTAIL_GDPR_PRIVATE_ROOT = MEDIA_ROOT.rstrip("/") + "-private"

# The test process reads mail from Django's outbox (pytest-django switches to locmem); the
# worker writes it to files the journeys can read.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("WAGTAIL_GDPR_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["WAGTAIL_GDPR_TEST_EMAIL_DIR"]

# Celery: tasks run in-process (eagerly) unless a journey's `task_worker` fixture hands them to
# a real worker over Redis, which it does when REDIS_URL is set. The worker itself (started with
# WAGTAIL_GDPR_TEST_QUEUE) sends the tasks it starts, such as emails, through the broker too.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("WAGTAIL_GDPR_TEST_QUEUE")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A queue of the run's own, so that runs side by side never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("WAGTAIL_GDPR_TEST_QUEUE") or (
    f"wagtail-gdpr-journeys-{os.getpid()}"
)

WAGTAILADMIN_BASE_URL = "http://localhost"

# The example CRM answers the copies and requests of the journeys, as in the demo: it is served
# by the live server itself (under /crm/), whose address is known only once it has started. The
# `crm_served` fixture points the connector at it, in this process and in the worker's
# environment (WAGTAIL_GDPR_TEST_CRM_ENDPOINT). Plain http to this machine is allowed here,
# although DEBUG is off.
WAGTAIL_GDPR_CONNECTORS = [
    {
        **connector,
        "endpoint": os.environ.get("WAGTAIL_GDPR_TEST_CRM_ENDPOINT", connector["endpoint"]),
    }
    for connector in WAGTAIL_GDPR_CONNECTORS  # noqa: F405
]
WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP = True
