"""The supervisor of one local stack (`dev`, `up` or `test`): starts DynamoDB Local and moto,
provisions them, starts the gateway, seeds the demo data (dev), then watches its children
until Ctrl-C (dev, up) or runs the test command and exits with its code (test). Whatever
happens, it stops every child and removes the files that say a stack is up.

Stage two: runs inside the venv.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import provision
from .common import DEFAULT_GATEWAY, LOCAL, REGION, ROOT, TEMPLATE, VENV, StackError, say, warn
from .install import find_java, read_install_stamp
from .processes import (Child, dev_ports, free_ports, http_status, port_is_free,
                        release_lock, tail)
from .seed import DEMO_TIER, DemoData

STARTUP_TIMEOUT = 120  # seconds; generous because the machine may be busy compiling


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM: stop everything and exit 0."""


class Supervisor:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.mode = args.command  # dev | up | test
        self.state = LOCAL / ("test" if self.mode == "test" else "dev")
        self.logs = self.state / "logs"
        self.stack_file = LOCAL / "test" / "stack.json" if self.mode == "test" \
            else LOCAL / "stack.json"
        self.children: list[Child] = []
        self.stamp = read_install_stamp()
        self.stopping = False
        self.with_gateway = self.mode == "dev" or (self.mode == "test" and not args.no_gateway)
        if self.mode == "test":
            gateway, dynamodb, moto = free_ports(3)
            self.ports = {"gateway": gateway, "dynamodb": dynamodb, "moto": moto}
        else:
            self.ports = dev_ports()
        self.api_url = f"http://127.0.0.1:{self.ports['gateway']}"
        self.moto_url = f"http://127.0.0.1:{self.ports['moto']}"
        self.dynamodb_url = f"http://127.0.0.1:{self.ports['dynamodb']}"
        self.name = "orderdesk-test" if self.mode == "test" else "orderdesk-dev"
        self.gateway = Path(args.gateway).resolve() if self.with_gateway else None
        # Reads template.yaml for provisioning: the gateway's binary, else the default build.
        self.template_reader = Path(getattr(args, "gateway", None) or DEFAULT_GATEWAY).resolve()
        self.demo_login: dict | None = None
        self._clean_aws_environment()

    @staticmethod
    def _clean_aws_environment() -> None:
        """Nothing may reach a real account: drop profiles, session tokens and endpoints."""
        for key in list(os.environ):
            if key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                       "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN",
                       "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") \
                    or key.startswith("AWS_ENDPOINT_URL_"):
                del os.environ[key]
        os.environ.update({"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
                           "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                           "AWS_EC2_METADATA_DISABLED": "true"})

    def app_env(self, stack: dict) -> dict[str, str]:
        """The environment of the gateway and of the test command."""
        env = dict(os.environ)
        env.update({
            "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_url,
            # The stream pump reads the table's stream from DynamoDB Local too.
            "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": self.dynamodb_url,
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": self.moto_url,
            "AWS_ENDPOINT_URL_SESV2": self.moto_url,
            "AWS_ENDPOINT_URL_SES": self.moto_url,
            "AWS_ENDPOINT_URL_KMS": self.moto_url,
            # The stack's event bus, and the queues a test's rule delivers to.
            "AWS_ENDPOINT_URL_EVENTBRIDGE": self.moto_url,
            "AWS_ENDPOINT_URL_SQS": self.moto_url,
            "TABLE_NAME": stack["table_name"],
            "USER_POOL_ID": stack["user_pool_id"],
            "USER_POOL_CLIENT_ID": stack["user_pool_client_id"],
            "SENDER_EMAIL": stack["sender_email"],
            "SELLER_NOTIFY_EMAIL": stack["seller_notify_email"],
            "PORTAL_URL": stack["console_url"],
            "SECRETS_KEY_ID": stack["secrets_key_id"],
            "EVENT_BUS_NAME": stack["event_bus_name"],
            "WEBHOOK_QUEUE_URL": stack["webhook_queue_url"],
            # `${AWS::StackName}` in the template's queue names: the gateway's queue pump
            # finds each queue by the name the template gives it.
            "ORDERDESK_STACK_NAME": self.name,
            # Webhooks may go to http:// loopback addresses (tests' receivers) in the local
            # stack only; template.yaml never sets it.
            "ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK": "1",
            "PORT": str(self.ports["gateway"]),
            "RUST_LOG": os.environ.get("RUST_LOG") or "info",
            "ORDERDESK_TEMPLATE": str(TEMPLATE),
            "ORDERDESK_DEV_MAILBOX": "1",
        })
        return env

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        try:
            return self._run()
        except Interrupted:
            say("stopping")
            return 0
        except StackError as error:
            print(f"[stack] {error}", file=sys.stderr, flush=True)
            return 1
        finally:
            self.teardown()

    def _on_signal(self, signum, _frame) -> None:
        if self.stopping:
            return
        self.stopping = True
        raise Interrupted()

    def teardown(self) -> None:
        self.stopping = True
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        for child in reversed(self.children):
            child.stop(timeout=10)
        if self.mode != "test":
            (self.state / "children.json").unlink(missing_ok=True)
            (self.state / "env.sh").unlink(missing_ok=True)
        # The file means "a stack is up": it must not outlive the stack.
        self.stack_file.unlink(missing_ok=True)
        release_lock(self.mode)

    def _run(self) -> int:
        self._prepare_state()
        spec = provision.describe_template(self.template_reader)
        self._start_servers()
        stack = self._provision(spec)
        if self.with_gateway:
            self._start_gateway(stack)
        if self.mode == "dev":
            self._seed(stack, spec)
        if self.mode == "test":
            return self._run_command(stack)
        if self.mode == "up":
            self._write_env_file(stack)
        self._announce(stack)
        return self._watch()

    def _write_env_file(self, stack: dict) -> None:
        """`up` runs no gateway: this file lets one run by hand against the same servers."""
        import shlex

        env = self.app_env(stack)
        keys = [k for k in env if k.startswith("AWS_") or k in (
            "TABLE_NAME", "USER_POOL_ID", "USER_POOL_CLIENT_ID", "SENDER_EMAIL",
            "SELLER_NOTIFY_EMAIL", "PORTAL_URL", "SECRETS_KEY_ID", "EVENT_BUS_NAME",
            "WEBHOOK_QUEUE_URL", "ORDERDESK_STACK_NAME", "ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK",
            "PORT", "RUST_LOG", "ORDERDESK_TEMPLATE")]
        lines = [f"export {k}={shlex.quote(env[k])}" for k in sorted(keys)]
        lines.append("unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN")
        (self.state / "env.sh").write_text("\n".join(lines) + "\n")

    def _prepare_state(self) -> None:
        if self.mode == "test":
            for stale in (self.stack_file, self.state / "moto-signing-key.pem"):
                stale.unlink(missing_ok=True)
            shutil.rmtree(self.logs, ignore_errors=True)
        else:
            self._kill_orphans()
            busy = [f"{port} ({name})" for name, port in self.ports.items()
                    if (name != "gateway" or self.with_gateway) and not port_is_free(port)]
            if busy:
                raise StackError(
                    f"port {', '.join(busy)} is in use by another program; stop it or choose "
                    "other ports with PORT, DYNAMODB_PORT and MOTO_PORT")
            self.stack_file.unlink(missing_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        if self.with_gateway and not (self.gateway.is_file() and os.access(self.gateway, os.X_OK)):
            raise StackError(
                f"gateway binary not found: {self.gateway} (build it with "
                "`cargo build -p orderdesk-local`, or pass --gateway PATH)")
        reader = self.template_reader
        if not (reader.is_file() and os.access(reader, os.X_OK)):
            hint = ", or pass --gateway PATH" if self.mode == "test" else ""
            raise StackError(
                f"{reader} not found: the table and user pool are made as "
                f"`orderdesk-local describe-template` reads them from template.yaml; build it "
                f"with `cargo build -p orderdesk-local`{hint}")

    def _kill_orphans(self) -> None:
        """Servers left behind by a supervisor that was killed outright (kill -9)."""
        record = self.state / "children.json"
        try:
            orphans = json.loads(record.read_text())
        except (OSError, ValueError):
            return
        for orphan in orphans:
            try:
                cmdline = Path(f"/proc/{orphan['pid']}/cmdline").read_bytes().decode(
                    "utf-8", "replace")
            except OSError:
                continue
            if orphan.get("marker") and orphan["marker"] in cmdline:
                warn(f"stopping {orphan['name']} (pid {orphan['pid']}) left by an earlier run")
                try:
                    os.killpg(orphan["pid"], signal.SIGTERM)
                    for _ in range(50):
                        time.sleep(0.1)
                        if not Path(f"/proc/{orphan['pid']}").exists():
                            break
                    else:
                        os.killpg(orphan["pid"], signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        record.unlink(missing_ok=True)

    def _record_children(self) -> None:
        if self.mode == "test":
            return
        # The marker guards against a recycled pid: the process must still run our program.
        record = [{"name": c.name, "pid": c.proc.pid, "marker": c.marker}
                  for c in self.children if c.proc]
        (self.state / "children.json").write_text(json.dumps(record))

    def _start(self, child: Child) -> Child:
        self.children.append(child)
        child.start()
        self._record_children()
        return child

    def _start_servers(self) -> None:
        java = self.stamp.get("java") or find_java()
        jar, lib = self.stamp.get("dynamodb_jar"), self.stamp.get("dynamodb_lib")
        storage = ["-inMemory"] if self.mode == "test" else \
            ["-dbPath", str(self.state / "dynamodb")]
        if self.mode != "test":
            (self.state / "dynamodb").mkdir(parents=True, exist_ok=True)
        dynamodb = self._start(Child(
            "DynamoDB Local",
            [java, "-Xms64m", f"-Djava.library.path={lib}", "-jar", jar, "-port",
             str(self.ports["dynamodb"]), "-sharedDb", "-disableTelemetry", *storage],
            dict(os.environ), self.logs / "dynamodb.log", marker=str(jar)))
        moto_env = dict(os.environ,
                        MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY="HASH",
                        MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY="HASH")
        # moto_server with a cheaper clock (see moto_server.py): the same server otherwise.
        moto_script = str(Path(__file__).with_name("moto_server.py"))
        moto = self._start(Child(
            "moto", [str(VENV / "bin" / "python"), moto_script, "-H", "127.0.0.1", "-p",
                     str(self.ports["moto"])], moto_env, self.logs / "moto.log",
            marker=moto_script))

        probe = provision.client("dynamodb", self.dynamodb_url, probe=True)
        self._wait_for("DynamoDB Local", dynamodb, lambda: probe.list_tables(Limit=1) and True)
        self._wait_for("moto", moto,
                       lambda: http_status(f"{self.moto_url}/moto-api/") is not None)

    def _wait_for(self, name: str, child: Child, ready) -> None:
        started = time.monotonic()
        while True:
            if child.exited() is not None:
                raise StackError(f"{child.describe_exit()}\n{name} did not start")
            try:
                if ready():
                    say(f"{name} is ready ({time.monotonic() - started:.1f}s)")
                    return
            except Exception:  # noqa: BLE001 - not answering yet
                pass
            if time.monotonic() - started > STARTUP_TIMEOUT:
                log = f"; see {child.log.relative_to(ROOT)}" if child.log else ""
                raise StackError(f"{name} was not ready after {STARTUP_TIMEOUT}s{log}")
            time.sleep(0.2)

    def _provision(self, spec: dict) -> dict:
        """Creates what the functions expect; the stack's sign-ins, written to the stack file."""
        idp = provision.client("cognito-idp", self.moto_url)
        table = provision.create_table(provision.client("dynamodb", self.dynamodb_url), spec,
                                       self.name)
        pool_id, client_id = provision.create_user_pool(idp, spec, self.name)
        provision.create_sender_identity(provision.client("sesv2", self.moto_url))
        secrets_key = provision.create_secrets_key(provision.client("kms", self.moto_url),
                                                   self.name)
        bus = provision.create_event_bus(provision.client("events", self.moto_url), self.name)
        webhook_queue = provision.create_webhook_queue(provision.client("sqs", self.moto_url),
                                                       self.name)
        saved = None if self.mode == "test" else self.state / "admin-password"
        password = provision.create_admin(idp, pool_id, provision.password_policy(spec), saved)
        stack = {
            "api_url": self.api_url,
            "token_url": f"{self.api_url}/oauth2/token",
            "console_url": f"{self.api_url}/",
            "aws_endpoint": self.moto_url,
            "dynamodb_endpoint": self.dynamodb_url,
            "region": REGION,
            "table_name": table,
            "user_pool_id": pool_id,
            "user_pool_client_id": client_id,
            "sender_email": provision.SENDER_EMAIL,
            "seller_notify_email": provision.SELLER_NOTIFY_EMAIL,
            "secrets_key_id": secrets_key,
            "event_bus_name": bus,
            "webhook_queue_url": webhook_queue,
            "admin_email": provision.ADMIN_EMAIL,
            "admin_password": password,
        }
        provision.write_moto_signing_key(self.stack_file.parent / "moto-signing-key.pem")
        self._write_stack(stack)
        say(f"wrote {self.stack_file.relative_to(ROOT)}")
        return stack

    def _write_stack(self, stack: dict) -> None:
        tmp = self.stack_file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(stack, indent=2) + "\n")
        tmp.replace(self.stack_file)

    def _start_gateway(self, stack: dict) -> None:
        log = self.logs / "gateway.log" if self.mode == "test" else None
        gateway = self._start(Child("gateway", [str(self.gateway), "serve"],
                                    self.app_env(stack), log, cwd=ROOT))
        self._wait_for("gateway", gateway,
                       lambda: http_status(f"{self.api_url}/healthz") == 200)

    def _seed(self, stack: dict, spec: dict) -> None:
        idp = provision.client("cognito-idp", self.moto_url)
        self.demo_login = DemoData(stack, idp, self.state, provision.password_policy(spec)).seed()
        if self.demo_login:
            # Beside the admin's sign-in, for scripts.
            stack["demo_customer_email"] = self.demo_login["email"]
            stack["demo_customer_password"] = self.demo_login["password"]
            self._write_stack(stack)

    def _announce(self, stack: dict) -> None:
        lines = ["", "Orderdesk local stack is up" + (" (make dev)" if self.mode == "dev" else "")]
        if self.mode == "dev":
            lines += [f"  console   {stack['console_url']}",
                      f"  API       {stack['api_url']}",
                      f"  mailbox   {stack['api_url']}/dev/mailbox",
                      f"  admin     {stack['admin_email']}",
                      f"  password  {stack['admin_password']}"]
            demo = self.demo_login
            if demo:
                lines += [f"  customer  {demo['email']}  ({demo['customer']}, "
                          f"{DEMO_TIER['name']} prices)",
                          f"  password  {demo['password']}"]
        else:
            lines += [f"  admin     {stack['admin_email']} / {stack['admin_password']}",
                      f"  gateway   not started; to run one by hand: "
                      f". {(self.state / 'env.sh').relative_to(ROOT)} && "
                      "cargo run -p orderdesk-local -- serve"]
        lines += [f"  moto      {stack['aws_endpoint']}  (sent emails: "
                  f"{stack['aws_endpoint']}/moto-api/data.json)",
                  f"  DynamoDB  {stack['dynamodb_endpoint']}  (table {stack['table_name']})",
                  f"  stack     {self.stack_file.relative_to(ROOT)}",
                  f"  logs      {self.logs.relative_to(ROOT)}/",
                  "Press Ctrl-C to stop.", ""]
        print("\n".join(lines), flush=True)

    def _watch(self) -> int:
        while True:
            for child in self.children:
                if child.exited() is not None:
                    print(f"[stack] {child.describe_exit()}", file=sys.stderr, flush=True)
                    print("[stack] stopping the rest", file=sys.stderr, flush=True)
                    return 1
            time.sleep(0.5)

    def _run_command(self, stack: dict) -> int:
        env = self.app_env(stack)
        env["ORDERDESK_STACK"] = str(self.stack_file)
        env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        say(f"running: {' '.join(self.args.cmd)}")
        try:
            # The command shares our process group, so Ctrl-C reaches it directly.
            command = subprocess.Popen(self.args.cmd, env=env)
        except OSError as error:
            raise StackError(f"cannot run {self.args.cmd[0]}: {error}") from None

        interrupts = []

        def forward(signum, _frame):
            interrupts.append(signum)
            try:
                if len(interrupts) > 1:
                    command.kill()
                elif signum != signal.SIGINT:
                    command.send_signal(signum)
            except ProcessLookupError:
                pass

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, forward)
        while True:
            try:
                code = command.wait(0.5)
                break
            except subprocess.TimeoutExpired:
                died = [c for c in self.children if c.exited() is not None]
                if died:
                    for child in died:
                        print(f"[stack] {child.describe_exit()}", file=sys.stderr, flush=True)
                    command.terminate()
                    command.wait()
                    return 1
        if code < 0:
            code = 128 - code
        if code != 0 and not interrupts:
            self._print_log_tails()
        say(f"command exited with code {code}")
        return code

    def _print_log_tails(self) -> None:
        for child in self.children:
            last = tail(child.log, 30)
            if last:
                print(f"----- last lines of {child.log.relative_to(ROOT)} -----\n{last}",
                      file=sys.stderr, flush=True)
