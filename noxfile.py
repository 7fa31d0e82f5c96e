"""The version matrix: the test suite on every Wagtail version the add-on supports.

    .venv/bin/nox                  # every session
    .venv/bin/nox -s "tests(wagtail='7.0')"
    .venv/bin/nox -s lowest

Each session installs the add-on with its test dependencies into a virtualenv of its own and
runs the suite on SQLite, with the worker tests on Redis when it is reachable (and required
when ``CI=true``); ``make test`` runs the newest versions on whatever ``DATABASE_URL`` names,
with the browser journeys. All on Django 5.2.
"""

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

DJANGO = "Django>=5.2,<5.3"

#: Every supported Wagtail release line: the LTS, the newest 7.x, and 8.0.
WAGTAIL = {
    "7.0": "wagtail>=7.0,<7.1",
    "7.4": "wagtail>=7.4,<7.5",
    "8.0": "wagtail>=8.0,<8.1",
}

#: The lowest versions ``setup.cfg`` accepts; the "lowest" session installs exactly these.
LOWEST = [
    "Django==5.2",
    "wagtail==7.0",
    "wagtail-modeladmin==2.2.0",
    "celery==5.4.0",
    # Not a dependency of ours, but the one that celery 5.4.0 came with: later ones need a newer
    # redis-py than the lowest we accept.
    "kombu==5.4.0",
    "redis==5.0.0",
]

#: One test process per core (pytest-xdist): the sessions run one after another in CI.
PYTEST = ["-m", "pytest", "-n", "auto", "-p", "no:cacheprovider", "-q", "-ra"]


def _run_suite(session):
    session.run("python", "-m", "pip", "check")
    session.run("python", "-m", "django", "--version")
    session.run("python", *PYTEST, *session.posargs, env={"DATABASE_URL": ""})
    session.run(
        "python", "-m", "django", "makemigrations", "--check", "--dry-run",
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": ""},
    )  # fmt: skip


@nox.session(python="3.11")
@nox.parametrize("wagtail", list(WAGTAIL))
def tests(session, wagtail):
    """The suite on one Wagtail release line, with the newest Django 5.2."""
    session.install("-e", ".[testing]", DJANGO, WAGTAIL[wagtail])
    _run_suite(session)


@nox.session(python="3.11")
def lowest(session):
    """The suite on the lowest versions the add-on declares it supports."""
    session.install("-e", ".[testing]", *LOWEST)
    _run_suite(session)
