# Dostlik — the two commands: `make run` and `make test`.

PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install messages run test screenshots lint format clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Dostlik needs Python 3.12"'
	$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: install Python 3.12 with venv (Debian: apt-get install python3.12-venv)"; exit 1; }

# Reinstalls whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed messages

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
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
