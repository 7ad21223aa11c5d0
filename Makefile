# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install database run test test-fast lint browser benchmarks notebooks clean

$(STAMP): pyproject.toml
	@echo "== installing into $(VENV) (torch's CPU build first, then the project)"
	$(PYTHON) -m venv $(VENV)
	# the CPU build of torch first (on disk here; the conventional CPU index elsewhere),
	# so that nothing below pulls the multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Build the embedded database: curated set (+ public data when the data directory exists),
# then a first model if none is promoted. A first build with the public data took about
# 3 minutes on a 2-core machine, 2 min 15 s of it fitting the model; later runs skip the fit.
database: install
	@echo "== building the database: importing the curated set, and the public datasets when the data directory exists"
	$(BIN)/partnermatch import all
	@echo "== training a first model unless one is promoted: a first run takes a few minutes (about 3 on a 2-core machine)"
	$(BIN)/partnermatch train --promote --if-none-promoted

run: database
	@echo "== serving the API at http://$(HOST):$(PORT) (docs at http://$(HOST):$(PORT)/docs); Ctrl-C stops it"
	$(BIN)/partnermatch serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Headless Chromium for the browser tests: Debian's packages, installed when missing and possible.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium; browser tests will skip (or fail under CI=true)"; \
	  else echo "chromium missing and cannot be installed here; browser tests will skip"; fi; \
	fi

test: install browser
	$(BIN)/ruff check .
	$(BIN)/pytest -q -ra

test-fast: install
	$(BIN)/pytest -q -x -m "not browser and not notebooks"

lint: install
	$(BIN)/ruff check .

benchmarks: install
	$(BIN)/python benchmarks/import_full.py
	$(BIN)/python benchmarks/train_full.py

clean:
	rm -rf $(VENV) var

# JupyterLab in the project's environment (the optional `notebooks` extra, installed on first use);
# the notebooks' kernel is .venv's python. Pass options with JUPYTER_ARGS="--port 8890 --no-browser".
.PHONY: jupyter
JUPYTER_STAMP := $(VENV)/.jupyter-installed
$(JUPYTER_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,notebooks]"
	touch $(JUPYTER_STAMP)

jupyter: $(JUPYTER_STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(JUPYTER_ARGS)
