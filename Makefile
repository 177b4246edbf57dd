# Every target sets itself up on a fresh machine: a .venv with the CPU build of
# torch installed first (a plain `torch` requirement would pull a multi-GB CUDA
# build), then the project with its dev extra.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
QA     := $(VENV)/bin/qa
STAMP  := $(VENV)/.installed
TORCH  ?= torch==2.13.0

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup ask tui test check lint-imports bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH)" || $(PY) -m pip install --quiet "torch>=2.4"
	$(PY) -m pip install --quiet -e '.[local,dev]'
	touch $(STAMP)

setup: $(STAMP)

ask: $(STAMP)
	@test -n "$(Q)" || { echo 'usage: make ask Q="your question"'; exit 2; }
	$(QA) ask "$(Q)"

tui: $(STAMP)
	$(QA) tui

test: $(STAMP)
	$(PY) -m pytest -m "not bench"

check: $(STAMP)
	$(VENV)/bin/ruff check corpus embeddings qa tests bench
	$(VENV)/bin/ruff format --check corpus embeddings qa tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not slow and not server and not bench" -q

# The layers and import rules declared in pyproject.toml ([tool.importlinter]).
lint-imports: $(STAMP)
	$(VENV)/bin/lint-imports

# Corpus-scale figures (not run by `make test`); the query benchmark runs over a
# store of the whole shared corpus, built (or brought up to date) first.
BENCH_STORE := bench/out/store
bench: $(STAMP)
	$(PY) bench/parse.py
	$(PY) bench/fuzz.py
	$(PY) bench/encode.py
	$(QA) --store $(BENCH_STORE) ingest ../shared/corpus/cablegate-2010
	$(PY) bench/ingest.py --full-store $(BENCH_STORE)
	$(PY) bench/release.py --seconds 300
	$(PY) bench/query.py --store $(BENCH_STORE) --questions eval/dev.jsonl
	$(PY) bench/similar.py --store $(BENCH_STORE)
	$(PY) bench/facets.py --store $(BENCH_STORE)
	$(QA) --store $(BENCH_STORE) eval eval/dev.jsonl
	$(PY) bench/highlight.py --store $(BENCH_STORE) --cache bench/out/highlight.json
	$(PY) bench/abstain.py --store $(BENCH_STORE) --cache bench/out/abstain.json
	$(PY) bench/scale.py --n 100000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
