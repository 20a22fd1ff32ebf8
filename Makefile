# newscrawl: the README's commands. `make demo` and `make test` each set everything up first.
.PHONY: setup demo test lint bench serve-demo stop-store clean

VENV := .venv
BIN := $(VENV)/bin

setup:
	@bash scripts/setup.sh

## The main job: crawl the bundled offline demo site into the embedded store, show what was stored.
demo: setup
	@bash scripts/demo.sh

## Lint, type-check and run the whole test suite.
test: setup
	@$(BIN)/ruff check .
	@$(BIN)/mypy
	@$(BIN)/python -m pytest

## End-to-end crawl benchmark on a generated 2,000-page local site, with its baselines.
bench: setup
	@$(BIN)/python -m bench.crawl

lint: setup
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check crawler pipelines settings demo bench tests
	@$(BIN)/mypy

## Serve the demo site on http://127.0.0.1:8760/ in the foreground (for crawling it by hand).
serve-demo: setup
	@$(BIN)/python -m demo.server --port 8760

## Stop the embedded MongoDB-protocol server that crawls leave running for consumers.
stop-store: setup
	@$(BIN)/scrapy store stop

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info
