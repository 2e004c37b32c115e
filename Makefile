# The two commands of the README. Everything else lives in scripts/.
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test test-fast test-integration test-e2e bench venv lock clean

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

# requirements.lock: the runtime dependencies (not the extras), pinned with the hashes of every
# file of each release, which the worker image installs with --require-hashes. Resolved from the
# public index alone (no local wheel folder or extra index of this machine) for Python 3.11+.
# Run after changing `dependencies` in pyproject.toml, or to take fixed releases after an audit.
lock: venv
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
		PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" \
		$(VENV)/bin/pip-compile --quiet --upgrade --generate-hashes --strip-extras \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
		--output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
