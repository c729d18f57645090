# The README's commands. `make run` sets everything up and serves the app on
# http://127.0.0.1:5000; `make test` sets up and runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app app

.PHONY: check-run check-test install assets db demo run test test-fast lint format content-check translations bench clean

# Stop in seconds, naming what is missing and how to install it (system-packages.txt).
check-run:
	@$(PYTHON) scripts/check_prerequisites.py run

check-test:
	@$(PYTHON) scripts/check_prerequisites.py test

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

app/static/dist/app.css: node_modules/.installed-stamp scripts/build-assets.mjs $(wildcard app/assets/scss/*.scss)
	npm run --silent build

# The Welsh catalogue is compiled here, not committed: app/translations/README.md.
CATALOGUES := app/translations/cy/LC_MESSAGES/messages.mo

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/python scripts/translations.py compile

install: $(STAMP) $(CATALOGUES)

assets: app/static/dist/app.css

db: install
	$(FLASK) db upgrade

# Every target that serves pages builds the assets first.
demo: check-run db assets
	$(FLASK) demo

# The job worker (PDF rendering, app/jobs.py) runs beside the web server in its own process;
# Ctrl-C stops both (the worker finishes the render it is on first).
run: check-run install assets demo
	@$(FLASK) jobs prerender
	@trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) jobs worker & worker=$$!; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: check-test install assets
	$(BIN)/python -m pytest

test-fast: check-run install assets
	$(BIN)/python -m pytest -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

content-check: install
	$(FLASK) content check

# After adding or changing interface text: extract it into the catalogues, then translate the
# new entries in app/translations/cy/LC_MESSAGES/messages.po and compile.
translations: install
	$(BIN)/python scripts/translations.py update
	$(BIN)/python scripts/translations.py compile
	$(BIN)/python scripts/translations.py check

bench: install assets
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules app/static/dist .pytest_cache
