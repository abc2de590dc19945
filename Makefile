# Two commands matter: `make run` (set up, load the demo, serve on 127.0.0.1:8000) and
# `make test` (all tests). Both create the virtualenv and install pinned requirements.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup run test bench lint demo

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

# Runs every bench/bench_*.py in turn (each sets up its own database, if any); goes on past
# a script that exits non-zero (a crash) and fails at the end if any did.
bench: setup
	@failed=""; \
	for script in bench/bench_*.py; do \
		[ -e "$$script" ] || continue; \
		echo "==== $$script"; \
		$(PY) "$$script" || failed="$$failed $$script"; \
		echo; \
	done; \
	if [ -n "$$failed" ]; then echo "bench: non-zero exit from:$$failed" >&2; exit 1; fi
