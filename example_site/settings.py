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
    "example_site.crm",
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
    # Login limits (django-axes) and the Content-Security-Policy header (django-csp).
    "axes",
    "csp",
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
    # "database is locked" (SQLite, two writers at once) answers 409 in plain words, not 500.
    "wagtail_gdpr.database_busy.DatabaseBusyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A strict Content-Security-Policy on every page of the site (CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
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
# django-axes first: it refuses a login while too many have failed, before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failed logins for one username from one IP address lock that pair out for an hour; a
# successful login starts the count again.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
# Failed attempts (username, IP address, browser; never a password) are kept only while they
# count; successful logins are not logged by axes (the privacy centre's activity log has them).
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_DISABLE_ACCESS_LOG = True

# A strict Content-Security-Policy (django-csp 4): scripts, styles, images and fonts from this
# site only; no inline script or style, no eval, no plugins, no framing. The add-on's and the
# site's templates keep their styles and scripts in static files. Wagtail's own admin still uses
# inline styles and scripts, so the policy leaves /admin/ out (the add-on's admin templates have
# none of their own).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    },
}

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
# A mail server that does not answer must not keep a worker waiting for long (wagtail_gdpr.W006).
EMAIL_TIMEOUT = 30
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

# The company's other systems. The example CRM (example_site.crm) is served by this same process
# under /crm/; in production each connector's endpoint is https, on its own host, with a secret
# from the environment. Plain http to this machine is allowed only in DEBUG.
CRM_GDPR_SECRET = os.environ.get("CRM_GDPR_SECRET", "example-crm-secret-change-me")
WAGTAIL_GDPR_CONNECTORS = [
    {
        "key": "crm",
        "name": "Our customer service system",
        "endpoint": WAGTAILADMIN_BASE_URL.rstrip("/") + "/crm/gdpr/",
        "secret": CRM_GDPR_SECRET,
        "kinds": ["access", "erasure", "rectification", "restriction"],
        "timeout": 10,
        "max_attempts": 8,
        "retry_base_seconds": 30,
        "answer_within_hours": 72,
        "country": "SE",
    }
]
# The system check looks at the portal's own apps; the CRM stands for a separate system, whose
# data members get (and lose) through its connector, not through a declaration here.
WAGTAIL_GDPR_CHECK_APPS = ["home", "portal"]
