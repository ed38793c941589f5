# The two set-up commands of README.md: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test test-sqlite test-postgres lint fmt install assets clean bench

$(BIN)/broadsheet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/broadsheet

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# The studio's Compose editor (TipTap), bundled by esbuild from the packages npm installed:
# built here on every machine, never committed (docs/studio.md, Compose).
COMPOSE_JS := src/broadsheet/studio/static/studio/build/compose.js
$(COMPOSE_JS): node_modules/.installed $(wildcard src/broadsheet/studio/assets/*.js)
	node_modules/.bin/esbuild src/broadsheet/studio/assets/compose.js --bundle --minify \
		--format=iife --target=es2020 --legal-comments=eof --log-level=warning --outfile=$@

assets: $(COMPOSE_JS)

# Links in mail name the port it serves on, unless told otherwise (docs/configuration.md).
run: install assets
	$(BIN)/broadsheet setup
	BROADSHEET_PUBLIC_PORT=$${BROADSHEET_PUBLIC_PORT:-$(PORT)} \
		$(BIN)/broadsheet serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src
	cd src && ../$(BIN)/lint-imports --no-cache ../pyproject.toml

fmt: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

test-sqlite: install node_modules/.installed assets
	$(BIN)/pytest -p no:cacheprovider

test-postgres: install node_modules/.installed assets
	scripts/with-postgres $(BIN)/pytest -p no:cacheprovider

test: lint test-sqlite test-postgres

# The speed benchmark of bench/README.md: generates data, runs wrk against
# Broadsheet and nginx in one run, prints the table and the ratios.
bench: install
	$(BIN)/python bench/run.py --make

clean:
	rm -rf $(VENV) node_modules $(dir $(COMPOSE_JS)) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
