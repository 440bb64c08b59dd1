# Set-up and entry points. README: `make run` starts the app, `make test` runs the tests.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: setup run test test-fast lint browser index bench

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

## Start the app on http://localhost:8501 (the index is built on first use).
run: setup
	$(PY) -m index ensure
	$(VENV)/bin/streamlit run ui/server.py

## Debian's Chromium for the browser tests (never a downloaded browser build).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

## The linter and the import rules (pyproject.toml: [tool.ruff], [tool.importlinter]).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

## Run every test (real Chroma, real embedding model, real Streamlit, real browser), after the checks.
test: setup browser lint
	$(PY) -m pytest $(PYTEST_ARGS)

## The checks and the pure-logic tests only (seconds): no index, model, Chroma, subprocess or browser.
test-fast: setup lint
	$(PY) -m pytest -m pure -q $(PYTEST_ARGS)

index: setup
	$(PY) -m index rebuild

## Benchmarks (print numbers; not part of the tests).
bench: setup
	$(PY) scripts/bench_retrieval.py
	$(PY) scripts/bench_assistant.py
	$(PY) scripts/compare_embedders.py
	$(PY) scripts/bench_scale.py --chunks 20000
	$(PY) scripts/bench_review.py
	$(PY) scripts/bench_plan.py
	-$(PY) scripts/bench_api.py      # exit 1 when p95 misses its target: the figures still print
	-$(PY) scripts/eval_answers.py   # exit 1 when an issue-12 target is missed
