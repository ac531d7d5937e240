# kechuang — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
ASSETS := src/kechuang/static/vendor/echarts.min.js

.PHONY: install demo test lint format bench load assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP) $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json
	$(BIN)/kechuang assets

assets: $(STAMP) node_modules/.package-lock.json
	$(BIN)/kechuang assets

## install: the virtual environment, the package, the front-end assets and the compiled translations
install: $(STAMP) assets

## demo: set up SQLite under var/, load Dongguan's configuration and demo data, serve on 127.0.0.1:$(PORT)
demo: install
	$(BIN)/kechuang demo --port $(PORT) --simulate-to 2027

## test: lint, then the whole suite on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process;
## browser tests need /usr/bin/chromium)
TEST_WORKERS ?= auto
test: $(TEST_STAMP) assets lint
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the benchmarks; figures go to docs/benchmarks.md
bench: $(TEST_STAMP) assets
	$(BIN)/python benchmarks/run_all.py

## load: 50 users (locust) for 60 s against `kechuang serve` on the demo database (make demo first); figures in var/load/
load: $(TEST_STAMP) assets
	BIN=$(BIN) benchmarks/load/run_load.sh

clean:
	rm -rf $(VENV) node_modules var src/kechuang/static/vendor
