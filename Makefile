# The dTAO book — two commands: `make book` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
JOBS ?= 2

.PHONY: help install book serve test lint unit notebooks browser bench lock clean

help:
	@echo "make book    build the site into _build/html (creates .venv on first use)"
	@echo "make serve   serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make test    ruff, library tests, every notebook (nbmake), site build and browser test"
	@echo "make bench   run the benchmark scripts in benchmarks/"
	@echo "make lock    re-resolve the dependencies and rewrite constraints.txt"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Notebooks are executed at build time; a cell error or any Sphinx warning fails the build.
# Always from a clean build directory: an incremental build can skip a broken notebook.
book: $(STAMP)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build -W -n --keep-going .

serve:
	@test -d _build/html || { echo "run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(BIN)/pytest -q -n $(JOBS) -m "not browser" tests

notebooks: $(STAMP)
	$(BIN)/pytest -q -n $(JOBS) --nbmake chapters

browser: $(STAMP)
	$(BIN)/pytest -q -m browser tests/browser

test: lint unit notebooks book browser

bench: $(STAMP)
	@for f in benchmarks/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[dev]"
	{ echo "# Pinned versions of every package the book, the tests and dtao_lib install (Python 3.11, Linux x86_64)."; \
	  echo "# Regenerate with: make lock   (resolves pyproject's extras afresh and freezes them here)"; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^dtao-lib' | sort -f; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis .jupyter_cache
