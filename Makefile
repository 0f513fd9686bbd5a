# Everything runs from the repo's own virtualenv. The stamp files re-run pip
# when a requirements file changes.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A plain assignment, not `export VAR=$$(...)`, so a failing script stops the recipe.
FIND_CHROMIUM := CHROMIUM_PATH="$$(bash tools/ensure_chromium.sh)" && export CHROMIUM_PATH

.PHONY: run test lint bench bench-browser screenshot clean

run: $(VENV)/.stamp-app
	$(BIN)/streamlit run app.py

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict dynweights explorer app.py
	$(BIN)/hadolint Dockerfile

test: lint $(VENV)/.stamp-peers
	$(FIND_CHROMIUM) && $(BIN)/python -m pytest

bench: $(VENV)/.stamp-peers
	$(BIN)/python benchmarks/bench.py

# End to end in Chromium, against a bare Streamlit page; a benchmark, not a test.
bench-browser: $(VENV)/.stamp-dev
	$(FIND_CHROMIUM) && $(BIN)/python benchmarks/bench_browser.py

screenshot: $(VENV)/.stamp-dev
	$(FIND_CHROMIUM) && $(BIN)/python tests/browser/screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-app: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

# torch (a CPU build), transformers and optax run the code-export tests. Where
# they cannot be installed, those tests skip outside CI and fail in CI.
$(VENV)/.stamp-peers: requirements-peers.txt $(VENV)/.stamp-dev
	$(BIN)/python -m pip install -r requirements-peers.txt \
		|| echo "make: could not install requirements-peers.txt; export tests will skip" >&2
	touch $@

# requirements-dev.txt includes requirements.txt, hence the app stamp first.
$(VENV)/.stamp-dev: requirements-dev.txt $(VENV)/.stamp-app
	$(BIN)/python -m pip install -r requirements-dev.txt
	touch $@
