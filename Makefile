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
	@echo "make test     fmt, clippy, cfn-lint, every test and the contract fuzzing against a throw-away local stack"
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
	@$(STACK) test --gateway target/debug/orderdesk-local -- $(VENV)/python tests/contract/run.py
	@$(STACK) install-browser
	@rm -rf target/screenshots
	@$(STACK) test --gateway target/debug/orderdesk-local -- node --test --test-concurrency=1 tests/browser/

package: install
	@if [ "$(ARCH)" = arm64 ] && ! rustup target list --installed 2>/dev/null | grep -q aarch64-unknown-linux-gnu; then \
	  echo "make package: the Rust target aarch64-unknown-linux-gnu is not installed (rustup target add aarch64-unknown-linux-gnu)"; exit 1; fi
	$(VENV)/pip install --quiet ziglang
	PATH="$(CURDIR)/$(VENV):$$PATH" $(VENV)/cargo-lambda lambda build --release --$(ARCH) --bin customers --bin logins --bin invitations --bin catalog --bin order-submission --bin orders --bin order-confirmation --bin notifier --bin publisher --bin integrations --bin deliverer --bin housekeeping

# Uploads console/ to the stack's bucket with a config.json written from the stack's outputs,
# then invalidates CloudFront. Needs the AWS CLI signed in to the stack's account.
STACK_NAME ?= orderdesk
deploy-console:
	@command -v aws >/dev/null || { echo "make deploy-console: needs the AWS CLI (aws) with credentials for the stack's account"; exit 1; }
	@mkdir -p target/console-deploy
	aws cloudformation describe-stacks --stack-name "$(STACK_NAME)" --query "Stacks[0].Outputs" --output json \
	  > target/console-deploy/outputs.json
	@$(PYTHON) -c 'import json, sys; o = {x["OutputKey"]: x["OutputValue"] for x in json.load(open(sys.argv[1]))}; \
	  json.dump({"api_url": o["ApiUrl"], "region": o["Region"], "user_pool_id": o["UserPoolId"], \
	  "user_pool_client_id": o["UserPoolClientId"]}, open(sys.argv[2], "w"), indent=2); \
	  open(sys.argv[3], "w").write(o["ConsoleBucketName"] + " " + o["ConsoleDistributionId"] + " " + o["ConsoleUrl"] + "\n")' \
	  target/console-deploy/outputs.json target/console-deploy/config.json target/console-deploy/targets
	@set -eu; read -r bucket distribution url < target/console-deploy/targets; \
	  aws s3 sync console/ "s3://$$bucket/" --delete --exclude config.json --cache-control no-cache; \
	  aws s3 cp target/console-deploy/config.json "s3://$$bucket/config.json" --cache-control no-cache --content-type application/json; \
	  aws cloudfront create-invalidation --distribution-id "$$distribution" --paths "/*" --query Invalidation.Id --output text; \
	  echo "console deployed: $$url"

clean:
	rm -rf .local/test

# The benchmark (README "Benchmark"): release builds of every function, the hello-world baseline
# and the gateway, run against a throw-away local stack. Progress goes to stderr; the one table
# to stdout (and target/bench.md).
.PHONY: bench
bench: install
	cargo build --release --workspace --bins
	@SCHEDULE_INTERVAL_SECONDS=0 $(STACK) test --gateway target/release/orderdesk-local -- \
	  target/release/orderdesk-bench --out target/bench.md 1>&2
	@cat target/bench.md

