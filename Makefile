# Every target sets up its own virtualenv (.venv) on first use: only Python 3.11 and pip needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: flag the bundled seed articles (the main job of this release)
demo: $(STAMP)
	$(BIN)/framing flags corpus/seeds --statistics

## test: run the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## lint: ruff over the package, tests and benchmarks
lint: $(STAMP)
	$(BIN)/ruff check framing tests bench

## bench: print throughput figures (needs ../shared/data beside the checkout)
bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
