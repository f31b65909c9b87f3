"""Production entry point: gunicorn with aiohttp's worker, over the same `create_app`.

    gunicorn bot.teams.production:app --worker-class aiohttp.GunicornWebWorker \\
        --config python:bot.teams.production --bind 0.0.0.0:3978

With `--config python:bot.teams.production` (as in deploy/Dockerfile) this module is also gunicorn's
configuration: two workers, one per core, forked from a master that has already loaded the
templates, the model and the index (`on_starting`) and frozen them out of the garbage collector, so
the model's memory stays shared copy-on-write (no collection writes to its pages), no full collection
stops a worker's event loop to walk it, and a worker is ready as soon as it is forked. Each worker
is one event loop with one torch thread. Without the config (`--workers 1`), the worker loads
everything itself in the background, as `rolebot serve` does.

Configuration comes only from the environment (see the README's settings table); `WEB_CONCURRENCY`
sets the number of workers (gunicorn's own variable).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from aiohttp import web

from ..logs import configure as configure_logging
from ..runtime import Runtime, collector_paused, limit_torch_threads, load_runtime, settle_heap
from ..settings import Settings
from .server import create_app
from .serving import GuardedAppRunner, Limits

# gunicorn settings, read when this module is given as `--config python:bot.teams.production`.
worker_class = "aiohttp.GunicornWebWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
preload_app = True
timeout = 120
graceful_timeout = 30
control_socket_disable = True  # no runtime control socket in $HOME: nothing needs it

_preloaded: Runtime | None = None


def _settings() -> Settings:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # The tokenizer's own thread pool does not survive a fork; one question at a time needs none.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return settings


def on_starting(server: Any) -> None:
    """gunicorn hook, in the master before any worker is forked: load everything once."""
    global _preloaded
    try:
        with collector_paused():
            runtime = load_runtime(_settings())
            runtime.embedder.embed("warm up")  # the first call initialises the model's kernels
    except Exception:  # the workers try again and report the error on /healthz
        logging.getLogger(__name__).exception("could not preload the knowledge or the index")
        return
    _preloaded = runtime
    settle_heap()  # before the fork: no worker's collector walks (or writes to) the shared objects


def post_fork(server: Any, worker: Any) -> None:
    """gunicorn hook, in each worker: one torch thread (set in the master too; said again here)."""
    limit_torch_threads()


async def app() -> web.AppRunner:
    # A runner, not the bare app: the worker then serves with the header deadline and connection limit.
    settings = _settings()
    return GuardedAppRunner(create_app(settings, runtime=_preloaded), Limits.from_settings(settings), access_log=None)
