# The reporting workbook. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
YEAR ?= 2016
UNIT ?=

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

# Two installs from two lock files (`make lock` writes both from pyproject.toml): an analyst's
# runtime (reports, JupyterLab, a Dask worker) and the developer's, which adds the test tools.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): requirements/runtime.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/runtime.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# An editable install compiles nothing: bytecode now, so no process compiles the package
	@# at start (with PYTHONDONTWRITEBYTECODE set, every command, worker and kernel would).
	$(BIN)/python -m compileall -q src/helpers
	@touch $@

$(DEV): $(RUNTIME) requirements/dev.lock package-lock.json
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	@# Test-only tools from npm (HTML_CodeSniffer), pinned by package-lock.json; without npm the
	@# tests that need them skip (and fail in CI, whose .ci/run installs npm).
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm saknas: HTML_CodeSniffer-testerna hoppas över (apt-get install -y npm)"; fi
	@touch $@

runtime: $(RUNTIME) ## install only the runtime and JupyterLab (analysts, cluster workers; no test tools)

setup: $(DEV) ## install the runtime and the developer tools into .venv (done by the other targets)

report: $(RUNTIME) ## build every unit of the default year (reports/2016/*.html, reports/index.html); UNIT=klk for one
	$(BIN)/workbook build --year $(YEAR) $(if $(UNIT),--unit $(UNIT))

test: $(DEV) ## run the whole test suite, on as many processes as this machine lets us use
	$(BIN)/python -m pytest -n "$$($(BIN)/python -m helpers.building.cpus)" --dist loadscope \
		--no-loadscope-reorder

lint: $(DEV) ## ruff lint and format check, mypy type check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

lab: $(RUNTIME) ## start JupyterLab on the project
	$(BIN)/jupyter lab --notebook-dir=. --config=jupyter_server_config.py

lock: $(DEV) ## re-resolve requirements/*.lock from pyproject.toml (uv pip compile; needs the package registry)
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements/runtime.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		-c requirements/runtime.lock -o requirements/dev.lock

clean: ## remove built reports and executed notebooks (never data/)
	rm -rf build reports/*/ reports/index.html

clean-cache: ## remove the store of drawn charts and parsed fragments (build/.cache; refilled by the next build)
	rm -rf build/.cache

.PHONY: help runtime setup report test lint lab lock clean clean-cache
