# innovindex: two commands on a fresh machine.
#   make demo   set everything up, then build the synthetic demo world into ./innovindex-demo
#   make test   set everything up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Third-party reference data (never in the repository): the tests and the demo read it only
# from $INNOVINDEX_REFERENCE_DATA, by default the shared folder beside the checkout.
export INNOVINDEX_REFERENCE_DATA ?= $(abspath ../shared/data)

.PHONY: setup demo test test-live lint bench lock clean system-deps

# The browser tests drive Debian's chromium (installed by system-deps); Playwright must never
# fetch a browser build of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

setup: $(STAMP) system-deps

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# System packages from Debian: a Java 17 runtime for Spark (patent indicators on a cluster
# engine) and Chromium, which Plotly's kaleido drives to export charts as PNG and the browser
# tests (tests/web/test_browser.py) drive through Playwright.
SYSTEM_PACKAGES := $(if $(shell command -v java),,openjdk-17-jre-headless) $(if $(shell command -v chromium),,chromium)
system-deps:
	@if [ -n "$(strip $(SYSTEM_PACKAGES))" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages: $(SYSTEM_PACKAGES)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
		else \
			echo "Please install (as root): apt-get install $(SYSTEM_PACKAGES)"; \
		fi; \
	fi

demo: setup
	$(BIN)/innovindex demo --out innovindex-demo
	$(BIN)/innovindex report --run latest --db innovindex.duckdb --out innovindex-demo-report.html
	$(BIN)/innovindex export --run latest --db innovindex.duckdb --out innovindex-demo-workbook.xlsx
	@echo "report:    innovindex-demo-report.html (one file, works offline)"
	@echo "workbook:  innovindex-demo-workbook.xlsx"
	@echo "dashboard: make serve, then open http://127.0.0.1:8000/ (API schema at /openapi.json)"

.PHONY: serve map-assets

# The dashboard and REST API on the demo store (recorded first if it is missing).
serve: setup
	@test -f innovindex.duckdb || $(MAKE) demo
	$(BIN)/innovindex serve --db innovindex.duckdb --host 127.0.0.1 --port 8000

# Re-fetch the bundled map geometry (npm package world-atlas 2.0.2: Natural Earth 1:110m
# countries) and check it is byte for byte the committed file.
MAP_ASSET := src/innovindex/report/assets/countries-110m.json
map-assets:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent world-atlas@2.0.2 >/dev/null && \
	tar xzf world-atlas-2.0.2.tgz && cd - >/dev/null && \
	echo "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8  $$tmp/package/countries-110m.json" | sha256sum -c - && \
	cp $$tmp/package/countries-110m.json $(MAP_ASSET) && rm -rf $$tmp

test: setup
	$(BIN)/python -m pytest -q

# The data connectors against the real World Bank, OECD, Eurostat and UIS services (needs the
# network; not in CI). `make test` skips these tests, naming this target as the reason.
test-live: setup
	INNOVINDEX_LIVE=1 $(BIN)/python -m pytest -q -m live tests/sources

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/build_speed.py

lock:
	$(PYTHON) -m venv /tmp/innovindex-lock && /tmp/innovindex-lock/bin/pip install -q -e '.[audit,patents,spark,api,dev]' hatchling editables
	/tmp/innovindex-lock/bin/pip freeze --exclude-editable > requirements/lock.txt

clean:
	rm -rf $(VENV) innovindex-demo innovindex-demo-report.html innovindex-demo-workbook.xlsx innovindex.duckdb .pytest_cache test-artifacts
