# Radar developer commands. `make run` installs what running Radar needs; `make test`, `check`,
# `bench` and `fmt` install the development tools too. Both installs are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed
# True when the stamp $(1) exists and is newer than pyproject.toml.
fresh = { [ -f $(1) ] && [ ! pyproject.toml -nt $(1) ]; }

.PHONY: install install-run install-dev run test check bench screenshots fmt clean

install: install-dev

# Radar and what it needs at run time; not the test and lint tools. (Re)installs when the venv
# is missing or broken, or pyproject.toml changed. The development install includes this one.
install-run:
	@if ! { $(call fresh,$(RUN_STAMP)) || $(call fresh,$(DEV_STAMP)); } || \
	    ! $(BIN)/python -c "import radar.cli.main" >/dev/null 2>&1; then \
	  echo "installing Radar into $(VENV) (what running it needs) ..."; \
	  rm -f $(RUN_STAMP); \
	  $(BIN)/python -c "" 2>/dev/null || $(PYTHON) -m venv --clear $(VENV); \
	  $(PIP) install --quiet --upgrade pip && \
	  $(PIP) install -e . && \
	  touch $(RUN_STAMP) && \
	  echo "installed Radar into $(VENV)"; \
	fi

# The test, lint and benchmark tools (the `dev` extras: pytest, ruff, mypy, playwright, ...).
install-dev: install-run
	@if ! $(call fresh,$(DEV_STAMP)) || \
	    ! $(BIN)/python -c "import radar.cli.main, pytest, ruff" >/dev/null 2>&1; then \
	  echo "installing the development tools into $(VENV) (pytest, ruff, mypy, playwright, ...) ..."; \
	  rm -f $(DEV_STAMP); \
	  $(PIP) install -e '.[dev]' && \
	  touch $(DEV_STAMP) && \
	  echo "installed the development tools into $(VENV)"; \
	fi

run: install-run
	$(BIN)/radar db upgrade
	$(BIN)/radar policy apply examples/policy.yaml --if-changed
	$(BIN)/radar user bootstrap-admin
	$(BIN)/radar serve

# One pytest worker per core (pytest-xdist), each test file on one worker; each worker has its
# own PostgreSQL database (tests/conftest.py). `make test WORKERS=0` runs in one process.
WORKERS ?= auto
test: install-dev
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile

check: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install-dev
	$(BIN)/python bench/api.py
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/ingest.py

# The pictures in docs/web.md (docs/images/): the room, the dashboard and the status page, light
# and dark, desktop and phone, of a scene played on a fresh database; needs Debian's chromium.
screenshots: install-dev
	$(BIN)/python scripts/screenshots.py

fmt: install-dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
