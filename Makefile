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

# The reader's self-hosted fonts (the Theme page's shortlist, core/themes.py FONTS): the latin,
# variable-weight woff2 files of npm's @fontsource-variable packages, copied on every machine,
# never committed (docs/themes.md).
FONTS := literata source-serif-4 fraunces inter atkinson-hyperlegible-next
FONT_DIR := src/broadsheet/reader/static/reader/build/fonts
FONT_FILES := $(foreach f,$(FONTS),$(FONT_DIR)/$(f)-normal.woff2 $(FONT_DIR)/$(f)-italic.woff2)
$(FONT_DIR)/%-normal.woff2: node_modules/.installed
	@mkdir -p $(@D)
	cp node_modules/@fontsource-variable/$*/files/$*-latin-wght-normal.woff2 $@
$(FONT_DIR)/%-italic.woff2: node_modules/.installed
	@mkdir -p $(@D)
	cp node_modules/@fontsource-variable/$*/files/$*-latin-wght-italic.woff2 $@

assets: $(COMPOSE_JS) $(FONT_FILES)

# Links in mail name the port it serves on, unless told otherwise (docs/configuration.md).
run: install assets
	$(BIN)/broadsheet setup
	BROADSHEET_PUBLIC_PORT=$${BROADSHEET_PUBLIC_PORT:-$(PORT)} \
		$(BIN)/broadsheet serve --host $(HOST) --port $(PORT) --front auto

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

# Both passes at once (scripts/test-both): each mostly waits on browsers and servers, and one
# after the other they took 40 of CI's 45 minutes.
test: lint install node_modules/.installed assets
	scripts/test-both --durations=25

# The speed benchmark of bench/README.md: generates data, runs wrk against
# Broadsheet and nginx in one run, prints the table and the ratios.
bench: install
	$(BIN)/python bench/run.py --make

clean:
	rm -rf $(VENV) node_modules $(dir $(COMPOSE_JS)) $(FONT_DIR) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
