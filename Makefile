# Two commands on a fresh machine:
#   make demo   set up .venv and run the main job on the bundled example
#   make test   set up .venv with the test extra, then ruff, mypy and pytest
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint typecheck pytest bench bytecode clean

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

# pip byte-compiles what it installs, but an editable install runs the sources in src/, and where
# PYTHONDONTWRITEBYTECODE is set nothing would ever write their bytecode: every command would
# compile every module again (0.4 s of CPU per command here). compileall writes the .pyc files
# whatever that variable says and skips those already current; a source edited later is compiled
# afresh by Python itself (it checks each file's size and time), so they never go stale.
bytecode: $(VENV)/.run
	$(PY) -m compileall -q src/thirdroad

demo: $(VENV)/.run bytecode
	$(VENV)/bin/thirdroad demo

lint: $(VENV)/.test
	$(VENV)/bin/ruff check src tests benchmarks examples

typecheck: $(VENV)/.test
	$(VENV)/bin/mypy

pytest: $(VENV)/.test bytecode
	$(PY) -m pytest -q

test: lint typecheck pytest

bench: $(VENV)/.test
	$(PY) benchmarks/engine.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
	find src -name __pycache__ -type d -prune -exec rm -rf {} +
