# rentbook: `make demo` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3

.PHONY: install system-deps assets demo test test-sqlite test-postgres e2e bench lint format clean

install: $(BIN)/.installed assets

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

# Debian packages WeasyPrint and the browser tests need; installed only when missing.
system-deps:
	@missing=""; \
	for p in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 poppler-utils chromium; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "Please install these Debian packages:$$missing"; exit 1; fi; fi

assets: node_modules/.installed
	@node scripts/build-assets.mjs

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: install system-deps
	@mkdir -p var
	DATABASE_URL=$${DEMO_DATABASE_URL:-sqlite:///$(CURDIR)/var/demo.sqlite3} $(BIN)/rentbook demo

test: install system-deps
	@mkdir -p var
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -q
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
	  echo "== PostgreSQL: $${DATABASE_URL%%@*}@…"; $(BIN)/pytest -q; \
	else echo "DATABASE_URL does not point at PostgreSQL: PostgreSQL tests skipped"; fi

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

e2e: install system-deps
	@mkdir -p var
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -q -m e2e tests/e2e

bench: install system-deps
	$(BIN)/pytest -q -m slow -s benchmarks

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) node_modules var src/rentbook/web/static/dist
