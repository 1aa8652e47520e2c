# orchestrator_web: `make demo` runs it, `make test` tests it. Both start from a fresh clone.

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
ORCHESTRATOR_PORT ?= 8143

# The first interpreter on PATH that is Python 3.12 or newer (.python-version asks pyenv for 3.13).
BASE_PYTHON := $(shell for c in python3.13 python3.12 python3 python; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$c; break; fi; done)

CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser demo test lint format lock clean bench screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(BASE_PYTHON)" || { echo "orchestrator_web needs Python 3.12 or newer (3.13 preferred, see .python-version); none was found on PATH." >&2; exit 1; }
	@echo "Using $(BASE_PYTHON) ($$($(BASE_PYTHON) --version))"
	test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

# The demo runs as production does (DEBUG off: the app's own error pages), on plain http on
# loopback, with keys that are public and for the demo only, and one background worker beside
# the web server (manage.py worker); its e-mails are printed on the console.
demo: install
	@mkdir -p .demo
	DEBUG=false \
	SECRET_KEY=demo-only-secret-key-not-for-production-0123456789abcdef \
	TOKEN_ENCRYPTION_KEY=demo-only-token-key-not-for-production-fedcba9876543210 \
	ALLOWED_HOSTS=127.0.0.1,localhost \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0 \
	STATIC_ROOT=$(CURDIR)/.demo/static \
	DATABASE_URL=sqlite:///$(CURDIR)/.demo/db.sqlite3 \
	ORCHESTRATOR_URL=http://127.0.0.1:$(ORCHESTRATOR_PORT) \
	RBAC_URL=http://127.0.0.1:$(ORCHESTRATOR_PORT) \
	ORCHESTRATOR_TOKEN=demo-service-token \
	ORCHESTRATOR_ENVIRONMENTS=production,development,modules \
	SITE_URL=http://127.0.0.1:$(PORT) EMAIL_BACKEND=console SYNC_JOBS_SECONDS=5 \
	$(PY) manage.py demo --port $(PORT)

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
browser:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

# axe-core (from the npm registry) checks every page's accessibility in the browser tests.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

test: install browser node_modules/.package-lock.json
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest $(PYTEST_ARGS)

# The README's pictures, from the real app in a real browser (static/img/screenshots/).
screenshots: install browser
	CHROMIUM=$(CHROMIUM) PYTHONPATH=$(CURDIR) $(PY) -m tests.screenshots

# Benchmarks (not part of make test): BENCH_ARGS=--quick for a short run.
bench: install
	PYTHONPATH=$(CURDIR) $(PY) -m tests.benchmarks.run $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh constraints.txt after changing dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv && $(BASE_PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
	.lock-venv/bin/pip freeze --exclude-editable --disable-pip-version-check > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .demo staticfiles node_modules
