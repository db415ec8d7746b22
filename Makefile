# HopsML Lab: `make lab` to use it, `make test` to test it. Both start from `make install`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
DEMO_DIR ?= $(HOME)/hopsml/demo
LAB_PORT ?= 8888
CONSTRAINTS := requirements/constraints.txt
TORCH_WHEELS ?= /opt/wheels
export PATH := $(BIN):$(PATH)

.PHONY: install lab test test-python test-js test-ui lint system-deps test-system-deps bench \
	lock clean

install: $(VENV)/.installed hopsml_lab/labextension/static/style.js

# Rebuild the labextension when the TypeScript or styles change after installing.
hopsml_lab/labextension/static/style.js: $(VENV)/.installed $(shell find src style -type f -not -path '*/__tests__/*') tsconfig.json
	npm run build
	touch $@

$(VENV)/.installed: pyproject.toml package.json package-lock.json $(CONSTRAINTS)
	bash scripts/ensure-system-deps.sh build
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"
	$(BIN)/pip install -q -c $(CONSTRAINTS) setuptools wheel hatchling editables hatch-nodejs-version hatch-jupyter-builder \
		jupyterlab
	npm ci --no-audit --no-fund
	$(BIN)/pip install -q -c $(CONSTRAINTS) --no-build-isolation -e ".[test]"
	# sparkmagic's DataFrame widget alone (validation.autoviz): sparkmagic itself needs Kerberos
	# headers to build, and the widget pins pandas<3, which it runs with here.
	$(BIN)/pip install -q --no-deps autovizwidget==0.23.0 hdijupyterutils==0.23.0
	# PyTorch, for maggy's TorchDistributedConfig and its tests, CPU-only and only where this
	# machine keeps a CPU wheel in $(TORCH_WHEELS) (PyPI's Linux wheel pulls ~3 GB of CUDA
	# packages): elsewhere those tests skip.
	wheel="$$(ls $(TORCH_WHEELS)/torch-*+cpu-$$($(BIN)/python -c 'import sys; print("cp%d%d" % sys.version_info[:2])')-*.whl 2>/dev/null | tail -1)"; \
		if [ -n "$$wheel" ]; then $(BIN)/pip install -q -c $(CONSTRAINTS) "$$wheel"; \
		else echo "no CPU-only torch wheel in $(TORCH_WHEELS): the PyTorch tests will skip"; fi
	$(BIN)/jupyter-builder develop --overwrite .
	touch $@

lab: install
	$(BIN)/python -m hopsml_lab.demo seed "$(DEMO_DIR)"
	HOPSML_PROJECT_ROOT="$${HOPSML_PROJECT_ROOT:-$(DEMO_DIR)}" \
		$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --notebook-dir="$(DEMO_DIR)" \
		--ServerApp.open_browser=$${OPEN_BROWSER:-False} $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: install test-system-deps lint test-js test-python test-ui

test-system-deps:
	bash scripts/ensure-system-deps.sh test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	npm run lint

test-js: install
	npm test

test-python: install test-system-deps
	$(BIN)/python -m pytest

test-ui: install test-system-deps
	cd ui-tests && npm ci --no-audit --no-fund && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
		npx playwright test

bench: install test-system-deps
	$(BIN)/python -m benchmarks

# Re-pin what `make install` installs (run after changing dependencies).
lock:
	$(BIN)/pip freeze --exclude-editable | grep -v -i '^hopsml' > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) node_modules ui-tests/node_modules lib hopsml_lab/labextension tsconfig.tsbuildinfo
