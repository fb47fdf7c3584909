# The two commands of the README: `make demo` and `make test`. Each makes its own virtual
# environment in .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_LIBRARY := demo-library/library.sqlite

.PHONY: demo test lint venv clean

$(BIN)/bims: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/bims

venv: $(BIN)/bims

demo: venv
	rm -rf demo-library
	$(BIN)/bims --library $(DEMO_LIBRARY) ingest fixtures/seeds
	$(BIN)/bims --library $(DEMO_LIBRARY) tag --rules bone-metastases
	$(BIN)/bims --library $(DEMO_LIBRARY) list
	$(BIN)/bims --library $(DEMO_LIBRARY) tags
	$(BIN)/bims --library $(DEMO_LIBRARY) export --bibtex -o demo-library/library.bib
	$(BIN)/bims --library $(DEMO_LIBRARY) export --style vancouver --format markdown --by-tag \
		-o demo-library/digest.md
	@echo "Wrote demo-library/library.bib and demo-library/digest.md"

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: venv lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) demo-library .mypy_cache .ruff_cache .pytest_cache
