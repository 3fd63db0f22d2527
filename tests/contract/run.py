"""Contract fuzzing: schemathesis against openapi.yaml on the stack that `make test` starts.

Run as the test command of `local/stack.py test` (it reads the stack file named by
ORDERDESK_STACK) with the virtualenv's Python:

    python3 local/stack.py test --gateway target/debug/orderdesk-local -- \
        .local/venv/bin/python tests/contract/run.py

1. checks openapi.yaml: OpenAPI 3.1 structure, every schema and pattern, every example against
   its schema (openapi-spec-validator);
2. runs schemathesis four times with every check on (schemathesis 4 runs them all unless
   told otherwise) and the settings and deliberate exceptions of tests/contract/schemathesis.toml,
   the one file that lists and explains them:
   `admin` — the admin's token on every /admin route and the public link routes;
   `token` — an API client's id and secret (HTTP Basic) on the token endpoint;
   `customer` — a customer login's token on every customer route;
   `act-as` — the admin's token with X-Act-As (that login) on every customer route.
   Before each of the admin run and the customer runs it makes, through the API as a client
   would, two products, a customer account with ordering on, a login of it that signs in with a
   password, and an order of that login, so that the runs meet real ids and a real session.

Exit status 0 only when the document is valid and no run found a failure. The last line is
the figures the README quotes: runs, operations, test cases, seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OPENAPI = ROOT / "openapi.yaml"
CONFIG = HERE / "schemathesis.toml"
REPORTS = ROOT / "target" / "contract"
PASSWORD = "Contract-fuzz-1"
# The routes an admin token is for, and the public link routes.
ADMIN_AND_PUBLIC = r"^/(admin|invitations|email-changes)/"
# The API clients' token endpoint: public, with an API client's Basic credentials and no
# token, in a run of its own.
TOKEN_ENDPOINT = r"^/oauth2/token$"
# Every route but the customer routes.
NOT_CUSTOMER = r"^/(admin|invitations|email-changes|oauth2)/"
# Schemathesis itself, in this process's interpreter. Hypothesis names every filter it builds
# by reading the lambda's source file with `ast.parse`; deep in schemathesis's coverage phase
# that parse of its 4,500-line module fails on CPython 3.11 with "SystemError: AST constructor
# recursion depth mismatch", and the operation ends in an error. The name is only for messages,
# so a failed parse gets a placeholder name instead.
SCHEMATHESIS = """
import sys
from hypothesis.internal import lambda_sources

describe = lambda_sources.lambda_description

def lambda_description(f):
    try:
        return describe(f)
    except SystemError:
        return "lambda: <source not shown>"

lambda_sources.lambda_description = lambda_description
sys.setrecursionlimit(20000)
from schemathesis.cli import schemathesis
sys.exit(schemathesis())
"""


def say(message: str) -> None:
    print(f"[contract] {message}", flush=True)


def check_document() -> None:
    """openapi-spec-validator, reading `pattern`s as ECMA-262 with the `u` flag.

    JSON Schema patterns are ECMA-262 regular expressions, and the text rules use Unicode
    property escapes (`\\p{L}`), which need the `u` flag. openapi-schema-validator reads
    patterns with `regress` (ECMA-262) but without flags, where `\\p` is a plain `p`; this
    gives it the flag. Without `regress` it would fall back to Python's `re`, which has no
    `\\p{…}` at all.
    """
    import regress
    from openapi_schema_validator import _regex
    from openapi_spec_validator import validate

    _regex._REGEX_CLASS = lambda pattern: regress.Regex(pattern, "u")
    validate(yaml.safe_load(OPENAPI.read_text()))
    say("openapi.yaml is valid OpenAPI 3.1 (schemas, patterns and examples)")


class Api:
    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, status: int, method: str, path: str, body=None, headers=None):
        got, answer = self.call(method, path, body, headers)
        if got != status:
            raise SystemExit(f"[contract] setting up: {method} {path} answered {got}: {answer}")
        return answer


def sign_in(stack: dict, email: str, password: str) -> str:
    idp = boto3.client("cognito-idp", endpoint_url=stack["aws_endpoint"],
                       region_name=stack["region"], aws_access_key_id="test",
                       aws_secret_access_key="test")
    answer = idp.initiate_auth(ClientId=stack["user_pool_client_id"],
                               AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": email, "PASSWORD": password})
    return answer["AuthenticationResult"]["IdToken"]


def fixtures(stack: dict) -> dict:
    """What the runs sign in with and act as, made through the API as a client would."""
    admin = Api(stack["api_url"], sign_in(stack, stack["admin_email"], stack["admin_password"]))
    word = uuid.uuid4().hex[:8]
    skus = [f"FUZZ-{word}-1", f"FUZZ-{word}-2"]
    for sku, amount in zip(skus, (1250, 399)):
        admin.ok(201, "POST", "/admin/products",
                 {"sku": sku, "name": f"Fuzzed {sku}", "price": {"amount": amount, "currency": "EUR"}})
    customer = admin.ok(201, "POST", "/admin/customers",
                        {"name": "Contract Fuzzing Ltd", "email": f"fuzz-{word}@contract.example",
                         "ordering_enabled": True})
    email = f"buyer-{word}@contract.example"
    login = admin.ok(201, "POST", f"/admin/customers/{customer['customer_id']}/logins",
                     {"name": "Fuzz Buyer", "email": email, "mode": "password", "password": PASSWORD})
    buyer = Api(stack["api_url"], sign_in(stack, email, PASSWORD))
    buyer.ok(201, "POST", "/orders", {"lines": [{"sku": skus[0], "quantity": 2}]},
             {"Idempotency-Key": f"contract-{word}"})
    client = admin.ok(201, "POST", "/admin/api-clients",
                      {"name": f"Test client fuzz {word}", "scopes": ["orders:read"]})
    return {"admin_token": admin.token, "customer_token": buyer.token,
            "login_id": login["login_id"],
            "client": f"{client['client_id']}:{client['client_secret']}"}


def config_for(name: str, headers: dict[str, str]) -> Path:
    """schemathesis.toml, with the run's fixed header values among its `[parameters]`.

    A fixed parameter is sent as given and never mutated; a header given with `-H` instead can
    be reported as a mutated one in the stateful phase although the fixed value was sent.
    """
    if not headers:
        return CONFIG
    fixed = "".join(f'"header.{h}" = {json.dumps(v)}\n' for h, v in headers.items())
    text = CONFIG.read_text()
    assert "\n[parameters]\n" in text, "schemathesis.toml has a [parameters] table"
    path = REPORTS / f"{name}.toml"
    path.write_text(text.replace("\n[parameters]\n", "\n[parameters]\n" + fixed, 1))
    return path


def schemathesis(stack: dict, name: str, token: str, select: list[str],
                 headers: dict[str, str]) -> tuple[int, dict]:
    """One run; its exit code and its figures from the JSON report. A `token` of the form
    `id:secret` (an API client's) is sent as HTTP Basic, any other as a Bearer token."""
    report = REPORTS / f"{name}.json"
    report.unlink(missing_ok=True)
    config = config_for(name, headers)
    argv = [sys.executable, "-c", SCHEMATHESIS, "--config-file", str(config), "run",
            str(OPENAPI), "--url", stack["api_url"], "--no-color",
            "--report", "json", "--report-json-path", str(report),
            *(["--auth", token] if token.startswith("cli_") else
              ["-H", f"Authorization: Bearer {token}"]), *select]
    say(f"run {name}: {' '.join(select)} {' '.join(headers)}")
    started = time.monotonic()
    code = subprocess.call(argv, cwd=ROOT)
    figures = {"seconds": time.monotonic() - started, "operations": 0, "cases": 0}
    if report.exists():
        summary = json.loads(report.read_text())
        figures.update(operations=operations_of(summary), cases=cases_of(summary))
    say(f"run {name}: exit {code}, {figures['operations']} operations, "
        f"{figures['cases']} test cases, {figures['seconds']:.0f} s")
    return code, figures


def operations_of(report: dict) -> int:
    return int(report.get("operations", {}).get("tested", 0))


def cases_of(report: dict) -> int:
    return int(report.get("test_cases", {}).get("generated", 0))


def main() -> int:
    stack = json.loads(Path(os.environ.get("ORDERDESK_STACK", ROOT / ".local/stack.json")).read_text())
    REPORTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    check_document()
    failed, operations, cases = [], 0, 0

    def run(name, token, select, parameters=None):
        nonlocal operations, cases
        code, figures = schemathesis(stack, name, token, select, parameters or {})
        operations += figures["operations"]
        cases += figures["cases"]
        if code != 0:
            failed.append(name)

    # The admin run changes and deletes what it finds (its stateful phase follows real ids),
    # so the customer runs get a customer, login and order of their own, made after it.
    made = fixtures(stack)
    run("admin", made["admin_token"], ["--include-path-regex", ADMIN_AND_PUBLIC], {})
    run("token", made["client"], ["--include-path-regex", TOKEN_ENDPOINT], {})
    made = fixtures(stack)
    say(f"signed in as a new login, {made['login_id']}")
    run("customer", made["customer_token"], ["--exclude-path-regex", NOT_CUSTOMER])
    run("act-as", made["admin_token"], ["--exclude-path-regex", NOT_CUSTOMER],
        {"X-Act-As": made["login_id"]})
    runs = ["admin", "token", "customer", "act-as"]
    seconds = time.monotonic() - started
    say(f"{len(runs)} runs, {operations} operations, {cases} test cases, {seconds:.0f} s"
        + (f"; failed: {', '.join(failed)}" if failed else "; no failures"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
