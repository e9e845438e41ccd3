# QKV and Transformers: every command sets up what it needs first.
#   make book   - set up, build the website and serve it on http://localhost:8000
#   make test   - set up and run the whole test suite (what CI runs)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# pytest-xdist workers for `make test`: groups of tests (tests/conftest.py), the longest first.
TEST_WORKERS ?= 2

.PHONY: setup build book serve lab release hub test test-fast bench lint bank lock clean browser linkcheck execute learner-kit postgres

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml scripts/install_site_deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	bash scripts/install_site_deps.sh
	touch $(STAMP)

## Chromium and chromium-driver for tests/test_website.py (apt-get when root), plus local MathJax.
browser:
	bash scripts/install_site_deps.sh --browser

## Debian's PostgreSQL server for tests/test_gradebook_db.py (apt-get when root; the test starts its own cluster).
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then echo "postgresql already installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else echo "Install PostgreSQL (Debian/Ubuntu: sudo apt-get install postgresql)" >&2; exit 1; fi

## Execute the uncached book pages on all cores, in warm kernels; `make build` then finds them in the cache.
execute: setup
	$(BIN)/python scripts/execute_pages.py

## Check the website's external links (needs the internet; not part of make test); report in _build/linkcheck/.
linkcheck: setup
	$(BIN)/jupyter-book build . --builder custom --custom-builder linkcheck

## Build the website into _build/html (warnings are errors; executed pages are cached).
build: execute
	$(BIN)/jupyter-book build . -W -n --keep-going

## Build, then serve the website locally.
book: build
	@echo "The course is at http://localhost:$(PORT)/ (Ctrl-C stops the server)."
	$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

serve:
	$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

## Open the student notebooks in JupyterLab (command line and settings: scripts/lab.sh, also used by tests/test_lab.py).
lab: setup
	bash scripts/lab.sh

## A demo class on JupyterHub (as root): creates the accounts of hub/course.json, then starts the hub on
## 127.0.0.1 (a free port unless HUB_PORT is set; the URL and the password file are printed). Ctrl-C stops it.
## `$(BIN)/python hub/create_users.py --remove` deletes the accounts again.
HUB_PORT ?=
hub: setup
	@[ "$$(id -u)" = 0 ] || { echo "make hub must run as root: LocalProcessSpawner starts servers as the course's Unix users"; exit 1; }
	$(BIN)/python hub/create_users.py
	QKV_HUB_PORT=$(HUB_PORT) PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/jupyterhub -f hub/jupyterhub_config.py

## Regenerate notebooks/ (the nbgrader release) from solutions/.
release: setup
	$(BIN)/python -m autograder release

## The learner repository (no solutions, tests, grader or instructor code): make learner-kit KIT=../qkv-learner
KIT ?= _build/learner-kit
learner-kit: setup
	$(BIN)/python -m autograder export-learner $(KIT)

## Everything CI checks (installs Chromium for the website tests when needed).
test: setup browser postgres
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

## The suite without the slow parts (book build, nbgrader round trips).
test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

## Speed goals of the grade command (not part of the test suite): floor, --jobs 1/2, a single regrade,
## Dask with 2 local workers, and an extrapolation to 10,000 submissions. Other runs:
## make bench BENCH_ARGS="--assignments 03_attention --copies 40 --no-dask"
bench: setup
	$(BIN)/python -m autograder.bench $(BENCH_ARGS)

## Grade a private bank of planted answers: make bank BANK=/path/to/bank
bank: setup
	$(BIN)/python -m pytest tests/test_bank.py --bank "$(BANK)"

lint: setup
	$(BIN)/ruff check .

## Re-pin requirements.txt from requirements.in (maintainers only).
lock:
	rm -rf /tmp/qkv-lock && $(PYTHON) -m venv /tmp/qkv-lock
	/tmp/qkv-lock/bin/pip install -r requirements.in
	/tmp/qkv-lock/bin/pip freeze | sed 's/^torch==\(.*\)+cpu$$/torch==\1/' \
	    | grep -v -E '^(lark|rfc3987-syntax)==' > requirements.lock.tmp  # see requirements.txt's header
	@echo "Review requirements.lock.tmp, keep the header of requirements.txt, then replace it."

clean:
	rm -rf _build autograder/runs
