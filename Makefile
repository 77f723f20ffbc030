# The two commands a newcomer needs: `make run` and `make test`. Both install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

.PHONY: install run test lint services browser bench-tools bench-flashsale
install: $(STAMP)

run: $(STAMP)
	$(BIN)/pintuan demo
	$(BIN)/pintuan serve

services:
	@command -v redis-server >/dev/null || (apt-get update && apt-get install -y redis-server)
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here);
# a CJK font lets pages in Chinese render in screenshots.
browser:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)
	@fc-list :lang=zh | grep -q . || (apt-get update && apt-get install -y fonts-wqy-microhei)

test: $(STAMP) services browser
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/pytest -q -p no:cacheprovider

# Load generator and PostgreSQL's own benchmark, for bench/ (Debian packages; only when missing).
bench-tools:
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	@command -v pgbench >/dev/null || (apt-get update && apt-get install -y postgresql-contrib)

bench-flashsale: $(STAMP) services bench-tools
	$(BIN)/python bench/flashsale.py --json
