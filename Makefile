# Strong Cities data platform. Two commands set everything up on a fresh machine:
#   make run    environment + demo world (when the inbox is empty) + every asset + dashboards on :8050
#   make test   environment + browser for UI tests + the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SIZE ?= small
HOST ?= 127.0.0.1
PORT ?= 8050
export SCN_HOME ?= $(CURDIR)/.scn
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test ui bench bench-city serve venv system-deps lint clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.8
	$(BIN)/uv pip install --python $(BIN)/python -q --compile-bytecode -r requirements.lock -e .
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/scn demo --if-empty
	$(BIN)/scn run
	@echo "Dashboards on http://$(HOST):$(PORT) need a log-in. Create a user (first one: staff) in another shell:"
	@echo "  echo pw | SCN_HOME=\"$$SCN_HOME\" $(BIN)/scn user add NAME --role staff    # pw: 8+ characters"
	@echo "Users now: $$($(BIN)/scn user list | cut -f1 | paste -sd, - | sed 's/^$$/none yet/')"
	$(BIN)/scn serve --host $(HOST) --port $(PORT)

serve: venv
	$(BIN)/scn serve --host $(HOST) --port $(PORT)

# System packages the tests really start (installed once, system-wide, from Debian): Chromium and ChromeDriver
# drive the dashboard tests; PostgreSQL backs the production-profile test; Redis is the Celery executor's broker.
system-deps:
	@{ command -v chromium && command -v chromedriver && ls /usr/lib/postgresql/*/bin/initdb && command -v redis-server; } >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    chromium chromium-driver postgresql redis-server >/dev/null; }

# Two test processes (pytest-xdist) by default, one per core: 28-34 min (1,561-1,663 tests) on the 2-core CI
# machine (clean clones, 2026-12-06 and 07; the latest, 1,663 tests, 28 min). The tests that share an expensive fixture (the dashboards' server and browser,
# the dbt world, the Dagster UI) stay on one worker (--dist loadgroup in pyproject.toml, groups marked by
# tests/conftest.py); the others run on their module's. The groups that took longest in a measured run start first
# (tests/durations.json; refresh: `make test PYTEST_ARGS="-n 2 --junitxml=/tmp/run.xml" &&
# .venv/bin/python scripts/test_durations.py /tmp/run.xml`). Serially: `make test PYTEST_ARGS="-n 0"`.
PYTEST_ARGS ?= -n 2
test: venv system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

# Dagster webserver (http://127.0.0.1:3000) and daemon on the $SCN_HOME instance.
ui: venv
	@$(BIN)/python -c "from orchestration.instance import prepare_dagster_home; prepare_dagster_home()"
	DAGSTER_HOME="$$SCN_HOME/dagster" bash -c 'trap "kill 0" EXIT; \
	  $(BIN)/dagster-daemon run -m orchestration.definitions & \
	  $(BIN)/dagster-webserver -m orchestration.definitions -h 127.0.0.1 -p 3000'

bench: venv
	$(BIN)/python scripts/bench.py --size $(SIZE)

# London at real size only (4,835 areas, ~2,500 cells; also a section of `make bench`)
bench-city: venv
	$(BIN)/python scripts/bench_bigcity.py

lint: venv
	$(BIN)/ruff check .

clean:
	rm -rf "$$SCN_HOME" transforms/target transforms/logs  # the exported value, quoted: a home with a space is one path
