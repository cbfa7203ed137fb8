# innovindex: two commands on a fresh machine.
#   make demo   set everything up, then build the synthetic demo world into ./innovindex-demo
#   make test   set everything up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck bench lock clean java

setup: $(STAMP) java

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Spark (the cluster engine for patent indicators) needs a Java 17+ runtime.
java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Installing a Java 17 runtime for Spark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	fi

demo: setup
	$(BIN)/innovindex demo --out innovindex-demo

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/build_speed.py

lock:
	$(PYTHON) -m venv /tmp/innovindex-lock && /tmp/innovindex-lock/bin/pip install -q -e '.[audit,patents,spark,api,dev]' hatchling editables
	/tmp/innovindex-lock/bin/pip freeze --exclude-editable > requirements/lock.txt

clean:
	rm -rf $(VENV) innovindex-demo innovindex.duckdb .pytest_cache
