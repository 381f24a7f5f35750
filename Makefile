# Developer shortcuts; every target is also a plain command in the README or docs.
.PHONY: demo test lint golden bench schemas

demo:            ## design -> demo data -> score, on the bundled example
	bash scripts/demo

test:            ## the whole test suite (start a local Postgres first for the backend tests: see README)
	uv run pytest

lint:
	uv run ruff check . && uv run ruff format --check . && uv run mypy

golden:          ## regenerate golden files, then review them with `git diff tests/golden`
	uv run pytest tests/test_golden.py --update-golden

schemas:
	uv run csa schema -o schemas

bench:
	uv run python bench/design.py
