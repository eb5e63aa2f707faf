# Luoshi: `make demo` and `make test` are all a new machine needs (Python 3.11 and Node 20).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The small ECharts build (only the charts and components the pages use, in a core and an extra
# part; docs/frontend.md).
CHARTS_JS  := build/charts/echarts-core.js
# Tests run on every core (pytest-xdist); override e.g. PYTEST_ARGS="-k tree -n 0".
PYTEST_ARGS ?= -n auto --dist worksteal

.PHONY: demo test install lint typecheck pytest messages clean serve walks mutation

demo: install
	$(BIN)/luoshi demo

install: $(PY_STAMP) $(NODE_STAMP) $(CHARTS_JS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHARTS_JS): assets/echarts-core.js assets/echarts-extra.js package.json $(NODE_STAMP)
	npm run --silent build

test: install lint typecheck pytest

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(PY_STAMP)
	$(BIN)/mypy luoshi

pytest: install
	@scripts/ensure-chromium
	@scripts/ensure-libreoffice
	$(BIN)/pytest $(PYTEST_ARGS)

serve: install
	$(BIN)/luoshi serve

# Refresh the zh_Hans catalogues after changing UI strings (needs GNU gettext).
messages: $(PY_STAMP)
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) node_modules var/static build/charts

# Mutation testing of the core rule modules (not part of `make test`; see docs/testing.md).
# MUTATION_ARGS e.g. "luoshi/cases/sla.py" or "--survivors" or "-j 2".
MUTATION_ARGS ?=
mutation: install
	$(BIN)/python bench/mutation.py $(MUTATION_ARGS)

# Every demo role walks every page of its navigation, desktop and phone, axe on each (screenshots in
# var/walks/). `make test` walks every role's pages on the desktop (axe on each) and a shorter phone
# walk: every role's home and bar, the grid worker's whole menu, every other page once.
walks: install
	LUOSHI_WALKS=1 $(BIN)/pytest -n 2 -q tests/e2e/test_role_walks.py
