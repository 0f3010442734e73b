# The only entry points developers and CI use. Needs python3 (3.11+) and make; creates .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint fmt migrate seed reset tokens schema guidance-examples vendor fuzz bench ci clean

SIZE ?= small

# Development settings (DEBUG, and with it SANDBOX and the development SECRET_KEY) only for the development
# targets: without DEBUG=1 the settings are production's and refuse to load without a SECRET_KEY.
run seed tokens test schema: export DEBUG = 1

install: $(INSTALLED)

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

migrate: install
	$(MANAGE) migrate --no-input

seed: migrate
	$(MANAGE) seed_sandbox

# A fresh sandbox: the SQLite database dropped, migrated and seeded again. Only for the local SQLite file: with
# DATABASE_URL set it refuses rather than guess which database to drop.
reset: install
	@if [ -n "$$DATABASE_URL" ]; then echo "make reset drops the local SQLite database only; unset DATABASE_URL." >&2; exit 1; fi
	rm -f db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm
	$(MAKE) seed

tokens: migrate
	$(MANAGE) issue_development_tokens

run: seed
	$(MANAGE) issue_development_tokens
	$(MANAGE) runserver $(HOST):$(PORT)

# Production server: DEBUG off (so SECRET_KEY must be set: settings refuse to load without it), static files
# collected for whitenoise, gunicorn with WEB_CONCURRENCY workers (default 2 x CPUs + 1). Database migrations are
# a separate deployment step (`make migrate`). No gunicorn access log: the app logs one line per request itself.
serve: install
	DEBUG=0 $(MANAGE) collectstatic --no-input --verbosity 0
	exec env DEBUG=0 $(BIN)/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --no-control-socket \
		--workers "$${WEB_CONCURRENCY:-$$($(BIN)/python -c 'import os; print(2 * (os.cpu_count() or 1) + 1)')}"

test: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings_test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=config.settings_test $(MANAGE) makemigrations --check --dry-run

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install
	$(MANAGE) spectacular --api-version v3 --validate --fail-on-warn --file api/v3/openapi.yaml

# The example 422 bodies on the declarations guidance page, recorded from the declaration service and the API
# (a test fails when they drift; commit guidance/content/declaration_examples.json).
guidance-examples: install
	GUIDANCE_RECORD_EXAMPLES=1 $(BIN)/pytest -q -p no:cacheprovider -p no:xdist tests/guidance/test_declaration_examples.py

# Vendored npm packages (needs npm and the registry; the result is committed, so nothing else needs either):
# govuk-frontend's CSS, fonts and images for the guidance pages, axe-core for the browser tests.
GOVUK_FRONTEND_VERSION := 6.6.0
AXE_CORE_VERSION := 4.14.1
vendor:
	guidance/vendor.sh $(GOVUK_FRONTEND_VERSION) $(AXE_CORE_VERSION)

# Contract fuzzing: schemathesis against a live production server on a temporary PostgreSQL database.
fuzz: install
	.ci/fuzz

# Benchmark (bench/), never part of `make test`: DATABASE_URL names a PostgreSQL server; the run drops and
# recreates the database ecf_bench_$(SIZE), seeds it, serves it with gunicorn and prints every ratio to its floor.
bench: install
	$(BIN)/python -m bench --size $(SIZE)

ci: lint test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
