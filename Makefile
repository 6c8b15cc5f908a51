# vaultdoor: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
# The distribution's CPython where there is one: Debian's is built with PGO and LTO and linked
# statically, and runs vaultdoor's hot paths (mail scanning, decisions) 1.3-1.5x faster than
# a default source build such as pyenv's (docs/performance.md). `make PYTHON=...` overrides.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export VAULTDOOR_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint check unit venv install install-dev chromium bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): $(STAMP) requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

# Browser tests drive Debian's chromium through Playwright; never `playwright install`.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(BIN)/vaultdoor init
	$(BIN)/vaultdoor demo seed --if-empty
	$(BIN)/vaultdoor demo admin
	$(BIN)/vaultdoor controller demo-edge >"$(VAULTDOOR_DATA_DIR)/demo-edge.log" 2>&1 &
	$(BIN)/vaultdoor serve --demo

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: install-dev
	VAULTDOOR_DATA_DIR=$$(mktemp -d) $(BIN)/python manage.py check --fail-level WARNING
	VAULTDOOR_DATA_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run
	VAULTDOOR_DATA_DIR=$$(mktemp -d) VAULTDOOR_ENV=production VAULTDOOR_ALLOWED_HOSTS=vaultdoor.example \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

unit: install-dev chromium
	$(BIN)/pytest -q -p no:cacheprovider

test: lint check unit

bench: install-dev
	$(BIN)/python benchmarks/bench_decisions.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
