"""The example site as the load test serves it: no debug, the same middleware, mail not sent."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")

from example_site.settings import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Sessions in the database (Django's default) are shared by every server of the run, so one
# login works on the server with the consent middleware and on the one without it.
# Passwords are hashed with PBKDF2 at 10,000 iterations instead of Django's 1,000,000: on two
# shared cores, logins at the real cost queue behind each other for tens of seconds and the run
# measures the hash, not the site. A real login costs that much more processor time.
PASSWORD_HASHERS = ["load_hashers.LoadTestPBKDF2PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The load test measures the portal; the example CRM is not served where the example site
# declares it, so no connected system takes part in the run's requests.
WAGTAIL_GDPR_CONNECTORS = []
