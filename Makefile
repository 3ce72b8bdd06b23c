# Two commands on a fresh clone: `make demo` and `make test`. Both set themselves up.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := .build
COLLECTIONS := $(BUILD)/collections
PYENV_VERSIONS ?= $(HOME)/.pyenv/versions
# Bytecode: the checks start hundreds of Python processes (pytest, ansible, ansible-lint, ansible-test, the
# mutants' test runs), and a PYTHONDONTWRITEBYTECODE in the caller's environment would have each compile every
# module it imports, every time (a tenth of make test's CPU, measured). Each module is compiled once instead, into
# .build/pycache, never into the checkout. scripts/mutation.py still writes none: a mutant changes its file within
# the same second and at the same size, which a cached file's timestamp check cannot tell apart.
export PYTHONPYCACHEPREFIX := $(abspath $(BUILD))/pycache
unexport PYTHONDONTWRITEBYTECODE
# The matrix: the oldest ansible-core meta/runtime.yml admits with the floors of requirements.txt (and a
# responses old enough for that requests) on the oldest controller Python it supports; the newest of all
# on the newest Python here. The default .venv is ansible-core 2.19 on Python 3.11.
MATRIX_OLDEST := 'ansible-core>=2.16,<2.17' requests==2.32.4 urllib3==2.2.2 xmltodict==0.14.1 prometheus-client==0.17.0 'responses<0.24'
MATRIX_NEWEST := 'ansible-core>=2.21,<2.22' -r requirements.txt responses
PY310 := $(firstword $(wildcard $(PYENV_VERSIONS)/3.10*/bin/python3.10) $(shell command -v python3.10))
PY313 := $(firstword $(wildcard $(PYENV_VERSIONS)/3.13*/bin/python3.13) $(shell command -v python3.13))
# Target Pythons the module code claims (tests/config.yml) beyond the default one, when installed.
SANITY_TARGET_PYTHONS := $(foreach v,3.8 3.9 3.10 3.12 3.13,$(if $(wildcard $(PYENV_VERSIONS)/$(v).*/bin/python$(v)),$(v)))
PYENV_PATH := $(subst $(eval) ,:,$(foreach v,$(SANITY_TARGET_PYTHONS),$(dir $(firstword $(wildcard $(PYENV_VERSIONS)/$(v).*/bin/python$(v))))))

.PHONY: help venv tools collection demo test check unit integration lint sanity units docs changelog ee matrix matrix-oldest matrix-newest bench bench-quick mutation mutation-sample option-docs typecheck clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed  ## create .venv with the pinned tools

# The checkout importable by the collection's name (ansible_collections.melissa.cicero), as ansible-test imports a
# collection and its tests: make's own Python commands run with $(BUILD)/links on PYTHONPATH (tests/conftest.py
# makes the same link for pytest).
LINK := $(BUILD)/links/ansible_collections/melissa/cicero
AS_COLLECTION := PYTHONPATH=$(abspath $(BUILD)/links)
$(LINK):
	mkdir -p $(dir $(LINK)) && ln -s $(CURDIR) $(LINK)

# Built from a copy of the checkout's files (tests/support): ansible-galaxy's manifest walks every file under the
# folder it builds and fails on one that another process deletes meanwhile.
collection: venv $(LINK)  ## build the tarball and install it into .build/collections
	rm -rf $(BUILD)/dist
	$(AS_COLLECTION) $(BIN)/python -m ansible_collections.melissa.cicero.tests.support $(BUILD)/dist
	$(BIN)/ansible-galaxy collection install --force -p $(COLLECTIONS) $(BUILD)/dist/melissa-cicero-*.tar.gz

demo: collection  ## the main job against the simulator
	PATH=$(abspath $(BIN)):$$PATH PYTHON=$(abspath $(BIN))/python scripts/with-simulator.sh scripts/demo.sh

# pytest exits 5 when it collects no tests; that fails the target on purpose: an empty suite is a bug.
# The set-up first, then two lanes side by side (scripts/run-checks.sh): the integration tests (two workers), then
# the unit tests, in one; lint, ansible-test and the short checks in the other (docs and ee one after the other:
# each rebuilds .build/dist); then each lane takes from the shared queue until it is empty. The unit tests spend
# most of their time waiting on their loopback servers: beside ansible-test or a matrix leg that wait costs no
# core, beside the integration tests (which wait too) it left one idle (a second run 6:04 before, 5:31 after).
CHECKS_SETUP := venv tools
CHECKS_SHARED := matrix-oldest matrix-newest bench-quick mutation-sample typecheck
CHECKS_LANE_1 := integration unit
# No changelog: ansible-test sanity's changelog test runs antsibull-changelog lint (make changelog runs it alone).
CHECKS_LANE_2 := lint sanity units docs ee
test:  ## everything CI runs, in two lanes; a table of times and counts; then no process left running
	@scripts/run-checks.sh "$(CHECKS_SETUP)" "$(CHECKS_SHARED)" "$(CHECKS_LANE_1)" "$(CHECKS_LANE_2)"

check: venv tools  ## the quick loop while you work: unit tests, then the integration tests marked matrix (every entry point)
	$(BIN)/python -m pytest -q tests/unit
	$(BIN)/python -m pytest -q -n auto -m "matrix and not rulebook" tests/integration

unit: venv tools  ## unit tests (pytest, HTTP mocked with responses), today and ten years ahead
	@# No unit test may depend on today's date: the same suite runs a second time, side by side with the first
	@# (the suite mostly waits on its simulator, so the two share the machine well), with the whole process
	@# tree's clock (the code's, the tests' and the simulator's) ten years ahead.
	mkdir -p $(BUILD) && faketime -f '+3650d' $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit >$(BUILD)/unit-ten-years-ahead.log 2>&1 & \
	  ahead=$$!; $(BIN)/python -m pytest tests/unit; today=$$?; wait $$ahead; later=$$?; \
	  echo "--- the same tests with the clock ten years ahead (faketime -f '+3650d'):"; cat $(BUILD)/unit-ten-years-ahead.log; \
	  [ $$today -eq 0 ] && [ $$later -eq 0 ]

integration: venv tools  ## build+install the collection, run ansible, ansible-playbook, ansible-rulebook against the simulator
	$(BIN)/python -m pytest -n auto --durations=25 tests/integration

# The tools the checks run that are not Python packages, from Debian's packages when missing (as root, the
# way CI runs), in one apt-get: Java 17 for ansible-rulebook's rules engine (Drools); libfaketime for the
# clock-shifted unit run; promtool (package prometheus) to check the example alerting rules.
DEBIAN_TOOLS := java:openjdk-17-jre-headless faketime:faketime promtool:prometheus
tools:  ## Java, faketime and promtool, installed with apt-get when missing
	@missing="$(foreach tool,$(DEBIAN_TOOLS),$$(command -v $(word 1,$(subst :, ,$(tool))) >/dev/null || echo $(word 2,$(subst :, ,$(tool)))))"; \
	if [ -n "$${missing// /}" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi
	@java -version 2>&1 | head -n 1; command -v faketime; promtool --version 2>&1 | head -n 1

lint: venv  ## ansible-lint, production profile
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/ansible-lint --profile production

# One ansible-test invocation each rather than one per Python: ansible-test makes its own delegation
# environment per invocation. sanity runs every test on the controller's Python (3.11) and those that run per
# Python version (compile, import) on every target Python installed.
sanity: venv  ## ansible-test sanity (all tests on 3.11, compile and import on every target Python)
	PATH=$(PYENV_PATH):$$PATH scripts/ansible-test.sh $(BIN) sanity --color no

# The module code's unit tests (modules, module_utils) on the target Pythons no other check runs them on:
# `make unit` runs every unit test on 3.11, the matrix legs on 3.10 (with ansible-core 2.16) and 3.13 (the newest
# ansible-core); the controller's code needs a controller Python, which those three are. ansible-test's own
# harness (its collection loader, a fork per test) runs them here.
UNITS_TARGET_PYTHONS := $(filter-out 3.10 3.13,$(SANITY_TARGET_PYTHONS))
units: venv  ## ansible-test units of the module code on the target Pythons the other checks leave out (3.8, 3.9, 3.12)
	PATH=$(PYENV_PATH):$$PATH scripts/ansible-test.sh $(BIN) units --color no \
	  $(foreach v,$(UNITS_TARGET_PYTHONS),--target-python venv/$(v)) tests/unit/plugins/module_utils/ tests/unit/plugins/modules/

# Every documented copy of an option is written from its one declaration (plugins/module_utils/_options.py,
# plugins/plugin_utils/_gate_options.py); the unit tests fail while a copy differs (tests/unit/test_option_docs.py).
option-docs: venv  ## write the options' documented copies (fragments, action and source docs, role specs and defaults)
	$(BIN)/python scripts/update-option-docs.py

typecheck: venv $(LINK)  ## mypy over plugins/module_utils and plugins/plugin_utils with mypy.ini (every function annotated)
	$(BIN)/mypy --config-file mypy.ini -p ansible_collections.melissa.cicero.plugins.module_utils \
	  -p ansible_collections.melissa.cicero.plugins.plugin_utils

docs: collection  ## every plugin and the role render; antsibull-docs lint
	scripts/check-docs.sh $(BIN) $(COLLECTIONS)

changelog: venv  ## antsibull-changelog lint
	$(BIN)/antsibull-changelog lint
	@echo "antsibull-changelog lint: $$(ls changelogs/fragments | wc -l) fragments and changelogs/changelog.yaml are clean"

ee: collection  ## ansible-builder reads our EE metadata; creates the build contexts of docs/execution-environment and docs/decision-environment
	$(BIN)/ansible-builder introspect --sanitize $(COLLECTIONS) | tee $(BUILD)/introspect.txt
	grep -q "'requests.*melissa.cicero" $(BUILD)/introspect.txt && grep -q "'xmltodict.*melissa.cicero" $(BUILD)/introspect.txt
	rm -rf $(BUILD)/ee && cp -r docs/execution-environment $(BUILD)/ee
	cd $(BUILD)/ee && $(abspath $(BIN))/ansible-builder create --file execution-environment.yml --context context
	ls $(BUILD)/ee/context/Containerfile $(BUILD)/ee/context/Dockerfile 2>/dev/null | grep -q .
	rm -rf $(BUILD)/de && cp -r docs/decision-environment $(BUILD)/de
	cd $(BUILD)/de && $(abspath $(BIN))/ansible-builder create --file decision-environment.yml --context context
	ls $(BUILD)/de/context/Containerfile $(BUILD)/de/context/Dockerfile 2>/dev/null | grep -q .

matrix: matrix-oldest matrix-newest  ## unit and integration tests on the oldest and newest ansible-core

matrix-oldest:  ## the matrix's leg of the oldest versions admitted (ansible-core, Python, requirements' floors)
	scripts/matrix.sh "$(PY310)" .venv-oldest $(MATRIX_OLDEST)

matrix-newest:  ## the matrix's leg of the newest versions installable
	scripts/matrix.sh "$(PY313)" .venv-newest $(MATRIX_NEWEST)

# cosmic-ray mutates each file of logic in a copy of the checkout (.build/mutation) and runs the unit tests that cover
# it (scripts/mutation.py lists them); survivors that cannot change behaviour are listed in tests/mutation/equivalent.yml.
mutation: venv  ## mutation testing in full: the kill ratio per file and every surviving mutant
	$(BIN)/python scripts/mutation.py

mutation-sample: venv  ## mutation testing of a fixed sample (make test): the gate's rules and the forecast's arithmetic
	$(BIN)/python scripts/mutation.py --sample 6

bench: venv $(LINK)  ## benchmarks, full mode; writes docs/performance.md
	$(AS_COLLECTION) $(BIN)/python tests/bench/run.py --full

bench-quick: venv $(LINK)  ## benchmarks, quick smoke mode (keeps them working)
	$(AS_COLLECTION) $(BIN)/python tests/bench/run.py --quick

clean:  ## remove virtualenvs and build output
	rm -rf $(VENV) .venv-* $(BUILD) tests/output
