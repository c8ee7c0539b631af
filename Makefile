# Purchase Forecast: one entry point for developers and CI. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
ODOO_HOME ?= /opt/odoo
export ODOO_HOME

PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help venv test lint run stop clean

help:
	@echo "make test        lint + pytest + Odoo tests (+ end-to-end) -> N passed, N failed"
	@echo "make run         serve Odoo with both addons on http://localhost:8069 (DEMO=1 for demo data)"
	@echo "make stop        stop what make run started"
	@echo "make lint        ruff and pylint-odoo only"

$(STAMP): requirements.txt requirements-dev.txt addons/purchase_bot/telegram_worker/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(STAMP)

test: $(STAMP)
	$(PY) scripts/run_tests.py

lint: $(STAMP)
	$(PY) scripts/run_tests.py --tier lint

run: $(STAMP)
	$(PY) scripts/serve.py run

stop:
	@if [ -x $(PY) ]; then $(PY) scripts/serve.py stop; else $(PYTHON) scripts/serve.py stop; fi

clean: stop
	rm -rf .run .test-results
