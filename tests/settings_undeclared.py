"""The test settings plus an app with undeclared personal data (see tests/test_checks.py)."""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.undeclared_app"]
# The apps the check inspects: the test app's, and this one's.
WAGTAIL_GDPR_CHECK_APPS = ["testapp", "undeclared_app"]
