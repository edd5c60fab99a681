# vfb: `make run` sets everything up and serves the app; `make test` sets up and runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint types pytest test-postgres chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/vfb db upgrade
	$(BIN)/vfb demo
	$(BIN)/vfb serve

# Debian's Chromium for the browser tests (we run as root; elsewhere install it yourself).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests."; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check vfb tests bench
	$(BIN)/ruff format --check vfb tests bench
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy vfb

# The suite runs in parallel with pytest-xdist, a worker per core (PYTEST_WORKERS=0 for one
# process, or a number): each worker has its own template database, Chromium and temporary
# folders; the media samples are made once for all.
PYTEST_WORKERS ?= auto
PARALLEL := -n $(PYTEST_WORKERS) --dist worksteal

pytest: $(STAMP) chromium
	$(BIN)/pytest $(PARALLEL)

test: lint types pytest

# The whole suite against Debian's PostgreSQL, started locally on a spare port.
PG_PORT ?= 55432
PG_DIR := $(CURDIR)/.pg
test-postgres: $(STAMP) chromium
	@command -v pg_ctlcluster >/dev/null || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)
	./scripts/with-postgres $(PG_DIR) $(PG_PORT) $(BIN)/pytest $(PARALLEL) -m "not media"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .pg
