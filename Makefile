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

setup: $(STAMP) system-deps

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# System packages from Debian: a Java 17 runtime for Spark (patent indicators on a cluster
# engine) and Chromium, which Plotly's kaleido drives to export charts as PNG.
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
	rm -rf $(VENV) innovindex-demo innovindex.duckdb .pytest_cache
