# Coproduce: `make run` to try it, `make test` to check it.
# Works on a fresh machine with Python 3.11+ (and Chromium for the browser tests).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format migrate demo bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[demo]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Local runs use DEBUG (static files from the source tree, console email).
run: export DJANGO_DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Coproduce is at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@# One background worker (emails) beside the server; it stops with the server.
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

demo: export DJANGO_DEBUG ?= 1
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --reset

# SQLite unless DATABASE_URL is set.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The county-scale benchmark on the local PostgreSQL (docs/performance.md).
# SCALE=tiny|county|national; BENCH_ARGS for more (e.g. --keep-db --users 4).
SCALE ?= county
bench: export DJANGO_DEBUG ?= 1
bench: install-dev
	$(PY) manage.py bench --scale $(SCALE) --json-out bench-results/bench-$(SCALE).json $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
