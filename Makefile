# The two commands of the README. Everything else lives in scripts/.
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test venv clean

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

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
