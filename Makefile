# Two commands for everybody:  make serve  (show the course)  and  make test  (run every test).
# Both create the Python environment (.venv) when needed. Building the book needs no npm;
# the tests and benchmarks use node tools (axe-core, vnu-jar, lighthouse: `npm ci`).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
KURS   := $(VENV)/bin/kurs
ENV_STAMP    := $(VENV)/.installed
NODE_STAMP   := node_modules/.installed

.PHONY: serve test test-fast build check env clean chromium

serve: $(ENV_STAMP)
	$(KURS) serve

test: $(ENV_STAMP) $(NODE_STAMP) chromium java
	@# pytest exits 5 when it collected no tests: that is a failure here, never a silent pass.
	@$(PY) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "Feil: pytest fant ingen tester å kjøre."; exit 1; fi; \
	exit $$rc

# Unit and content tests only: no browser, server, database server or book build (under a minute).
test-fast: $(ENV_STAMP)
	$(PY) -m pytest tests -m "not slow" -q

build: $(ENV_STAMP)
	$(KURS) build

check: $(ENV_STAMP)
	$(KURS) check

env: $(ENV_STAMP)

$(ENV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser tests use Debian's Chromium (Playwright cannot download its own browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Installer Chromium først: sudo apt-get install chromium"; exit 1; fi; }

# The Nu Html Checker (tests/test_html_valid.py) is a Java program (npm vnu-jar).
.PHONY: java
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else echo "Installer Java først: sudo apt-get install openjdk-17-jre-headless"; exit 1; fi; }

# The workshop store is tested against a real PostgreSQL server too: Debian's postgresql
# (the tests start the cluster), or a server named by KURS_TEST_PG_URL.
.PHONY: postgresql
test: postgresql
postgresql:
	@[ -n "$$KURS_TEST_PG_URL" ] || command -v pg_ctlcluster >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "Installer PostgreSQL først: sudo apt-get install postgresql (eller sett KURS_TEST_PG_URL)"; exit 1; fi; }

# Benchmarks: scripts that print a table of numbers (not tests) and write them, with the
# date and the machine, to benchmarks/RESULTS.md.
.PHONY: bench
bench: $(ENV_STAMP) $(NODE_STAMP) chromium
	$(PY) benchmarks/run.py

clean:
	rm -rf _build test-output
