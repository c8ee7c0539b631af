# Purchase Forecast: one entry point for developers and CI. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
ODOO_HOME ?= /opt/odoo
export ODOO_HOME

PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help venv test lint run stop bot clean bench readme

help:
	@echo "make test        lint + pytest + Odoo tests (+ end-to-end) -> N passed, N failed"
	@echo "make run         serve Odoo with both addons on http://localhost:8069 (DEMO=1 for demo data)"
	@echo "make stop        stop what make run started"
	@echo "make lint        ruff and pylint-odoo only"
	@echo "make bot         run the Telegram worker from source (settings from the environment or .env)"
	@echo "make bench       forecast and replenishment benchmarks (statsforecast baselines in .venv-bench)"
	@echo "make screenshots PNGs of the main screens into docs/screenshots (SCREENSHOTS_ARGS=\"--url ... --db ...\")"
	@echo "make pot         regenerate the translation templates from the code and merge the .po files"
	@echo "make readme      each addon's README.md and description page from its readme/ fragments"

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

readme: $(STAMP)
	$(PY) scripts/addon_readme.py

run: $(STAMP)
	$(PY) scripts/serve.py run

stop:
	@if [ -x $(PY) ]; then $(PY) scripts/serve.py stop; else $(PYTHON) scripts/serve.py stop; fi

# The Telegram worker from source. Settings: the environment, then KEY=VALUE lines of .env
# for what the environment does not set (as docker compose does), then the defaults below.
bot: $(STAMP)
	@if [ -f .env ]; then \
		while IFS='=' read -r key value; do \
			case "$$key" in ''|\#*) continue;; esac; \
			[ -n "$${!key+x}" ] || export "$$key=$$value"; \
		done < .env; \
	fi; \
	export PYTHONPATH=addons/purchase_bot ODOO_URL=$${ODOO_URL:-http://localhost:8069} \
		ODOO_DB=$${ODOO_DB:-purchase} BOT_STATE_DIR=$${BOT_STATE_DIR:-.run/bot}; \
	exec $(PY) -m telegram_worker
# Benchmarks print figures (docs/forecast-engine.md, docs/replenishment.md); they are not tests.
# statsforecast needs pandas<3, so the baselines run in their own virtualenv, created on first use.
BENCH_VENV ?= .venv-bench
BENCH_PY := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): bench/requirements-statsforecast.txt
	test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install -q -r bench/requirements-statsforecast.txt
	touch $@

bench: $(BENCH_STAMP)
	$(BENCH_PY) bench/bench_forecast.py --lopo --docs $(BENCH_ARGS)
	$(BENCH_PY) bench/bench_policy.py --docs $(BENCH_ARGS)

# PNGs of the main screens for the README from a served database (make run DEMO=1; docs/development.md).
.PHONY: screenshots
screenshots: $(STAMP)
	$(PY) scripts/screenshots.py $(SCREENSHOTS_ARGS)

clean: stop
	rm -rf .run .test-results

# Translations: i18n/<addon>.pot from the code (odoo-bin i18n export on a throwaway database),
# then every i18n/<lang>.po merged with it (docs/translations.md).
.PHONY: pot
pot: $(STAMP)
	$(PY) scripts/i18n.py
