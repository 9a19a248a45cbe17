# Dostlik — the two commands: `make run` and `make test`.

PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install messages run serve test screenshots lint format clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Dostlik needs Python 3.12"'
	$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: install Python 3.12 with venv (Debian: apt-get install python3.12-venv)"; exit 1; }

# Reinstalls whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## ical.js, which the interoperability tests (tests/interop) read calendars with, and axe-core,
## which the accessibility test (tests/browser) runs in each page, wherever npm is installed.
## Without npm, or when the registry cannot be reached, those tests are skipped here; CI
## installs node and npm first (.ci/run), and fails on a skipped test.
NPM := $(shell command -v npm 2>/dev/null)
INTEROP_MODULES := tests/interop/node_modules/.package-lock.json
BROWSER_MODULES := tests/browser/node_modules/.package-lock.json

$(INTEROP_MODULES): tests/interop/package-lock.json
	npm ci --prefix tests/interop --no-audit --no-fund \
	  || echo "npm ci failed: the tests of tests/interop will be skipped"

$(BROWSER_MODULES): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund \
	  || echo "npm ci failed: the accessibility test of tests/browser will be skipped"

install: $(VENV)/.installed messages $(if $(NPM),$(INTEROP_MODULES) $(BROWSER_MODULES))

## Compile the committed translations (locale/*/LC_MESSAGES/django.po) to the .mo files Django
## reads. In Python (Babel): GNU gettext is needed only to extract new strings (makemessages).
messages: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py compile_translations

## Serve the app with demo data on http://127.0.0.1:$(PORT) (SQLite, no other service needed).
# Links in mail and calendar feeds point at the server as started here.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@# The mail queue's worker (core/mail.py) beside the server, stopped with it.
	DEBUG=1 $(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The production stack on http://127.0.0.1:$(PORT): gunicorn (gunicorn.conf.py), whitenoise's
## hashed static files, PostgreSQL and Redis (both must be running; see DATABASE_URL, REDIS_URL).
# DEBUG is off as in production, with a throw-away SECRET_KEY unless one is given. It speaks
# plain http on this machine only, so the HTTPS redirect, HSTS and secure cookies are off here;
# on a real server they stay on (the defaults) behind a proxy that terminates TLS.
serve: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dostlik
serve: export REDIS_URL ?= redis://127.0.0.1:6379/0
serve: export SECRET_KEY ?= $(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')
serve: export DEBUG = 0
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export SITE_URL ?= http://127.0.0.1:$(PORT)
serve: export SECURE_SSL_REDIRECT = 0
serve: export SECURE_HSTS_SECONDS = 0
serve: export SESSION_COOKIE_SECURE = 0
serve: export CSRF_COOKIE_SECURE = 0
serve: export EMAIL_CONSOLE ?= 1
serve: export CONN_MAX_AGE ?= 60
serve: export GUNICORN_BIND ?= 127.0.0.1:$(PORT)
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	@# The mail queue's worker (core/mail.py) beside gunicorn, stopped with it.
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py

## The whole test suite (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL).
test: install
	$(BIN)/pytest

## Retake the README's screenshots with the browser tests (needs /usr/bin/chromium).
screenshots: install
	DOSTLIK_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser/test_screenshots.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- Backups (PostgreSQL) -----------------------------------------------------------------------
.PHONY: backup restore
BACKUP_DIR ?= backups
PG_DUMP ?= pg_dump
PG_RESTORE ?= pg_restore

## Dump the database of DATABASE_URL to $(BACKUP_DIR)/dostlik-<UTC timestamp>.dump (pg_dump's
## custom format: compressed, restorable table by table). Written under a temporary name first,
## so an interrupted dump never looks like a good backup.
backup:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME"; exit 1; }
	@mkdir -p "$(BACKUP_DIR)"
	@umask 077; file="$(BACKUP_DIR)/dostlik-$$(date -u +%Y%m%dT%H%M%SZ).dump"; \
	  $(PG_DUMP) --format=custom --file="$$file.partial" --dbname="$(DATABASE_URL)" \
	  && mv "$$file.partial" "$$file" && echo "Backup written to $$file"

## Restore BACKUP=<file> into the database of DATABASE_URL, replacing what is there. In one
## transaction: an error leaves the database as it was. Owners and grants are not restored, so a
## backup loads under another database user too.
restore:
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=$(BACKUP_DIR)/dostlik-<timestamp>.dump"; exit 1; }
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME"; exit 1; }
	@$(PG_RESTORE) --clean --if-exists --no-owner --no-acl --single-transaction --exit-on-error \
	  --dbname="$(DATABASE_URL)" "$(BACKUP)"
	@echo "Restored $(BACKUP)"
# --- End of backups ------------------------------------------------------------------------------

# --- Load test and benchmarks --------------------------------------------------------------------
.PHONY: loadtest bench

## 50 simulated users for 60 s against gunicorn + PostgreSQL + Redis (loadtest/README in the
## script's docstring); ends non-zero when any request failed.
loadtest: install
	$(BIN)/python -m pip install --quiet -e ".[dev,loadtest]"
	$(BIN)/python loadtest/run.py

## Feeds, pages and throughput at 1,000, 10,000 and 100,000 events, each size with its own
## database and server, measured in turn round after round (bench/run.py; about ten minutes,
## PostgreSQL and Redis running); prints the tables and writes docs/benchmarks.md.
bench: install
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run.py
# --- End of load test and benchmarks -------------------------------------------------------------

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
