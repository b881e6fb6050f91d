# A newcomer needs two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install install-dev run test test-all test-backends lint migrate worker beat bench messages clean

# What the site needs to run (requirements.txt); a production machine stops here.
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Tests, checks and benchmarks on top (requirements-dev.txt).
$(BIN)/.installed-dev: requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

install-dev: $(BIN)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py journal_site.wsgi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r care accounts diary insights conversations portability overview journal_site -x '*/tests/*,journal_site/testing.py'

# Tests run in parallel (pytest-xdist), one file per worker at a time; TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto
PARALLEL := -n $(TEST_WORKERS) --dist loadfile

# The developer's loop: ruff, then everything but the slow, live-server and browser tests.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/pytest $(PARALLEL) -m "not slow and not live and not browser"

# Every test, as CI runs it against PostgreSQL + Redis (ruff and bandit are `make lint`).
test-all: install-dev
	$(BIN)/pytest $(PARALLEL)

# Every test that depends on the database or the cache, as CI runs it against the embedded default:
# the browser, live-server and backend-free tests (conftest.BACKENDS_FREE) ran in the first pass.
test-backends: install-dev
	$(BIN)/pytest $(PARALLEL) -m "not browser and not live and not backends_free"

worker: install
	$(BIN)/celery -A journal_site worker --loglevel INFO

beat: install
	$(BIN)/celery -A journal_site beat --loglevel INFO --schedule var/celerybeat-schedule

# Translations: one catalogue per app, and the project's (locale/) for templates/ and journal_site/.
messages: install
	for app in care accounts diary insights conversations portability overview; do (cd $$app && ../$(BIN)/python ../manage.py makemessages -l pl --no-location --no-obsolete); done
	$(BIN)/python manage.py makemessages -l pl --no-location --no-obsolete --ignore 'care/*' --ignore 'accounts/*' --ignore 'diary/*' --ignore 'insights/*' --ignore 'conversations/*' --ignore 'portability/*' --ignore 'overview/*' --ignore 'bench/*' --ignore 'tests/*' --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

# Load and data-scale benchmarks (bench/README.md); never part of `make test`.
# Needs DATABASE_URL (PostgreSQL, which it fills) and REDIS_URL.
bench: install-dev
	@command -v wrk >/dev/null || (test "$$(id -u)" = 0 && apt-get install -y -qq wrk) || \
		(echo "bench needs wrk: apt-get install wrk" >&2; exit 1)
	PY=$(BIN)/python bash bench/run.sh

clean:
	rm -rf $(VENV) var/staticfiles
