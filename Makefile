# The two commands of the README. Everything else lives in scripts/.
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test bench venv clean

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/iurc up --demo

test: venv
	$(VENV)/bin/python scripts/check.py

# The lifecycle next to the bare engine on this machine (BENCHMARKS.md); BENCH_ARGS adds options.
bench: venv
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
