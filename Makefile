# fangfei — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/fangfei/web/static/vendor
export FANGFEI_HOME ?= $(CURDIR)/var

.PHONY: run test lint types pytest assets install install-dev db demo clean

run: install assets ## set up everything, load the demo county, serve http://127.0.0.1:8000
	$(BIN)/fangfei db upgrade
	$(BIN)/fangfei demo --if-empty
	$(BIN)/fangfei serve

test: install-dev assets lint types pytest ## ruff, mypy (strict on src/), the whole suite

install: $(BIN)/.installed ## what a county needs to run fangfei

install-dev: $(BIN)/.installed-dev ## plus the test tools and Spark

$(VENV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(BIN)/.installed: pyproject.toml | $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: pyproject.toml | $(VENV)
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@ $(BIN)/.installed

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

lint:
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)

types:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
