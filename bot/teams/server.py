"""The HTTP endpoint: `POST /api/messages` (Bot Framework) and `GET /healthz`.

    >>> app = create_app(Settings.from_env())      # nothing is built at import time
    >>> web.run_app(app, host="127.0.0.1", port=3978)

The index is loaded in the background at start-up; until it is ready /healthz answers 503 and
/api/messages answers 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from index import BatchingEmbedder

from ..logs import ACTIVITY
from ..reload import Reloader
from ..runtime import Runtime, collector_paused, load_runtime, settle_heap
from ..settings import Settings, SettingsError
from .auth import CHANNEL_METADATA_URL, EMULATOR_METADATA_URL, SigningKeys, TokenRejected, issuers, precheck
from .channel import RoleBot, Unauthorized, authenticate, create_adapter, is_local_mode, parse_activity, process
from .deliveries import deliveries_of, first_delivery, settle
from .feedback import FeedbackStore
from .retention import keep_purging
from .sender import ClientCredentialsToken, ManagedIdentityToken, NoToken, ReplySender, TokenSource
from .storage import close_state, open_feedback, open_state
from .turns import Busy, TurnQueue
from .validation import BadActivity, decode_body, is_loopback_url, service_url_policy

log = logging.getLogger(__name__)
TURN_ACTIVITIES = ("message", "conversationUpdate")  # the activity types that read and write memory


@dataclass
class Service:
    """What the endpoint needs once loaded; `error` is set if loading failed."""

    settings: Settings
    sender: ReplySender
    runtime: Runtime | None = None
    bot: Any = None
    adapter: Any = None
    batcher: BatchingEmbedder | None = None
    feedback: FeedbackStore | None = None
    storage: Any = None
    deliveries: Any = None
    error: str | None = None
    keys: SigningKeys | None = None
    issuers: dict[str, str] = field(default_factory=dict)
    turns: TurnQueue = field(default_factory=TurnQueue)
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    keys_task: asyncio.Task[None] | None = field(default=None, repr=False)
    reloader: Reloader | None = field(default=None, repr=False)
    reload_task: asyncio.Task[None] | None = field(default=None, repr=False)
    purge_task: asyncio.Task[None] | None = field(default=None, repr=False)


SERVICE = web.AppKey("service", Service)


def check_exposure(settings: Settings, host: str) -> None:
    """Local mode (no APP_ID) authenticates nobody: refuse an address other than loopback unless
    ROLEBOT_ALLOW_UNAUTHENTICATED says so."""
    if not is_local_mode(settings) or settings.get("ROLEBOT_ALLOW_UNAUTHENTICATED"):
        return
    if host in ("localhost", "") or is_loopback_url(f"http://{host if ':' not in host else f'[{host}]'}/"):
        return
    raise SettingsError(
        f"no APP_ID is set (local mode, no authentication), so rolebot serves only on loopback, not on {host}."
        " Set APP_ID (and APP_PASSWORD, APP_TYPE, APP_TENANTID), or ROLEBOT_ALLOW_UNAUTHENTICATED=true"
        " if something in front of rolebot authenticates the requests."
    )


def make_sender(settings: Settings) -> ReplySender:
    """The outbound sender for these settings: credentials by APP_TYPE, local mode to loopback only."""
    timeout = settings.get("ROLEBOT_REPLY_TIMEOUT")
    tokens: TokenSource
    if is_local_mode(settings):
        tokens = NoToken()
        allow = service_url_policy(settings.get("ROLEBOT_ALLOWED_SERVICE_URLS"))
        return ReplySender(tokens, timeout=timeout, allow=allow)
    if settings.get("APP_TYPE") == "UserAssignedMSI":
        tokens = ManagedIdentityToken(settings.get("APP_ID"), timeout)
    else:
        tokens = ClientCredentialsToken(
            settings.get("APP_ID"), settings.get("APP_PASSWORD"), settings.get("APP_TENANTID"), timeout
        )
    return ReplySender(tokens, timeout=timeout)


def create_app(
    settings: Settings,
    runtime: Runtime | None = None,
    storage: Any = None,
    sender: ReplySender | None = None,
    keys: SigningKeys | None = None,
) -> web.Application:
    """The aiohttp application. Pass `runtime` to serve one already loaded (tests), `storage` to
    use another botbuilder Storage (default: by ROLEBOT_STORAGE), `sender` for outbound replies,
    `keys` for the token signing keys (default: fetched from the Bot Framework)."""
    check_exposure(settings, settings.get("ROLEBOT_HOST"))
    if settings.get("ROLEBOT_STORAGE") == "azure" and not settings.get("ROLEBOT_STORAGE_CONNECTION_STRING"):
        raise SettingsError("ROLEBOT_STORAGE=azure needs ROLEBOT_STORAGE_CONNECTION_STRING")
    app = web.Application(client_max_size=settings.get("ROLEBOT_MAX_REQUEST_BYTES"))
    service = Service(settings, sender or make_sender(settings), storage=storage)
    app[SERVICE] = service
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    adapter = create_adapter(settings)  # fails fast on incomplete auth settings
    if not is_local_mode(settings):
        service.keys = keys or SigningKeys(
            lambda: service.sender.session, timeout=settings.get("ROLEBOT_REPLY_TIMEOUT")
        )
        service.keys.install([CHANNEL_METADATA_URL, EMULATOR_METADATA_URL])
        service.issuers = issuers(settings.get("APP_TENANTID"))

    async def start(app: web.Application) -> None:
        if is_local_mode(settings):
            log.warning("no APP_ID set: local mode, requests are not authenticated. Do not expose this port.")
        elif service.keys is not None:
            service.keys_task = asyncio.create_task(service.keys.keep_fresh([CHANNEL_METADATA_URL]))
        if runtime is not None:
            _ready(service, runtime, adapter)
        else:
            service.task = asyncio.create_task(_load(service, adapter))

    async def stop(app: web.Application) -> None:
        for task in (service.task, service.keys_task, service.reload_task, service.purge_task):
            if task is not None:
                task.cancel()
        if service.reloader is not None:
            service.reloader.close()
        await service.sender.close()
        if service.batcher is not None:
            service.batcher.close()
        if service.feedback is not None:
            service.feedback.close()
        await close_state(service.storage)

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


async def _load(service: Service, adapter: Any) -> None:
    try:
        with collector_paused():
            runtime = await asyncio.get_running_loop().run_in_executor(None, load_runtime, service.settings)
    except Exception:
        log.exception("could not load the knowledge or the index")
        service.error = "the bot could not load its knowledge; see the server log"
        return
    settle_heap()
    _ready(service, runtime, adapter)


def _ready(service: Service, runtime: Runtime, adapter: Any) -> None:
    from botbuilder.core import ConversationState  # the channel layer's type, used only here

    if service.storage is None:
        service.storage = open_state(service.settings)
    service.deliveries = deliveries_of(service.storage)
    service.feedback = open_feedback(service.settings)
    service.batcher = BatchingEmbedder(runtime.embedder)
    service.bot = RoleBot(
        runtime.engine,
        ConversationState(service.storage),
        service.feedback,
        service.batcher,
        service.settings.get("ROLEBOT_STORAGE_TIMEOUT"),
    )
    service.adapter = adapter
    service.runtime = runtime
    log.info("ready: %d roles, index of %d passages", len(runtime.kb.profiles), len(runtime.index.passages))
    service.purge_task = asyncio.create_task(keep_purging(service.storage, service.feedback, service.settings))
    _start_reloader(service, runtime)


def _start_reloader(service: Service, runtime: Runtime) -> None:
    """Watch the knowledge folder; a new knowledge and index are swapped in without a restart."""
    seconds = service.settings.get("ROLEBOT_RELOAD_SECONDS")
    if not seconds:
        return

    def swap(new: Runtime) -> None:
        service.runtime = new
        service.bot.engine = new.engine
        settle_heap(again=True)

    service.reloader = Reloader(service.settings.knowledge_dir, runtime.index_dir, runtime, swap, seconds)
    service.reload_task = asyncio.create_task(service.reloader.run())


def _error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers or None)


UNAUTHORIZED = "a valid Bot Framework token is required"


async def messages(request: web.Request) -> web.StreamResponse:
    """Token first (header only), then the body: a request without a valid token is never parsed."""
    service = request.app[SERVICE]
    settings = service.settings
    authorization = request.headers.get("Authorization", "")
    if service.keys is not None:
        try:
            await precheck(authorization, settings.get("APP_ID"), service.keys, service.issuers)
        except TokenRejected as exc:
            log.info("refused a request: %s", exc)
            return _error(401, UNAUTHORIZED)
    if request.content_type != "application/json":
        return _error(415, "expected Content-Type: application/json")
    try:
        raw = await asyncio.wait_for(request.read(), settings.get("ROLEBOT_BODY_TIMEOUT"))
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"request body larger than {settings.get('ROLEBOT_MAX_REQUEST_BYTES')} bytes")
    except TimeoutError:
        return _error(408, "the request body did not arrive in time", Connection="close")
    except ConnectionError:  # nobody is left to read an answer
        log.warning("client %s left before sending the whole body", request.remote)
        return _error(400, "the request body was cut short", Connection="close")
    try:
        activity = parse_activity(decode_body(raw))
    except BadActivity as exc:
        return _error(400, str(exc))
    ACTIVITY.set(activity.id[:100] if isinstance(activity.id, str) and activity.id else "-")
    if is_local_mode(settings) and not service.sender.allow(activity.service_url):
        return _error(403, "local mode replies only to loopback serviceUrls (see ROLEBOT_ALLOWED_SERVICE_URLS)")
    if service.bot is None:
        if service.error:
            return _error(503, service.error)
        return _error(503, "starting up: the index is loading", **{"Retry-After": "5"})
    try:
        authenticated = await authenticate(service.adapter, activity, authorization, service.sender)
    except Unauthorized as exc:
        log.info("refused a request: %s", exc)
        return _error(401, UNAUTHORIZED)
    conversation = activity.conversation.id if activity.type in TURN_ACTIVITIES else None
    claim = (conversation, activity.id) if conversation and activity.id else None
    try:
        async with service.turns.turn(conversation):
            if claim is not None:
                first = await first_delivery(service.deliveries, *claim)
                if first is not None:
                    log.info("a redelivered activity, answered before (%d): not answered again", first)
                    return _answered_before(first, activity.delivery_mode)
            try:
                status, payload = await process(service.adapter, service.bot, activity, authenticated)
            except Exception:
                if claim is not None:
                    await settle(service.deliveries, *claim, None)  # a redelivery may try again
                raise
            if claim is not None:
                await settle(service.deliveries, *claim, status)
    except Busy:
        return _error(429, "too many messages at once in this conversation", **{"Retry-After": "2"})
    except Exception:
        log.exception("unexpected error handling an activity")
        return _error(500, "internal error")
    if payload is None:
        return web.Response(status=status)
    return web.json_response(payload, status=status)


def _answered_before(status: int, delivery_mode: str | None) -> web.Response:
    """The first delivery's status again; with expectReplies its replies went in that answer's body."""
    if delivery_mode == "expectReplies" and status == 200:
        return web.json_response({"activities": []})
    return web.Response(status=status)


async def healthz(request: web.Request) -> web.Response:
    """Small at any scale: counts, and only the templates that are not served as they are (failed,
    kept at their previous version, skipped). `?templates=all` adds every file and profile."""
    service = request.app[SERVICE]
    if service.runtime is None:
        status = "error" if service.error else "loading"
        return web.json_response({"status": status}, status=503)
    runtime = service.runtime
    everything = request.query.get("templates") == "all"
    counts: dict[str, int] = {}
    for f in runtime.kb.files:
        counts[f.status] = counts.get(f.status, 0) + 1
    files = runtime.kb.files if everything else [f for f in runtime.kb.files if f.status != "served"]
    return web.json_response(
        {
            "status": "ok",
            "index": _index_summary(runtime, everything),
            "profiles": [p.short_name for p in runtime.kb.profiles] if everything else len(runtime.kb.profiles),
            "template_errors": len(runtime.kb.errors),
            "index_hash": runtime.kb.fingerprint,
            "counts": counts,
            "templates": [
                {"file": f.file, "format": f.format, "status": f.status, "role": f.role or None, "reason": f.reason}
                for f in files
            ],
            "reload": service.reloader.summary() if service.reloader is not None else None,
            "auth": "local" if is_local_mode(service.settings) else "bot-framework",
        }
    )


def _index_summary(runtime: Runtime, everything: bool) -> dict[str, Any]:
    summary = runtime.index.summary()
    if not everything and isinstance(summary.get("roles"), list):
        summary["roles"] = len(summary["roles"])
    return summary
