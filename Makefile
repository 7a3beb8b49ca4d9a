# khaos-sync — the two commands:
#   make demo   set up everything and run the shop (make demo PORT=8001 for another port)
#   make test   set up everything and run lint, type checks and the test suite
# make test-quick runs the suite on SQLite without the slow tests, in parallel.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)

.PHONY: demo serve test test-quick lint types pytest install browser lock clean

demo: install
	$(BIN)/khaos-sync demo --port $(PORT)

serve: install
	$(BIN)/khaos-sync init
	$(BIN)/khaos-sync serve

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

browser:
	@test -x /usr/bin/chromium || { echo "installing Debian's Chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

test: install browser
	bash scripts/test.sh

test-quick: install
	env -u DATABASE_URL $(BIN)/python -m pytest -n auto --dist loadgroup -m "not slow"

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

types: install
	$(BIN)/mypy src/khaos_sync

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[test]"
	{ echo "# The exact dependency set CI tested. Regenerate with: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e'; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
