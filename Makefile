# One command list for people and CI. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest options, e.g. `make test PYTEST_ARGS="-n 2"` (CI runs the suite on two workers).
PYTEST_ARGS ?=

.PHONY: run test test-postgres test-browser install lint format check migrate demo messages bench clean

run: install ## set up everything and start the site, the task worker and the scheduler
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ocim_demo
	$(BIN)/python manage.py run_platform --host $(HOST) --port $(PORT)

test: install ## the whole test suite (SQLite unless DATABASE_URL says otherwise)
	$(BIN)/pytest $(PYTEST_ARGS)

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e . --group dev
	touch $(STAMP)

install: $(STAMP)
	@mkdir -p var

test-postgres: install ## the same suite on the local PostgreSQL
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocim} $(BIN)/pytest $(PYTEST_ARGS)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test-browser: install node_modules/axe-core/axe.min.js ## real headless Chromium + axe-core
	$(BIN)/pytest -m browser -p no:xdist

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=ocim.settings.production \
	  SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  ALLOWED_HOSTS=ocim.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: install
	$(BIN)/python manage.py ocim_demo

APPS := core accounts training publishing inventory watch

messages: install ## extract and compile the French and English translations (one catalogue per app)
	cd ocim && ../$(BIN)/python ../manage.py makemessages -l fr -l en --no-obsolete \
	  $(foreach app,$(APPS),--ignore='$(app)/*') --ignore='settings/*'
	for app in $(APPS); do \
	  (cd ocim/$$app && mkdir -p locale && ../../$(BIN)/python ../../manage.py makemessages \
	    -l fr -l en --no-obsolete --ignore='tests/*') || exit 1; \
	done
	cd ocim && ../$(BIN)/python ../manage.py compilemessages

bench: install ## benchmarks (not part of the test suite); results go to docs/benchmarks.md
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var/db.sqlite3* node_modules
