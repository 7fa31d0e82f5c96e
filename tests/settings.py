"""Settings of the test suite: SQLite by default, PostgreSQL when DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "tests-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]

INSTALLED_APPS = [
    "wagtail_gdpr",
    "tests.testapp",
    # The example site's CRM: the receiver the connector tests deliver to.
    "example_site.crm",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail_gdpr.middleware.ConsentGateMiddleware",
    # "database is locked" (SQLite, two writers at once) answers 409 in plain words, not 500.
    "wagtail_gdpr.database_busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / "tests.sqlite3"),
            # With a worker, two processes write: wait for the lock instead of failing at once.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # A file, not memory, so that a Celery worker process can share it.
            "TEST": {
                "NAME": os.path.join(
                    tempfile.gettempdir(), f"wagtail-gdpr-tests-{os.getpid()}.sqlite3"
                )
            },
        }
    }
# The worker fixture points its worker process at the test database it was given.
if os.environ.get("WAGTAIL_GDPR_TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["WAGTAIL_GDPR_TEST_DATABASE_NAME"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("WAGTAIL_GDPR_TEST_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="wagtail-gdpr-media-"
)
# Access reports: private, beside (never under) MEDIA_ROOT, shared with the worker process.
WAGTAIL_GDPR_PRIVATE_ROOT = MEDIA_ROOT.rstrip("/") + "-private"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The worker process writes mail to files the tests can read.
if os.environ.get("WAGTAIL_GDPR_TEST_EMAIL_DIR"):
    # One file per message, written atomically, so the worker can ask which it accepted.
    EMAIL_BACKEND = "tests.mail_backends.WorkerMailBackend"
    EMAIL_FILE_PATH = os.environ["WAGTAIL_GDPR_TEST_EMAIL_DIR"]

WAGTAIL_SITE_NAME = "wagtail-gdpr tests"
WAGTAILADMIN_BASE_URL = "http://testserver"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
# Tests run tasks in-process unless the `worker` fixture hands them to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A queue of the test run's own, so runs side by side never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("WAGTAIL_GDPR_TEST_QUEUE") or (
    f"wagtail-gdpr-tests-{os.getpid()}"
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Jobs run in-process on purpose here (eager), so the production warning about it is noise.
SILENCED_SYSTEM_CHECKS = ["wagtail_gdpr.W002"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"wagtail_gdpr": {"handlers": ["console"], "level": "INFO"}},
}

# The example CRM's shared secret, and plain http to the test server on this machine.
CRM_GDPR_SECRET = "tests-crm-secret"  # noqa: S105
WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP = True
# The check inspects the test app; the example CRM stands for a separate system.
WAGTAIL_GDPR_CHECK_APPS = ["testapp"]
