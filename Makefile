# The README's commands: `make demo` (the product on simulated clouds), `make test` (the whole suite
# on the local PostgreSQL and Redis, as CI runs it) and `make run` (the embedded default: SQLite,
# in-process worker, no demo data). Each sets everything up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cspm
# Test-only secrets: production settings require both, and tests run with production settings.
# Cloud API rate limits off: tests and benchmarks against local fakes measure the product, not
# the limiter (its own tests set their limits).
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) SECRET_KEY=test-only-not-secret \
	CSPM_CREDENTIALS_KEYS=dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYnl0ZXM= CSPM_RATE_LIMITS=aws=0,gcp=0,azure=0 \
	CSPM_HTTPS=false

.PHONY: install run demo test lint bench-ingest bench-aws bench-estate bench-schedule bench-alerts bench-web clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	# The in-process schedule polls due accounts beside the web server; both stop together.
	trap 'kill 0' EXIT; $(PY) manage.py schedule & $(PY) manage.py runserver 127.0.0.1:8000

# The demo: `run` plus a simulated group (Acme Group and its acquisition Globex) in simulated AWS, GCP
# and Azure started in-process, drift injected every 2 minutes, alerts caught on /demo/inbox/.
# Prints the URL and the demo admin's password. DEMO_ARGS, e.g.: --port 8080 --drift-every 60
# Its own data directory (var/demo): `make run` afterwards does not show the demo's accounts.
demo: install
	CSPM_VAR_DIR=var/demo $(PY) manage.py migrate --noinput
	CSPM_VAR_DIR=var/demo CSPM_DEMO=1 $(PY) manage.py demo $(DEMO_ARGS)

lint: install
	$(VENV)/bin/ruff check .

test: install lint
	$(TEST_ENV) $(VENV)/bin/pytest

bench-ingest: install
	$(TEST_ENV) $(PY) bench/ingest.py

bench-aws: install
	$(TEST_ENV) $(PY) bench/aws_poll.py

bench-estate: install
	$(TEST_ENV) $(PY) bench/simulated_estate.py

bench-schedule: install
	$(TEST_ENV) $(PY) bench/schedule.py

bench-alerts: install
	$(TEST_ENV) $(PY) bench/drift_to_slack.py

# Seeds <name>_bench_web once (500 accounts, 1M resources, 100k open findings: ~3.5 GB, a few
# minutes; drop the database to seed again), then times the pages.
bench-web: install
	$(TEST_ENV) $(PY) bench/seed.py --if-missing
	$(TEST_ENV) $(PY) bench/web.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
