# The README's commands. `make run` sets everything up and serves the app on
# http://127.0.0.1:5000; `make test` sets up and runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app app

.PHONY: install assets db demo run test test-fast lint format content-check bench clean

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

install: $(STAMP)

assets: app/static/dist/app.css

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo

run: install assets demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install assets
	$(BIN)/python -m pytest

test-fast: install assets
	$(BIN)/python -m pytest -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

content-check: install
	$(FLASK) content check

bench: install assets
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules app/static/dist .pytest_cache
