"""Settings of the example member portal.

Runs as it is on SQLite with tasks executed in-process. Environment variables change that:

- ``DATABASE_URL``: use that database instead (``postgres://...``), via dj-database-url.
- ``REDIS_URL``: send Celery tasks to Redis, for a worker (``celery -A example_site worker``).
- ``DJANGO_DEBUG=0``, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` (comma-separated).
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

SITE_DIR = Path(__file__).resolve().parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() not in {"0", "false", "no", "off", ""}
# Good enough for a demo on your own machine; set DJANGO_SECRET_KEY anywhere else.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-site-development-key-do-not-deploy")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "example_site.home",
    "example_site.portal",
    "wagtail_gdpr",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
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
    # Members see the site, privacy centre included, in their browser's language (en or sv).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sends members who must still acknowledge the privacy notice or a purpose needed for the
    # service to the consent step first; after AuthenticationMiddleware, which it reads.
    "wagtail_gdpr.middleware.ConsentGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"
WSGI_APPLICATION = "example_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SITE_DIR / "db.sqlite3",
            # With a worker, two processes write: wait for the lock instead of failing.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:account"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sv", _("Swedish"))]
# The site's own texts (the portal's pages and what it declares about personal data) in Swedish.
LOCALE_PATHS = [SITE_DIR / "locale"]
# Pages, the privacy notice among them, and consent purposes exist in both languages (Wagtail's
# own i18n; editors translate them with "Translate" in the admin). Members see the version in
# their browser's language, at the same addresses.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = SITE_DIR / "static_collected"
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = SITE_DIR / "media"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = "Example member portal <portal@example.com>"

# Celery. Without a broker, tasks run in-process as soon as they are sent (the embedded
# default); with REDIS_URL they go to Redis and a worker runs them: celery -A example_site worker
CELERY_BROKER_URL = os.environ.get("REDIS_URL")
if CELERY_BROKER_URL:
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# The add-on's periodic tasks are merged into the beat schedule in celery.py when REDIS_URL is set.

WAGTAIL_SITE_NAME = "Example member portal"
# Where the site is served (make demo sets it from HOST and PORT): the start of links in emails.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# wagtail-gdpr. Member pages of the add-on (consent step, privacy centre, privacy notice) extend
# the site's own base template, which defines the ``title`` and ``content`` blocks.
WAGTAIL_GDPR_BASE_TEMPLATE = "base.html"
# Access reports (copies of a member's data) are written here, never under MEDIA_ROOT: they are
# only served through the privacy centre, to their owner, until they expire.
WAGTAIL_GDPR_PRIVATE_ROOT = SITE_DIR / "private"
# Pages the consent step never blocks. The portal's auth views are namespaced, so the add-on's
# defaults ("logout", "login", ...) do not match them: a member can always log out instead.
WAGTAIL_GDPR_GATE_EXEMPT_URL_NAMES = ("portal:logout", "portal:login")
# The consent step links to the full privacy notice; members must be able to read it before they
# acknowledge it. The path is the notice page that seed_demo creates.
WAGTAIL_GDPR_GATE_EXEMPT_PATHS = ("/privacy-notice/",)
# Guest orders and form answers are found through addresses the member confirmed in the privacy
# centre ("My data" → confirm your address): sign-up here does not check the account address, so
# the add-on's secure default (WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = False) is kept.
