PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv train test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## Set up and run the default training job (HGNN on the synthetic hypergraph SBM).
train: $(STAMP)
	$(BIN)/python -m hypergraph.train $(ARGS)

## Set up and run the whole test suite.
test: $(STAMP)
	$(BIN)/python -m ruff check hypergraph tests scripts
	$(BIN)/python -m ruff format --check hypergraph tests scripts
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check hypergraph tests scripts
	$(BIN)/python -m ruff format --check hypergraph tests scripts

clean:
	rm -rf $(VENV) runs lightning_logs .pytest_cache
