"""``python -m telegram_worker``: read the settings, then serve until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys

from .config import ConfigError, load_config
from .logsafe import setup_logging


async def _serve(config) -> int:
    from .app import Worker

    try:
        worker = Worker(config)
    except OSError as exc:  # the state directory cannot be created or written
        sys.stderr.write(f"telegram_worker: cannot use BOT_STATE_DIR {config.state_dir}: {exc}\n")
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return await worker.run(stop)


def main() -> int:
    try:
        config = load_config()
    except ConfigError as exc:
        sys.stderr.write(f"telegram_worker: configuration error: {exc}\n")
        return 2
    setup_logging(config.log_level, *config.secrets)
    return asyncio.run(_serve(config))


if __name__ == "__main__":
    sys.exit(main())
