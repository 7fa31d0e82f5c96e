"""A site with no Celery app and no broker: the add-on and the test app, nothing else.

Used by ``tests/sites/run_without_celery.py`` in a process of its own (``tests/test_jobs.py``):
nothing here, and nothing it imports, creates a Celery app or names a broker.
"""

import os
import tempfile

from tests.settings import INSTALLED_APPS, ROOT_URLCONF, TEMPLATES  # noqa: F401

_ROOT = os.environ.get("WAGTAIL_GDPR_SITE_DIR") or tempfile.mkdtemp(prefix="gdpr-no-celery-")

SECRET_KEY = "site-without-celery-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"
LANGUAGE_CODE = "en"

# The test suite's apps, templates and URLs; none of its Celery settings, and not the example
# site's CRM (importing the example site makes its Celery app).
INSTALLED_APPS = [
    app for app in INSTALLED_APPS if app not in ("django.contrib.admin", "example_site.crm")
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(_ROOT, "db.sqlite3")}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(_ROOT, "media")
WAGTAIL_GDPR_PRIVATE_ROOT = os.path.join(_ROOT, "private")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAIL_SITE_NAME = "A site without Celery"
WAGTAILADMIN_BASE_URL = "http://testserver"
