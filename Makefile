# Every target sets up its own virtualenv (.venv) on first use: only Python 3.11 and pip needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench model corpora figures clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask,style]'
	touch $(STAMP)

## demo: score the bundled seed articles with the shipped models, with reasons and flags
demo: $(STAMP)
	$(BIN)/framing score corpus/seeds --explain
	$(BIN)/framing flags corpus/seeds --statistics -q

## test: run the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## lint: ruff over the package, tests and benchmarks
lint: $(STAMP)
	$(BIN)/ruff check framing tests bench

## bench: print throughput figures (needs ../shared/data beside the checkout)
bench: $(STAMP)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_scale.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_store.py 10000 100000
	$(BIN)/python bench/source_ranking.py
	$(BIN)/python bench/bench_syndication.py

SHARED ?= ../shared/data
BUILD := build/corpus
CONTRAST := $(sort $(wildcard corpus/contrast/*.jsonl))

## corpora: import the public data sets in $(SHARED) into $(BUILD) (corpus JSONL)
corpora: $(STAMP)
	mkdir -p $(BUILD)
	$(BIN)/framing corpus import --format recovery $(SHARED)/recovery -o $(BUILD)/recovery.jsonl
	$(BIN)/framing corpus import --format semeval2025 $(SHARED)/semeval2025-urw/EN \
		-o $(BUILD)/semeval2025.jsonl
	$(BIN)/framing corpus import --format ptc $(SHARED)/ptc -o $(BUILD)/ptc.jsonl

## figures: out-of-fold figures of the scope stack and the web-page scope counts (README)
figures: corpora
	$(BIN)/python bench/judgments.py --json $(BUILD)/../judgments.json
	$(BIN)/python bench/scope_pages.py

## model: rebuild models/ from the public data sets in $(SHARED), deterministically
model: corpora
	$(BIN)/framing train $(BUILD)/recovery.jsonl --target unreliable_source \
		--features words --C 3 --out models/unreliable_source
	$(BIN)/framing train $(BUILD)/semeval2025.jsonl $(BUILD)/recovery.jsonl $(BUILD)/ptc.jsonl \
		$(foreach f,$(CONTRAST),--train-only $(f)) \
		--target war_topic --features words --idf --C 3 --out models/war_topic
	# The seeds stay out of every model: they are a test (tests/test_judgments.py).
	# Written contrast articles (corpus/contrast) train it but are never evaluated.
	$(BIN)/framing train $(BUILD)/semeval2025.jsonl \
		$(foreach f,$(CONTRAST),--train-only $(f)) \
		--target pro_kremlin_framing --features words,markers --marker-weight 0.5 --C 3 \
		--gate war_topic --out models/pro_kremlin_framing
	$(BIN)/python -m framing.narratives train $(BUILD)/semeval2025.jsonl --out models/narratives
	# English only: scoring sends only English articles to these two (RU figures: models/README.md).
	$(BIN)/python -m framing.techniques train $(SHARED)/semeval2023-task3/en -o models/techniques
	$(BIN)/python -m framing.frames train $(SHARED)/semeval2023-task3/en -o models/frames

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
