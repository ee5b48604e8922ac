# civicnet: `make run` sets everything up and serves the app; `make test` sets up and runs every test.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
TEST_PG_URL ?= postgresql+psycopg://127.0.0.1:5432/test

.PHONY: run test install install-dev assets db lint format clean

run: install assets .env db
	@echo ""
	@echo "  civicnet prints its address below once it is serving (HOST and PORT choose it)."
	@echo "  Demo sign-ins (password for each: civicnet demo password):"
	@echo "    amira, dafydd, grace   citizens"
	@echo "    priya, tom, morag      public servants"
	@echo "    sam                    moderator"
	@echo "    admin                  admin"
	@echo "  Emails (verification and reset links) are printed in this log."
	@echo ""
	$(BIN)/python app.py

# The Python and npm installs run side by side (-j2).
test:
	$(MAKE) -j2 --no-print-directory install-dev assets
	$(MAKE) --no-print-directory lint
	@# With PYTHONDONTWRITEBYTECODE set (as here and on CI), no process writes .pyc files: compile
	@# civicnet once, or every server, indexer and command the tests start compiles it again.
	$(BIN)/python -m compileall -q civicnet app.py
	TEST_PG_URL=$(TEST_PG_URL) scripts/test-all

install: $(BIN)/.runtime-installed
install-dev: $(BIN)/.dev-installed

$(BIN)/.runtime-installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Both files in one pip run (one resolution: a few seconds less than two); it installs what `install` would too.
# pip upgrades itself first: Debian's pip 23 takes 27 s over these files, the current one 16 s.
$(BIN)/.dev-installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(BIN)/.runtime-installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: static/dist/civicnet.css static/dist/govuk-frontend.min.js

static/dist/civicnet.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build:css

static/dist/govuk-frontend.min.js: node_modules/.installed static/scss/copy-assets.mjs
	npm run --silent build:js

.env:
	@echo "SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))')" > .env
	@echo "Created .env with a random SECRET_KEY."

db: install .env
	$(FLASK) db upgrade
	$(FLASK) seed-demo

lint: install-dev
	$(BIN)/ruff check civicnet app.py tests bench
	$(BIN)/ruff format --check civicnet app.py tests bench
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format civicnet app.py tests bench
	$(BIN)/ruff check --fix civicnet app.py tests bench

clean:
	rm -rf $(VENV) node_modules static/dist

# Real-time benchmark: civicnet against bare Node and Flask-SocketIO relays, every goal beside its target in
# docs/PERFORMANCE.md (about 8 minutes, 127.0.0.1 only, its own redis-server). Pass options through BENCH_ARGS,
# e.g. BENCH_ARGS="--rounds 1 --quick --no-report" for a 3-minute check that leaves the docs alone.
.PHONY: bench
bench: install-dev bench/node_modules/.installed
	$(BIN)/python bench/fanout.py $(BENCH_ARGS)

# Search benchmark: civicnet's Whoosh search against SQLite FTS5 over 100,000 generated messages; writes the
# search section of docs/PERFORMANCE.md (about 7 minutes). Pass options through BENCH_ARGS, e.g.
# BENCH_ARGS="--messages 10000 --people 1000 --no-report" for a quick check that leaves the docs alone.
.PHONY: bench-search
bench-search: install-dev
	$(BIN)/python bench/search.py $(BENCH_ARGS)

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund
	touch $@
