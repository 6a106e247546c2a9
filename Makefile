# The reporting workbook. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
YEAR ?= 2016
UNIT ?=

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# Test-only tools from npm (HTML_CodeSniffer), pinned by package-lock.json; without npm the
	@# tests that need them skip (and fail in CI, whose .ci/run installs npm).
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm saknas: HTML_CodeSniffer-testerna hoppas över (apt-get install -y npm)"; fi
	@touch $(STAMP)

setup: $(STAMP) ## install everything into .venv (done automatically by the other targets)

report: $(STAMP) ## build every unit of the default year (reports/2016/*.html, reports/index.html); UNIT=klk for one
	$(BIN)/workbook build --year $(YEAR) $(if $(UNIT),--unit $(UNIT))

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

lab: $(STAMP) ## start JupyterLab on the project
	$(BIN)/jupyter lab --notebook-dir=. --config=jupyter_server_config.py

lock: ## re-resolve requirements.lock from pyproject.toml (needs network)
	$(PYTHON) -m pip install --quiet uv && $(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean: ## remove built reports and executed notebooks (never data/)
	rm -rf build reports/*/ reports/index.html

clean-cache: ## remove the store of drawn charts and parsed fragments (build/.cache; refilled by the next build)
	rm -rf build/.cache

.PHONY: help setup report test lint lab lock clean clean-cache
