"""moto's server (`moto_server`), with its clock read the cheap way.

moto tells whether an SQS message is visible or delayed by the wall clock, which it reads as
`datetime.now(UTC) - datetime.fromtimestamp(0, UTC)`: two datetimes built per message and per
look. Every `SendMessage` to a FIFO queue reads the queue's attributes, whose approximate
counts look at every message in the queue, five times per message sent, so the webhooks' load
check (3,000 messages, a slow webhook's backlog of a thousand) spent seconds per
`SendMessageBatch` building datetimes (README, "Benchmark"). Reading the clock with
`time.time()`, the same seconds since the epoch, makes that look about twenty times cheaper;
nothing else of moto changes. Run as `moto_server` is, by the supervisor, inside .local/venv.
"""

import sys
import time

import moto.core.utils as utils

_unix_time = utils.unix_time


def unix_time(dt=None):
    """Seconds since the epoch of `dt`, or of now: what moto's own computes, read directly."""
    return time.time() if dt is None else _unix_time(dt)


def patch() -> None:
    """Puts `unix_time` in moto's utils and in every module that has imported it by name."""
    for module in list(sys.modules.values()):
        if getattr(module, "unix_time", None) is _unix_time:
            module.unix_time = unix_time


if __name__ == "__main__":
    patch()
    from moto.server import main

    sys.exit(main())
