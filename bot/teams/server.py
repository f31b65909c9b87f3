"""The HTTP endpoint: `POST /api/messages` (Bot Framework) and `GET /healthz`.

    >>> app = create_app(Settings.from_env())      # nothing is built at import time
    >>> web.run_app(app, host="127.0.0.1", port=3978)

The index is loaded in the background at start-up; until it is ready /healthz answers 503 and
/api/messages answers 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from index import BatchingEmbedder

from ..reload import Reloader
from ..runtime import Runtime, load_runtime
from ..settings import Settings
from .channel import (
    BadActivity,
    RoleBot,
    SqliteStorage,
    Unauthorized,
    create_adapter,
    is_local_mode,
    parse_activity,
    process,
    refresh_signing_keys,
)
from .feedback import FeedbackStore

log = logging.getLogger(__name__)


@dataclass
class Service:
    """What the endpoint needs once loaded; `error` is set if loading failed."""

    settings: Settings
    runtime: Runtime | None = None
    bot: Any = None
    adapter: Any = None
    batcher: BatchingEmbedder | None = None
    feedback: FeedbackStore | None = None
    storage: Any = None
    error: str | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    keys_task: asyncio.Task[None] | None = field(default=None, repr=False)
    reloader: Reloader | None = field(default=None, repr=False)
    reload_task: asyncio.Task[None] | None = field(default=None, repr=False)


SERVICE = web.AppKey("service", Service)


def create_app(settings: Settings, runtime: Runtime | None = None, storage: Any = None) -> web.Application:
    """The aiohttp application. Pass `runtime` to serve one already loaded (tests), `storage` to
    use another botbuilder Storage (default: SQLite in ROLEBOT_DATA_DIR)."""
    app = web.Application(client_max_size=settings.get("ROLEBOT_MAX_REQUEST_BYTES"))
    service = Service(settings, storage=storage)
    app[SERVICE] = service
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    adapter = create_adapter(settings)  # fails fast on incomplete auth settings

    async def start(app: web.Application) -> None:
        if is_local_mode(settings):
            log.warning("no APP_ID set: local mode, requests are not authenticated. Do not expose this port.")
        else:
            service.keys_task = asyncio.create_task(_keep_signing_keys_fresh())
        if runtime is not None:
            _ready(service, runtime, adapter)
        else:
            service.task = asyncio.create_task(_load(service, adapter))

    async def stop(app: web.Application) -> None:
        for task in (service.task, service.keys_task, service.reload_task):
            if task is not None:
                task.cancel()
        if service.reloader is not None:
            service.reloader.close()
        if service.batcher is not None:
            service.batcher.close()
        if service.feedback is not None:
            service.feedback.close()
        if isinstance(service.storage, SqliteStorage):
            service.storage.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


SIGNING_KEYS_REFRESH_SECONDS = 6 * 3600


async def _keep_signing_keys_fresh() -> None:
    """botbuilder refreshes the signing keys with a blocking request once they are a day old; refresh
    them in a thread well before that, so token validation never blocks the event loop."""
    while True:
        ok = await asyncio.to_thread(refresh_signing_keys)
        await asyncio.sleep(SIGNING_KEYS_REFRESH_SECONDS if ok else 60)


async def _load(service: Service, adapter: Any) -> None:
    try:
        runtime = await asyncio.get_running_loop().run_in_executor(None, load_runtime, service.settings)
    except Exception:
        log.exception("could not load the knowledge or the index")
        service.error = "the bot could not load its knowledge; see the server log"
        return
    _ready(service, runtime, adapter)


def _ready(service: Service, runtime: Runtime, adapter: Any) -> None:
    from botbuilder.core import ConversationState  # the channel layer's type, used only here

    data_dir = service.settings.get("ROLEBOT_DATA_DIR")
    if service.storage is None:
        service.storage = SqliteStorage(data_dir / "state.sqlite3")
    service.feedback = FeedbackStore(data_dir / "feedback.sqlite3")
    service.batcher = BatchingEmbedder(runtime.embedder)
    service.bot = RoleBot(runtime.engine, ConversationState(service.storage), service.feedback, service.batcher)
    service.adapter = adapter
    service.runtime = runtime
    log.info("ready: %d roles, index of %d passages", len(runtime.kb.profiles), len(runtime.index.passages))
    _start_reloader(service, runtime)


def _start_reloader(service: Service, runtime: Runtime) -> None:
    """Watch the knowledge folder; a new knowledge and index are swapped in without a restart."""
    seconds = service.settings.get("ROLEBOT_RELOAD_SECONDS")
    if not seconds:
        return

    def swap(new: Runtime) -> None:
        service.runtime = new
        service.bot.engine = new.engine

    service.reloader = Reloader(service.settings.knowledge_dir, runtime.index_dir, runtime, swap, seconds)
    service.reload_task = asyncio.create_task(service.reloader.run())


def _error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers or None)


async def messages(request: web.Request) -> web.StreamResponse:
    service = request.app[SERVICE]
    if request.content_type != "application/json":
        return _error(415, "expected Content-Type: application/json")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"request body larger than {service.settings.get('ROLEBOT_MAX_REQUEST_BYTES')} bytes")
    try:
        body = json.loads(raw)
    except ValueError:
        return _error(400, "the body is not valid JSON")
    try:
        activity = parse_activity(body)
    except BadActivity as exc:
        return _error(400, str(exc))
    if service.bot is None:
        if service.error:
            return _error(503, service.error)
        return _error(503, "starting up: the index is loading", **{"Retry-After": "5"})
    try:
        status, payload = await process(
            service.adapter, service.bot, activity, request.headers.get("Authorization", "")
        )
    except Unauthorized:
        return _error(401, "a valid Bot Framework token is required")
    except Exception:
        log.exception("unexpected error handling an activity")
        return _error(500, "internal error")
    if payload is None:
        return web.Response(status=status)
    return web.json_response(payload, status=status)


async def healthz(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    if service.runtime is None:
        status = "error" if service.error else "loading"
        return web.json_response({"status": status}, status=503)
    runtime = service.runtime
    return web.json_response(
        {
            "status": "ok",
            "index": runtime.index.summary(),
            "profiles": [p.short_name for p in runtime.kb.profiles],
            "template_errors": len(runtime.kb.errors),
            "index_hash": runtime.kb.fingerprint,
            "templates": [
                {"file": f.file, "format": f.format, "status": f.status, "role": f.role or None, "reason": f.reason}
                for f in runtime.kb.files
            ],
            "reload": service.reloader.summary() if service.reloader is not None else None,
            "auth": "local" if is_local_mode(service.settings) else "bot-framework",
        }
    )
