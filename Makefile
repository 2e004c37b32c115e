# The two commands of the README. Everything else lives in scripts/.
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test test-fast test-integration test-e2e bench venv clean

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/iurc up --demo

# Lint, types, import contracts, then the tiers fast -> integration -> e2e (what CI runs).
test: venv
	$(VENV)/bin/python scripts/check.py

# One tier alone, no lint. The fast tier needs no PostgreSQL and no dev server.
test-fast: venv
	$(VENV)/bin/python scripts/check.py --tier fast

test-integration: venv
	$(VENV)/bin/python scripts/check.py --tier integration

test-e2e: venv
	$(VENV)/bin/python scripts/check.py --tier e2e

# The lifecycle next to the bare engine on this machine (BENCHMARKS.md); BENCH_ARGS adds options.
bench: venv
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
