# Two commands on a fresh machine:
#   make demo   set up .venv and run the main job on the bundled example
#   make test   set up .venv with the test extra, then ruff, mypy and pytest
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint typecheck pytest bench clean

$(VENV)/.base:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip setuptools wheel
	touch $@

$(VENV)/.run: $(VENV)/.base pyproject.toml
	$(PIP) -e .
	touch $@

$(VENV)/.test: $(VENV)/.base pyproject.toml
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.run

demo: $(VENV)/.run
	$(VENV)/bin/thirdroad demo

lint: $(VENV)/.test
	$(VENV)/bin/ruff check src tests benchmarks examples

typecheck: $(VENV)/.test
	$(VENV)/bin/mypy

pytest: $(VENV)/.test
	$(PY) -m pytest -q

test: lint typecheck pytest

bench: $(VENV)/.test
	$(PY) benchmarks/engine.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
