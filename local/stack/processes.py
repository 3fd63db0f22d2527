"""The processes of the local stack and what they share: each server as a Child in its own
process group, the ports they listen on, and the supervisor lock that keeps two stacks of one
kind (dev and up, or test) from running at once in a checkout.

Standard library only: stage one takes the lock before the re-exec into the venv, and the
lock's file descriptor is inherited through exec.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from .common import LOCAL, ROOT, StackError, warn

LOCK_FD_ENV = "ORDERDESK_STACK_LOCK_FD"


def lock_path(mode: str) -> Path:
    return LOCAL / ("test" if mode == "test" else "dev") / "supervisor.lock"


def acquire_lock(mode: str, url: str) -> int:
    """Holds an exclusive flock for the supervisor's lifetime; a dead holder releases it."""
    path = lock_path(mode)
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
    lock_path(mode).unlink(missing_ok=True)


def inherited_lock_fd(mode: str) -> int | None:
    """The lock fd that stage one took and passed on through exec, if it is really ours."""
    value = os.environ.pop(LOCK_FD_ENV, "")
    if not value.isdigit():
        return None
    try:
        if Path(os.readlink(f"/proc/self/fd/{value}")) == lock_path(mode).resolve():
            return int(value)
    except OSError:
        pass
    return None


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


def dev_ports() -> dict[str, int]:
    """The fixed ports of `dev` and `up`: PORT, DYNAMODB_PORT and MOTO_PORT, else the defaults."""
    def port(name: str, default: int) -> int:
        value = os.environ.get(name, "")
        try:
            return int(value) if value else default
        except ValueError:
            raise StackError(f"{name}={value!r} is not a port number") from None

    return {"gateway": port("PORT", 3000), "dynamodb": port("DYNAMODB_PORT", 8000),
            "moto": port("MOTO_PORT", 5000)}


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
