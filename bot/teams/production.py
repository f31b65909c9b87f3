"""Production entry point: gunicorn with aiohttp's worker, over the same `create_app`.

    gunicorn bot.teams.production:app --worker-class aiohttp.GunicornWebWorker --bind 0.0.0.0:3978

Configuration comes only from the environment (see the README's settings table). One worker per
container: the model takes about 0.8 GB, and questions are batched within the worker.
"""

from __future__ import annotations

import logging
import os

from aiohttp import web

from ..settings import Settings
from .server import create_app
from .serving import GuardedAppRunner, Limits


async def app() -> web.AppRunner:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A runner, not the bare app: the worker then serves with the header deadline and connection limit.
    return GuardedAppRunner(create_app(settings), Limits.from_settings(settings), access_log=None)
