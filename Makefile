# raft-playground: the two commands a fresh machine needs.
#
#   make serve   install what is missing, then serve the page (trunk serve)
#   make test    install what is missing, then run every test layer
#
# One layer alone: make lint | test-native | test-wasm | build | size | test-e2e
# Installs are idempotent: each tool is checked first and skipped when present
# at the right version (scripts/install-wasm-tools.sh, scripts/install-test-tools.sh).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# cargo-installed tools (trunk, wasm-bindgen) and npm build tools (wasm-opt, esbuild).
export PATH := $(CURDIR)/tools/node_modules/.bin:$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)

HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: help serve test setup setup-wasm setup-test lint fmt test-native test-wasm build size test-e2e bench clean

help:
	@echo "make serve        install the wasm tool chain, serve the page at http://$(HOST):$(PORT)/"
	@echo "make test         install everything, run all layers (lint native wasm build size e2e)"
	@echo "make lint         cargo fmt --check + cargo clippy, warnings denied"
	@echo "make test-native  cargo test"
	@echo "make test-wasm    wasm-bindgen tests (tests/wasm.rs) in headless Chromium"
	@echo "make build        release build of the page: trunk build --release --offline -> dist/"
	@echo "make size         release build + gzip size of every file in dist/; first load against the budget (290 KB)"
	@echo "make test-e2e     release build + Playwright tests (tests/e2e) against dist/ served under /raft-playground/"
	@echo "make bench        the page's speed, the native CLI's, memory and weight (tests/e2e/bench.mjs; not a test)"
	@echo "make setup        install everything without running anything"
	@echo "make fmt          cargo fmt"

setup-wasm:
	@bash scripts/install-wasm-tools.sh

setup-test: setup-wasm
	@bash scripts/install-test-tools.sh

setup: setup-test

# A debug build with live reload, in dist-dev/ so that dist/ only ever holds
# the release build the size and e2e layers test.
serve: setup-wasm
	@echo
	@echo "==> serving the page at http://$(HOST):$(PORT)/  (Ctrl-C stops; PORT=... to change)"
	@echo
	trunk serve --offline --address $(HOST) --port $(PORT) --dist dist-dev

test: setup-test
	@bash scripts/test.sh all

lint: setup-wasm
	@bash scripts/test.sh lint

test-native:
	@bash scripts/test.sh native

test-wasm: setup-test
	@bash scripts/test.sh wasm

build: setup-wasm
	@bash scripts/test.sh build

size: setup-wasm
	@bash scripts/test.sh build size

test-e2e: setup-test
	@bash scripts/test.sh build e2e

# Figures, not a test: needs the release dist/ (make build) and the release CLI.
bench: setup-test
	cargo build --release
	node tests/e2e/bench.mjs

fmt:
	cargo fmt

clean:
	rm -rf dist dist-dev tests/e2e/artifacts
	cargo clean
