# Fidelis: `make demo` sets everything up and serves the demo; `make test` runs every check.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FIDELIS := $(VENV)/bin/fidelis
PYTHON ?= python3
PORT ?= 8000

.PHONY: demo test install install-python install-npm static lint pytest browser migrations-check bench clean system-demo system-test

# The demo serves with DEBUG off, as production does: a refused page is the NHS-styled
# 404 or 403, not Django's technical page. WhiteNoise still serves the static files.
demo: system-demo install
	DEBUG=false $(FIDELIS) demo --port $(PORT)

# System packages (Pango and fonts for PDFs, Chromium for the browser tests): installed
# through apt when run as root, or else the exact command to run is printed.
system-demo:
	@PYTHON=$(PYTHON) scripts/system-packages.sh demo

system-test:
	@PYTHON=$(PYTHON) SKIP_BROWSER=$(SKIP_BROWSER) scripts/system-packages.sh test

install: install-python static

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[test]"
	touch $@

install-python: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install-npm: node_modules/.installed

static: install-npm
	npm run --silent build

test: system-test install lint migrations-check pytest browser

lint:
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --check --no-cache .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/lint_views.py

migrations-check:
	$(FIDELIS) makemigrations --check --dry-run

pytest:
	$(VENV)/bin/pytest -m "not browser" -q

# Browser tests need Chromium (Debian's package: apt-get install chromium).
browser:
ifeq ($(SKIP_BROWSER),1)
	@echo "Browser tests skipped (SKIP_BROWSER=1)"
else
	$(VENV)/bin/pytest -m browser -q
endif

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test,bench]"
	touch $@

# The benchmarks (bench/README.md). The load benchmark needs PostgreSQL running.
bench: install $(VENV)/.bench-installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules fidelis/static/dist
