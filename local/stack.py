#!/usr/bin/env python3
"""Orderdesk's local stack: installs and supervises the servers that stand in for AWS.

    python3 local/stack.py install                 tools into .local/ (idempotent, fast on re-run)
    python3 local/stack.py install-browser         Debian's chromium and npm's playwright-core, for
                                                   the browser tests (tests/browser)
    python3 local/stack.py dev [--gateway PATH]    `make dev`: servers + gateway + demo data, until Ctrl-C
    python3 local/stack.py up                      the servers only (no gateway), until Ctrl-C
    python3 local/stack.py test [--gateway PATH | --no-gateway] -- CMD...
                                                   `make test`: a throw-away stack on free ports, runs CMD

The work is done by the package local/stack/ (its docstring maps the modules). This file only
starts it, with the system's Python 3.11 and its standard library; the package re-executes
this file with .local/venv/bin/python once the virtualenv exists.
"""

import sys
from pathlib import Path

# The package beside this file, also under PYTHONSAFEPATH (a package wins over this module).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
