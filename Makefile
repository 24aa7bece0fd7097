# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tas
HOST ?= 127.0.0.1
PORT ?= 5000
GOVUK := tas/static/govuk
# Python keeps its compiled modules, and pytest its rewritten test modules, even where the
# environment asks it not to (PYTHONDONTWRITEBYTECODE): otherwise each test process rewrites
# and compiles every test module again: 10 of the 12 s it took each test process to collect.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install install-dev assets lint format test-fast test-browser check-deploy bench clean

run: install assets ## Install, migrate, load demo data on an empty database, serve (and the scheduler)
# Demo accounts share a published password: refuse before touching a production database.
	$(FLASK) demo-data --check
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
# One scheduler process next to the development server, never inside it (so the debug
# reloader cannot start a second one); the trap stops it when the server stops.
	$(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev assets ## Install with dev extras, then lint and run the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
# Three test processes on two cores: each waits on Chromium, PostgreSQL or a child process
# part of the time, and three kept both cores busy (392 s against 448 s with two, 406 with four).
	$(BIN)/pytest -n 3 --dist loadgroup

test-fast: install-dev assets ## Everything but the browser tests
	$(BIN)/pytest -n 3 --dist loadgroup -m "not browser"

test-browser: install-dev assets ## Only the browser and accessibility tests
	$(BIN)/pytest -m browser

bench: install-dev assets ## Measure pages, exports, load and reminders at a district's and a region's size
	$(BIN)/python -m tas.benchmark.run

check-deploy: install
	$(FLASK) check-deploy

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "TAS Coordinator needs Python 3.11 or newer: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

assets: $(GOVUK)/app.css $(GOVUK)/govuk-frontend.min.js

$(GOVUK)/app.css: node_modules/.installed tas/static/scss/app.scss
	@mkdir -p $(GOVUK)
	npx --no-install sass --load-path=node_modules --no-source-map --style=compressed --quiet-deps \
	  tas/static/scss/app.scss $@

$(GOVUK)/govuk-frontend.min.js: node_modules/.installed
	@mkdir -p $(GOVUK)
	rm -rf $(GOVUK)/assets
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(GOVUK)/assets
	rm -rf $(GOVUK)/assets/fonts
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules $(GOVUK) .pytest_cache .ruff_cache
