"""The package keeps its shape: one place for settings, mail, permissions and admin internals.

These read the source, as a reviewer would; the import contracts of ``make lint``
(``lint-imports``) hold the direction of imports.
"""

import ast
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from wagtail_gdpr.conf import PREFIX, SETTINGS, app_settings

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "wagtail_gdpr"
SETTINGS_PAGE = REPO / "docs" / "integrators" / "settings.md"


def sources(exclude=()) -> dict[str, str]:
    """Module path (from the package) -> source, migrations left out."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("migrations/") or relative in exclude:
            continue
        found[relative] = path.read_text(encoding="utf-8")
    return found


def templates() -> dict[str, str]:
    root = PACKAGE / "templates"
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.*")}


# -- settings ----------------------------------------------------------------------------------


def test_every_setting_is_in_the_docs_table_and_every_row_is_a_setting():
    table = set(re.findall(r"^\| `(WAGTAIL_GDPR_[A-Z_]+)` \|", SETTINGS_PAGE.read_text(), re.M))
    assert table == set(SETTINGS)


def test_settings_are_read_in_one_place_only():
    readers = {
        module
        for module, text in sources(exclude={"conf.py"}).items()
        if re.search(r"[\"']WAGTAIL_GDPR_[A-Z_]+[\"']", text)
    }
    assert readers == set()


def test_every_setting_has_a_default_and_a_meaning(settings):
    for name, setting in SETTINGS.items():
        assert name.startswith(PREFIX) and setting.doc.strip(), name
        if hasattr(settings, name):
            delattr(settings, name)  # the test settings set some: their defaults are the point
        assert getattr(app_settings, name.removeprefix(PREFIX)) == setting.default
    setattr(settings, "WAGTAIL_GDPR_REPORT_HTML_ROWS", 5)  # noqa: B010
    assert app_settings.REPORT_HTML_ROWS == 5
    with pytest.raises(AttributeError, match="not a setting"):
        app_settings.NO_SUCH_SETTING  # noqa: B018


# -- one path each -----------------------------------------------------------------------------


def test_every_email_is_rendered_and_sent_by_the_mail_seam():
    senders = {m for m, text in sources().items() if "EmailMultiAlternatives" in text}
    renderers = {m for m, text in sources().items() if "wagtail_gdpr/emails/" in text}
    assert senders == {"mail/__init__.py"}
    assert renderers == {"mail/__init__.py"}


def test_the_queue_permission_is_checked_in_one_place():
    asks = re.compile(r"has_perm\([^)]*(PERMISSION|manage_requests)")
    checkers = {m for m, text in sources().items() if asks.search(text)}
    assert checkers == {"staff/people.py"}


def test_only_the_modeladmin_module_knows_modeladmins_url_names():
    knowing = {m for m, text in sources().items() if "_modeladmin_" in text}
    assert knowing <= {"admin/modeladmin.py"}


def test_nobody_imports_celery_tasks_but_the_app_config():
    importers = set()
    for module, text in sources().items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module == "wagtail_gdpr":
                if any(alias.name == "tasks" for alias in node.names):
                    importers.add(module)
            elif isinstance(node, ast.ImportFrom) and node.module == "wagtail_gdpr.tasks":
                importers.add(module)
    assert importers == {"apps.py"}


# -- named routes ------------------------------------------------------------------------------

#: The privacy centre's URL fragments, as they would appear if built by hand.
FRAGMENTS = ("copy/", "data/", "consents/", "activity/", "requests/", "correct/", "erase/",
             "verify-email/", "request/")  # fmt: skip


def test_no_privacy_centre_url_is_built_from_a_fragment():
    built = re.compile(r"\}(" + "|".join(re.escape(f) for f in FRAGMENTS) + ")")
    in_python = {m for m, text in sources().items() if built.search(text)}
    in_templates = {t for t, text in templates().items() if built.search(text)}
    assert in_python == set()
    assert in_templates == set()


def route_names_in_calls(text: str) -> set[str]:
    """The route names given to ``route_url(page, name, ...)`` and ``centre_url(name, ...)``."""
    names = set()
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute | ast.Name):
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        position = {"route_url": 1, "centre_url": 0}.get(func)
        if position is not None and len(node.args) > position:
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value)
    return names


def test_every_link_names_a_route_that_exists():
    from wagtail_gdpr import routes
    from wagtail_gdpr.pages import PrivacyCentreMixin
    from wagtail_gdpr.rights import RIGHTS
    from wagtail_gdpr.views.common import NAVIGATION

    names = {route.name for route in PrivacyCentreMixin.get_subpage_urls()}
    used = {route for route, _label in NAVIGATION}
    used |= set(routes.REQUEST_ROUTES.values()) | {"request_detail"}
    used |= {route for _key, _title, _text, route in RIGHTS if route}
    for text in templates().values():
        used |= set(re.findall(r"routablepageurl page \"(\w+)\"", text))
    for text in sources().values():
        used |= route_names_in_calls(text)
    assert used - names == set()
    assert len(used) >= 15


# -- deprecated paths --------------------------------------------------------------------------

OLD_PATHS = {
    "wagtail_gdpr.gate": "requirements_for_site",
    "wagtail_gdpr.notices": "record_publication",
    "wagtail_gdpr.reports": "ReportSection",
    "wagtail_gdpr.summary": "SummaryItem",
    "wagtail_gdpr.erasure_log": "replay",
    "wagtail_gdpr.retention": "sweep",
    "wagtail_gdpr.deadlines": "due_date",
    "wagtail_gdpr.subject_requests": "request_copy",
    "wagtail_gdpr.queue": "assign",
    "wagtail_gdpr.emails": "send_request_email",
    "wagtail_gdpr.links": "request_status_url",
    "wagtail_gdpr.forms": "ConsentStepForm",
}


@pytest.mark.parametrize(("old", "name"), sorted(OLD_PATHS.items()))
def test_an_old_module_path_still_works_and_says_where_it_went(old, name):
    import importlib
    import sys

    sys.modules.pop(old, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    assert callable(getattr(module, name)) or isinstance(getattr(module, name), type)
    [warning] = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert str(warning.message).startswith(f"{old} moved to wagtail_gdpr.")
    assert "0.3" in str(warning.message)


def test_a_moved_restriction_name_still_works_from_processing():
    from wagtail_gdpr import processing, restriction_objection

    with pytest.warns(DeprecationWarning, match="restriction_objection.request_change"):
        assert processing.request_change is restriction_objection.request_change
    assert processing.processing_allowed  # still at home: no warning
    with pytest.raises(AttributeError):
        processing.no_such_name  # noqa: B018


def test_the_paths_migrations_name_still_lead_to_the_same_classes():
    """A site's migration of its own notice or centre page names the mixin by its 0.1 path."""
    from wagtail_gdpr.models import notices, privacy_centre, requests
    from wagtail_gdpr.pages.notice import PrivacyNoticeMixin
    from wagtail_gdpr.pages.privacy_centre import PrivacyCentreMixin
    from wagtail_gdpr.tables.requests import report_upload_to

    assert notices.PrivacyNoticeMixin is PrivacyNoticeMixin
    assert privacy_centre.PrivacyCentreMixin is PrivacyCentreMixin
    assert requests.report_upload_to is report_upload_to


def test_declarations_and_anonymisers_can_be_imported_before_the_models_are_loaded():
    """A site may register an anonymiser, or import the registry, from its app's module."""
    code = (
        "import wagtail_gdpr.registry, wagtail_gdpr.anonymisers\n"
        "from wagtail_gdpr.anonymisers import Anonymiser, register_anonymiser\n"
        "from django.apps import apps\n"
        "assert not apps.ready\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_old_audit_names_still_work_with_a_warning():
    from wagtail_gdpr import audit, processing, rectification

    with pytest.warns(DeprecationWarning, match="audit.PROCESSING_ACCEPTED"):
        assert processing.ACCEPTED_ACTION == audit.PROCESSING_ACCEPTED
    with pytest.warns(DeprecationWarning, match="audit.CORRECTION_APPROVED"):
        assert rectification.APPROVED_ACTION == audit.CORRECTION_APPROVED
