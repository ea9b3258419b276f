# The front door: `make run` serves the app with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app
# JavaScript lint only: the app itself never needs Node.js (`make run` doesn't touch it).
NODE_STAMP := node_modules/.installed
ESLINT := node_modules/.bin/eslint static eslint.config.js

.PHONY: run test lint format translations extract-messages bench clean

run: $(VENV)/.app-installed translations
	$(BIN)/flask init-db
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host "$(HOST)" --port "$(PORT)"

test: $(VENV)/.test-installed translations $(NODE_STAMP)
	$(BIN)/ruff check .
	$(ESLINT)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(ESLINT)

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Compiled catalogues are build output (.mo files are not committed).
translations: $(VENV)/.app-installed
	@$(BIN)/pybabel -q compile -d survey/translations

# Refresh the catalogues after changing user-visible strings, then translate both.
extract-messages: $(VENV)/.app-installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o survey/translations/messages.pot app.py survey templates
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

# ESLint, pinned in package-lock.json. No npm is an error, never a skipped lint.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm > /dev/null || { echo "npm not found: the JavaScript lint (make lint, make test) needs Node.js 20.19+ and npm" >&2; exit 1; }
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error(`ESLint needs Node.js 20.19 or newer, not $${process.version}`); process.exit(1); }'
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(VENV) node_modules build *.egg-info survey/translations/*/LC_MESSAGES/*.mo
