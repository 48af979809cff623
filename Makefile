# Two commands do all the set-up: `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SIZE ?= demo

.PHONY: install demo test test-types test-audit test-template test-parallel test-alone test-serial test-later lint format bench lock worker beat clean

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

# The suite in three passes (README.md, "Tests"). First every test not marked serial, in
# parallel (pytest-xdist, TEST_WORKERS: each worker has its own test database, a copy of one
# migrated template, and its own Redis database; browsers too), with mypy and the dependency
# audit beside it. Then the tests marked alone (65 database connections at once), and then
# two side by side: the serial tests (benchmarks, real Celery workers, Redis stopped) on a
# database of their own, and the date-dependent packages again with the clock moved ahead (faketime, LATER), at the lowest
# CPU priority so the serial tests' timeouts still see a machine of their own; much of the
# serial pass waits on workers and timeouts. TEST_WORKERS=1 runs the first pass in one
# process; LATER= leaves the moved clock out, as does choosing tests with PYTEST_ARGS.
TEST_WORKERS ?= 3
LATER_WORKERS ?= 2
LATER ?= $(if $(PYTEST_ARGS),,+400d)
LATER_PACKAGES := tests/storefront tests/shops tests/ordering tests/logistics tests/reports \
	tests/commission tests/demo_city tests/payments tests/inventory_sync tests/legal \
	tests/localinfo tests/giftcards tests/returns tests/campaigns tests/community tests/reroute
# The walk of every address as another shop's user (1-1.5 min) asks who may see what, not
# when; the views it walks have tests of their own in these packages.
LATER_LEAVES_OUT := tests/shops/test_isolation.py::test_another_shops_user_gets_404_or_403_everywhere_and_changes_nothing

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=marketplace.settings.test
	$(MAKE) --no-print-directory -j4 test-types test-audit test-parallel FROM_TEMPLATE=1
	$(MAKE) --no-print-directory test-alone FROM_TEMPLATE=1
	$(MAKE) --no-print-directory -j2 --output-sync=target test-serial test-later FROM_TEMPLATE=1

test-types: install
	$(BIN)/mypy  # the domain packages: [tool.mypy] files in pyproject.toml

test-audit: install
	$(BIN)/python deploy/audit_dependencies.py constraints.txt .pip-audit-ignore

# One migrated database that the passes' test databases are copies of (PostgreSQL).
test-template: install
	$(BIN)/python -m tests.support.template_database

test-parallel: install $(if $(FROM_TEMPLATE),test-template)
	TEST_FROM_TEMPLATE=$(FROM_TEMPLATE) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --reuse-db --create-db -m "not serial" --durations=15 $(PYTEST_ARGS)

# Tests one at a time on the serial passes' own test database and Redis databases (TEST_PASS,
# tests/conftest.py), those with the markers $(1). Exit status 5: PYTEST_ARGS chose none.
one_at_a_time = TEST_FROM_TEMPLATE=$(FROM_TEMPLATE) TEST_PASS=serial $(BIN)/pytest -n 1 \
	--reuse-db --create-db -m "$(1)" --durations=10 $(PYTEST_ARGS); \
	status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

test-alone: install
	$(call one_at_a_time,alone)

test-serial: install
	$(call one_at_a_time,serial and not alone)

# The monotonic clock stays real: with a faked one, Python's timed waits never wake up.
# PostgreSQL keeps the real clock, so the app must take its time from Python. It reuses the
# first pass's test databases.
test-later: install
	@if [ -z "$(LATER)" ]; then \
		echo "The pass with the clock moved ahead is left out (PYTEST_ARGS or LATER= given)."; \
	elif ! command -v faketime >/dev/null; then \
		echo "faketime is not installed (apt-get install faketime): the pass with the clock $(LATER) is left out"; \
		[ "$$CI" != true ]; \
	else \
		echo "nice -n 19 faketime --exclude-monotonic -f $(LATER) pytest -n $(LATER_WORKERS) ..."; \
		nice -n 19 faketime --exclude-monotonic -f $(LATER) $(BIN)/pytest -n $(LATER_WORKERS) \
			--dist loadfile --reuse-db -m "not serial" --durations=10 $(LATER_PACKAGES) \
			--deselect $(LATER_LEAVES_OUT); \
	fi

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
