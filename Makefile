# Orderdesk: the two commands are `make dev` and `make test`. Each installs what it needs
# (into git-ignored .local/) on first use.

SHELL := /bin/bash
PYTHON ?= python3
STACK := $(PYTHON) local/stack.py
VENV := .local/venv/bin
ARCH ?= arm64

.PHONY: dev test install lint unit package deploy-console clean help

help:
	@echo "make dev      start the portal locally (local AWS services, gateway, demo data)"
	@echo "make test     fmt, clippy, cfn-lint and every test against a throw-away local stack"
	@echo "make package  build every function for Lambda with cargo-lambda (ARCH=arm64|x86_64)"

install:
	@$(STACK) install

dev: install
	cargo build -p orderdesk-local
	@$(STACK) dev --gateway target/debug/orderdesk-local

lint: install
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(VENV)/cfn-lint template.yaml

test: lint
	cargo build --workspace --all-targets
	@$(STACK) test --gateway target/debug/orderdesk-local -- cargo test --workspace --all-targets

package: install
	@if [ "$(ARCH)" = arm64 ] && ! rustup target list --installed 2>/dev/null | grep -q aarch64-unknown-linux-gnu; then \
	  echo "make package: the Rust target aarch64-unknown-linux-gnu is not installed (rustup target add aarch64-unknown-linux-gnu)"; exit 1; fi
	$(VENV)/pip install --quiet ziglang
	PATH="$(CURDIR)/$(VENV):$$PATH" $(VENV)/cargo-lambda lambda build --release --$(ARCH) --bin customers --bin logins --bin invitations --bin catalog --bin order-submission --bin orders --bin order-confirmation --bin notifier --bin housekeeping

clean:
	rm -rf .local/test
