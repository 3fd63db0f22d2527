"""Where the local stack keeps things, and how it speaks to the person at the terminal.

Standard library only: stage one (the system's Python) imports it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
LOCAL = ROOT / ".local"
VENV = LOCAL / "venv"
VENV_PYTHON = VENV / "bin" / "python"
TEMPLATE = ROOT / "template.yaml"
# Run with the stack's arguments after the re-exec into the venv.
ENTRY_POINT = ROOT / "local" / "stack.py"
# `make dev` and `make test` build it; `up` and `test --no-gateway` read the template with it.
DEFAULT_GATEWAY = ROOT / "target" / "debug" / "orderdesk-local"

REGION = "us-east-1"


class StackError(Exception):
    """A failure with a message meant for the person at the terminal."""


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def warn(message: str) -> None:
    print(f"[stack] warning: {message}", file=sys.stderr, flush=True)
