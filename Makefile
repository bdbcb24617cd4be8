# Doorstroom: `make run` to start locally, `make test` for everything CI checks.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Two database roles (README, "Database roles"): `migrate` runs as the owner (DATABASE_OWNER_URL,
# or the embedded server's postgres), everything else as the application (DATABASE_URL, or the
# embedded doorstroom_app, made when the server starts). Nothing to set up for the embedded one.
# Tests run with DEBUG off, as in production; they need a key, not a secret one.
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-test-only-not-secret}

.PHONY: install run serve test lint format migrations-check deploy-check pytest messages clean-db bench \
	audit-verify

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required" if sys.version_info < (3, 11) else 0)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_seed
	DEBUG=1 $(PY) manage.py generate_demo_trajectories --count 300 --seed 1
	DEBUG=1 $(PY) manage.py ensure_demo_user
	@$(MAKE) --no-print-directory serve

# Only the server and one job worker (manage.py serve). `exec`, so that the SIGTERM make passes
# on reaches it itself (not a shell that would die and leave it running); it stops the worker,
# and the last of them the embedded PostgreSQL.
ADDRESS ?= 127.0.0.1:8000
serve: install
	DEBUG=1 exec $(PY) manage.py serve $(ADDRESS)

test: install lint migrations-check deploy-check pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# The production settings pass Django's deployment checklist without a single warning.
deploy-check: install
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') DEBUG=0 \
	ALLOWED_HOSTS=doorstroom.example.be $(PY) manage.py check --deploy --fail-level WARNING

# Three workers (pytest-xdist) on two cores: the database and the browser wait on each other,
# so a third worker fills the gaps. Each worker has its own test database.
PYTEST_WORKERS ?= 3
pytest: install
	$(TEST_ENV) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# One catalog per app (pilots/, trajectories/, questions/, payments/); doorstroom/locale holds
# the project package's and the mandates app's strings.
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l nl --ignore=.venv --ignore=var --ignore=tests \
		--ignore=pilots --ignore=trajectories --ignore=questions --ignore=payments \
		--ignore=notifications
	for app in pilots trajectories questions payments notifications; do \
		(cd $$app && DEBUG=1 ../$(PY) ../manage.py makemessages -l nl); done
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# Not part of `make test`: builds its own database (doorstroom_bench) with 10,000 and then
# 1,000,000 trajectories and measures every page and export (benchmarks/results.md). About
# 45 minutes (every page at both sizes); BENCH_ARGS="--sizes 10000,100000" for a shorter run.
bench: install
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Recomputes the audit trail's hash chain; non-zero exit on any change behind its back.
audit-verify: install
	DEBUG=1 $(PY) manage.py audit_verify

clean-db:
	rm -rf var/pgdata
