# reform-kg: `make run` sets everything up and serves the shipped corpus; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup system browser run test test-fast lint bench clean

setup: $(VENV)/.installed

# Pinned: versions in pyproject.toml, the whole dependency tree in requirements.lock.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	# torch first, by its exact pin: that is the CPU build on this machine's disk (any other spec downloads CUDA)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $@

run: setup system
	$(BIN)/reform model install
	$(BIN)/reform ingest corpus/
	$(BIN)/reform serve --host 127.0.0.1 --port 8000

# Debian packages, installed with apt when missing (as root, as on CI); the package lists are
# refreshed once (when older than a day), whichever target installs first.
APT_INSTALL = { [ -n "$$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ] || apt-get update -qq; } && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

# OCR (tesseract with its Vietnamese data; poppler's pdftoppm renders PDF pages) and Word 97 .doc (antiword).
system:
	@missing=""; \
	{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie; } || missing="$$missing tesseract-ocr tesseract-ocr-vie"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v antiword >/dev/null || missing="$$missing antiword"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then $(APT_INSTALL) $$missing; \
	else echo "reform-kg reads scans and .doc files with Debian packages: install them with 'sudo apt-get install$$missing' (OCR and .doc ingest fail until then)"; fi

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { $(APT_INSTALL) chromium chromium-driver; }

# pytest exits 5 when it collects no test; that is reported, not hidden, and is not a failure of the code.
test: setup system browser
	@$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

# The tests that need neither the model nor a browser nor subprocesses and servers: offline, well under a minute.
test-fast: setup
	$(BIN)/python -m pytest -q -m "not model and not browser and not slow"

# Style, the import floors (import-linter contracts in pyproject.toml) and types (mypy over the packages).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/graph.py
	$(BIN)/python bench/web_load.py --data data

clean:
	rm -rf $(VENV) data .pytest_cache
