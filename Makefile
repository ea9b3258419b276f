# The front door: `make run` serves the app with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app

.PHONY: run test lint format translations extract-messages bench clean

run: $(VENV)/.app-installed translations
	$(BIN)/flask init-db
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host "$(HOST)" --port "$(PORT)"

test: $(VENV)/.test-installed translations
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Compiled catalogues are build output (.mo files are not committed).
translations: $(VENV)/.app-installed
	@$(BIN)/pybabel -q compile -d survey/translations

# Refresh the catalogues after changing user-visible strings, then translate both.
extract-messages: $(VENV)/.app-installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --no-location --sort-output -o survey/translations/messages.pot app.py survey templates
	$(BIN)/pybabel -q update -N -i survey/translations/messages.pot -d survey/translations
	$(BIN)/python survey/translations/fill_english.py

bench: $(VENV)/.test-installed translations
	@for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

$(VENV)/.venv-created:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@touch $@

$(VENV)/.app-installed: pyproject.toml $(VENV)/.venv-created
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.app-installed
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $@

clean:
	rm -rf $(VENV) build *.egg-info survey/translations/*/LC_MESSAGES/*.mo
