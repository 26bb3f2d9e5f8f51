# The README's two commands: `make run` (console with demo data) and `make test` (the test suite).
# Both install from the lock files (exact versions with their hashes; README: "Dependencies and the lock").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check

# Line coverage of chain/, console/, database/, demo/, models/, policies/ and reports/ measured on SQLite, rounded down
# (docs/BENCHMARKS.md, "Test coverage"): `make test` fails below it. `make test COVERAGE=` runs without
# measuring (the PostgreSQL run in .ci/run: the same lines, a quarter faster).
COVERAGE_FLOOR := 96
COVERAGE ?= --cov=chain --cov=console --cov=database --cov=demo --cov=models --cov=policies --cov=reports --cov-report= \
	--cov-fail-under=$(COVERAGE_FLOOR)

.PHONY: run test lint migrate lock

$(VENV)/.installed-runtime: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --require-hashes -r requirements.lock
	$(PIP_INSTALL) --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime requirements-dev.lock
	$(PIP_INSTALL) --require-hashes -r requirements-dev.lock
	touch $@

run: $(VENV)/.installed-runtime
	$(BIN)/python -m console run

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(COVERAGE) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

migrate: $(VENV)/.installed-runtime
	$(BIN)/python -m console migrate

# Re-resolve both lock files from pyproject.toml (newest versions its ranges allow), with hashes. Extras stay in
# the lock (`coverage[toml]==...`): pip 23.2, Python 3.11's own, otherwise looks for an unpinned `coverage[toml]`
# (pytest-cov's requirement) once a newer coverage is published, and --require-hashes refuses it.
lock: $(VENV)/.installed-dev
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --upgrade -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --upgrade --extra dev -o requirements-dev.lock pyproject.toml
