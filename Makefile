# Every command a newcomer needs. `make run` and `make test` set up everything themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint fmt bench messages worker beat migrate demo check clean screenshots

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(MANAGE) migrate --noinput
	-command -v msgfmt >/dev/null && $(MANAGE) compilemessages --ignore=.venv -v 0
	$(MANAGE) load_demo_shop
	$(MANAGE) runserver 127.0.0.1:8000

test: $(STAMP)
	-command -v msgfmt >/dev/null && $(MANAGE) compilemessages --ignore=.venv -v 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=lint-only-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG ALLOWED_HOSTS=shop.example.com $(MANAGE) check --deploy --fail-level WARNING

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --large
	$(BIN)/python benchmarks/checkout.py
	$(BIN)/python benchmarks/checkout.py --flash-sale

# Pages at 375 and 1366 px in both languages, the back office per role and every email, into
# docs/screenshots/ (needs Debian's Chromium: apt-get install chromium fonts-noto-cjk).
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

messages: $(STAMP)
	$(MANAGE) makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv

worker: $(STAMP)
	$(BIN)/celery -A config worker -l info

beat: $(STAMP)
	$(BIN)/celery -A config beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

demo: $(STAMP)
	$(MANAGE) load_demo_shop

clean:
	rm -rf $(VENV) .pytest_cache
