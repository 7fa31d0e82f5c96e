# Two entry points: `make demo` serves the example site, `make test` runs the whole suite.
# Both create .venv with the interpreter named by PYTHON (3.11 or newer).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint install clean matrix real-sites

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[testing,example]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: export WAGTAILADMIN_BASE_URL = http://$(HOST):$(PORT)
demo: install
	$(BIN)/python example_site/manage.py migrate --noinput
	$(BIN)/python example_site/manage.py seed_demo
	$(BIN)/python example_site/manage.py gdpr_run_periodic
	@echo ""
	@echo "  Example site: http://$(HOST):$(PORT)/   (Wagtail admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  Log in as a member: alice / portal-demo-alice   or   bob / portal-demo-bob"
	@echo "  Log in as staff:    admin / portal-demo-admin   (privacy officer: dana / portal-demo-dana)"
	@echo "  The retention sweep, reminders and the purge of expired copies run every hour while"
	@echo "  the demo runs (manage.py gdpr_run_periodic; with REDIS_URL, Celery beat can instead)."
	@echo ""
	$(BIN)/python example_site/manage.py gdpr_run_periodic --every 3600 > /dev/null & \
		periodic=$$!; trap 'kill $$periodic' EXIT INT TERM; \
		$(BIN)/python example_site/manage.py runserver $(HOST):$(PORT)

# The suite runs in one process per core (pytest-xdist); JOBS=0 runs it in this process alone.
JOBS ?= auto
test: install
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/journeys --ds=tests.journeys.settings \
		-o addopts="-ra --strict-markers -p no:cacheprovider" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python example_site/manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -m django makemigrations --check --dry-run
	$(BIN)/python scripts/check_messages.py

# The suite on every other supported version (noxfile.py), on SQLite: the lowest versions
# setup.cfg accepts, Wagtail 7.0 and the newest 7.x. `make test` covers the newest versions.
MATRIX ?= lowest tests(wagtail='7.0') tests(wagtail='7.4')
matrix: install
	$(BIN)/nox --sessions $(foreach s,$(MATRIX),"$(s)")

# The built wheel in sites made by `wagtail start` and `coderedcms start`, and a member's journey
# through each, with and without a Celery worker (scripts/real_sites.py).
real-sites: install
	$(BIN)/python scripts/real_sites.py

clean:
	rm -rf $(VENV) site example_site/db.sqlite3 example_site/media example_site/private \
		.nox test-artifacts .pytest_cache *.egg-info tests/*.sqlite3

.PHONY: load load-smoke scaling
$(VENV)/.benchmarks-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[benchmarks]"
	touch $@

# The load test (benchmarks/load/run): gunicorn, a Celery worker, 500 seeded members, 100 locust
# users for 4 minutes, then the consent middleware's cost; prints and saves the figures as JSON.
# Needs DATABASE_URL (PostgreSQL) and REDIS_URL. load-smoke: 20 users for 60 s, for CI.
load: $(VENV)/.benchmarks-installed
	benchmarks/load/run

load-smoke: $(VENV)/.benchmarks-installed
	benchmarks/load/run --smoke

# The scaling curves (benchmarks/scaling.py): the copy, the erasure, the sweep, the privacy
# centre and the gate at 10k, 100k and 1M rows or members, with their chart. Needs DATABASE_URL.
scaling: $(VENV)/.benchmarks-installed
	$(BIN)/python benchmarks/scaling.py $(SIZES)

# The documentation, built into site/ (mkdocs.yml); warnings are errors.
.PHONY: docs
docs: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	$(BIN)/mkdocs build --strict
