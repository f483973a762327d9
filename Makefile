# Copil — the two-command quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgresql lint format bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Copil needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/copil migrate --no-input
	$(BIN)/copil demo

# The two legs run side by side (each starts what it needs: an in-memory SQLite, or its own PostgreSQL on a free
# port); --output-sync keeps each leg's report in one piece.
test: $(STAMP) lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgresql

lint: $(STAMP)
	$(BIN)/ruff check copil analytics tests demo bench
	$(BIN)/ruff format --check copil analytics tests demo bench
	$(BIN)/mypy
	$(BIN)/copil makemigrations --check --dry-run

test-sqlite: $(STAMP)
	$(BIN)/pytest

test-postgresql: $(STAMP)
	COPIL_TEST_DATABASE=postgresql $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	@set -e; for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

format: $(STAMP)
	$(BIN)/ruff check --fix copil analytics tests demo bench
	$(BIN)/ruff format copil analytics tests demo bench

clean:
	rm -rf $(VENV) var test-output
