# EventDesk: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
INSTALLED := $(VENV)/.installed
# What the browser tests inject into pages (axe-core), pinned by its lockfile.
BROWSER_TOOLS := tests/browser-tools/node_modules/.package-lock.json

.PHONY: install catalogs run demo serve test lint bench messages clean

install: $(INSTALLED) catalogs $(BROWSER_TOOLS)

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(INSTALLED)

$(BROWSER_TOOLS): tests/browser-tools/package.json tests/browser-tools/package-lock.json
	npm ci --prefix tests/browser-tools --no-audit --no-fund --loglevel=error

# The app reads compiled catalogs; they are built from the committed .po files.
catalogs: $(INSTALLED)
	$(BIN)/python scripts/catalogs.py compile

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(BIN)/gunicorn --config gunicorn.conf.py

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Every benchmark, on SQLite and PostgreSQL (BENCH_DATABASE_URL, emptied first), in one table;
# needs Debian's wrk. Takes about a quarter of an hour.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/python scripts/catalogs.py check

# After adding or changing user-visible strings: update the catalogs, then translate.
messages: $(INSTALLED)
	$(BIN)/python scripts/catalogs.py update

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/browser-tools/node_modules
