# Two commands do all the set-up: `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SIZE ?= demo

.PHONY: install demo test lint format bench lock worker beat clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo_city --size $(SIZE)
	@echo "Serving the marketplace on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite in parallel where that is safe (pytest-xdist; each worker has its own test database
# and Redis database; browsers too), then the tests marked serial (benchmarks, real Celery workers)
# alone, on the first worker's database. TEST_WORKERS=1 runs the first pass in one process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy  # the domain packages: [tool.mypy] files in pyproject.toml
	$(BIN)/python deploy/audit_dependencies.py constraints.txt .pip-audit-ignore
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=marketplace.settings.test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --reuse-db --create-db -m "not serial" --durations=15 $(PYTEST_ARGS)
	$(BIN)/pytest -n 1 --reuse-db -m serial --durations=10 $(PYTEST_ARGS); status=$$?; \
		[ $$status -eq 0 ] || [ $$status -eq 5 ]  # 5: PYTEST_ARGS chose no serial test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m benchmarks all --size full

worker: install
	$(BIN)/celery -A marketplace worker --loglevel=INFO

beat: install
	$(BIN)/celery -A marketplace beat --loglevel=INFO

# Re-pin after changing pyproject.toml: resolve in a scratch venv, freeze the result.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	(echo "# Exact pins for every dependency (pyproject.toml declares the ranges)."; \
	 echo "# Regenerate: make lock"; \
	 .lock-venv/bin/pip freeze --exclude-editable | grep -v '^stadsmarkt') > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media
