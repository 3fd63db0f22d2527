"""The command line: `install` and `install-browser` run here with the system's Python; `dev`,
`up` and `test` take the supervisor lock, install what is missing, re-execute this program
with .local/venv/bin/python (the lock's descriptor survives exec) and run the supervisor there.

Standard library only until the re-exec: the supervisor is imported after it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .common import DEFAULT_GATEWAY, ENTRY_POINT, VENV, VENV_PYTHON, StackError
from .install import install, install_browser
from .processes import LOCK_FD_ENV, acquire_lock, dev_ports, inherited_lock_fd


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
        fd = inherited_lock_fd(args.command) if in_venv else None
        if fd is None:
            url = "" if args.command == "test" else \
                f"http://127.0.0.1:{dev_ports()['gateway']}"
            fd = acquire_lock(args.command, url)
        install()
        if not in_venv:
            # Stage one ends here: boto3 and moto live in the venv. The flock survives exec.
            env = dict(os.environ, **{LOCK_FD_ENV: str(fd)})
            script = str(ENTRY_POINT)
            os.execve(str(VENV_PYTHON), [str(VENV_PYTHON), script, *sys.argv[1:]], env)
        from .supervisor import Supervisor

        return Supervisor(args).run()
    except StackError as error:
        print(f"[stack] {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130
