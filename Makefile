# Radar developer commands. Every target starts from `make install`, which is idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test check bench fmt clean

# Idempotent: (re)installs when the venv is missing or broken, or pyproject.toml changed.
install:
	@if [ ! -f $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ] || \
	    ! $(BIN)/python -c "import radar.cli.main, pytest, ruff" >/dev/null 2>&1; then \
	  echo "installing Radar into $(VENV) ..."; \
	  rm -f $(STAMP); \
	  $(BIN)/python -c "" 2>/dev/null || $(PYTHON) -m venv --clear $(VENV); \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip && \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' && \
	  touch $(STAMP); \
	fi

run: install
	$(BIN)/radar db upgrade
	$(BIN)/radar policy apply examples/policy.yaml --if-changed
	$(BIN)/radar user bootstrap-admin
	$(BIN)/radar serve

test: install
	$(BIN)/python -m pytest -q

check: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/api.py
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/ingest.py

fmt: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
