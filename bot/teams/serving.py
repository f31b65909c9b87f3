"""Serving over TCP with limits for slow and idle clients.

aiohttp has no deadline for a request's headers: a client that connects and sends nothing, or sends
its headers a byte at a time, holds a connection (and a file descriptor) for as long as it likes.
`GuardedAppRunner` adds:

- a header deadline: a connection that has not sent a whole request's headers within
  `header_timeout` seconds of connecting (or of starting the next request) is closed. Only the
  bytes of a new request start the clock: a request's body, or a turn that takes longer than the
  deadline, never does, so every turn ends in an HTTP answer;
- a connection limit: past `max_connections` open connections (capped below the process's
  file-descriptor limit), the longest-idle connection is closed to admit the new one, so /healthz
  and real turns still get in under a flood of idle connections.

The body deadline (ROLEBOT_BODY_TIMEOUT) is applied by the /api/messages handler.

    >>> runner = GuardedAppRunner(create_app(settings), Limits.from_settings(settings))
    >>> await runner.setup(); await web.TCPSite(runner, "127.0.0.1", 3978).start()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import signal
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_server import Server

from ..settings import Settings
from .server import check_exposure, create_app

log = logging.getLogger(__name__)
# Descriptors kept free for the model's files, the databases and outbound replies, and for a burst of
# accepts: asyncio accepts up to 100 connections in one go before closing any.
FD_RESERVE = 320


@dataclass(frozen=True)
class Limits:
    header_timeout: float = 10.0
    max_connections: int = 1000
    keepalive_timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.get("ROLEBOT_HEADER_TIMEOUT"), settings.get("ROLEBOT_MAX_CONNECTIONS"))

    def effective_max_connections(self) -> int:
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return self.max_connections
        return max(16, min(self.max_connections, soft - FD_RESERVE))


class GuardedRequestHandler(RequestHandler):
    """aiohttp's connection handler, noting when it last waited for a request's headers."""

    awaiting_since: float | None
    last_active: float

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        now = asyncio.get_running_loop().time()
        self.awaiting_since = now
        self.last_active = now
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        before = self._request_count
        busy = self.busy  # a request is being answered or waits its turn: these bytes are its body
        super().data_received(data)
        if not data:  # aiohttp re-parsing its own buffer when it resumes reading: nothing arrived
            return
        now = self._loop.time()
        self.last_active = now
        if self._request_count > before:
            self.awaiting_since = None  # a whole request's headers arrived
        elif self.awaiting_since is None and not busy:
            self.awaiting_since = now  # the next request has started to arrive

    @property
    def busy(self) -> bool:
        """A request is in progress (read, handled or answered) or queued: its turn may take longer
        than the header deadline, and its body has its own (ROLEBOT_BODY_TIMEOUT)."""
        return self._request_in_progress or self._current_request is not None or bool(self._messages)

    @property
    def idle(self) -> bool:
        return self._current_request is None

    def log_exception(self, *args: Any, **kw: Any) -> None:
        """A malformed request, or a client that left mid-request, is one WARNING line (status,
        reason, peer), not a 20-line ERROR traceback; anything else is logged as aiohttp does."""
        exc = kw.get("exc_info")
        peer = args[1] if len(args) > 1 else None
        if isinstance(exc, HttpProcessingError):
            reason = " ".join(str(exc.message).split())[:160]
            self.logger.warning("bad request from %s: %d %s", peer, exc.code, reason)
        elif isinstance(exc, ConnectionError):
            self.logger.warning("client %s left mid-request: %s", peer, type(exc).__name__)
        else:
            super().log_exception(*args, **kw)


class GuardedServer(Server):
    """aiohttp's Server with a header deadline and a connection limit (see the module docstring)."""

    def __init__(self, *args: Any, limits: Limits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.max_connections = limits.effective_max_connections()
        self.closed_slow = 0
        self.evicted = 0
        self._sweeper: asyncio.Task[None] | None = None

    def __call__(self) -> RequestHandler:
        return GuardedRequestHandler(self, loop=self._loop, **self._kwargs)

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        if self._sweeper is None:
            self._sweeper = self._loop.create_task(self._sweep())
        open_now = [h for h, t in self._connections.items() if not t.is_closing()]
        if len(open_now) > self.max_connections:
            idle = [h for h in open_now if h is not handler and isinstance(h, GuardedRequestHandler) and h.idle]
            victim = min(idle, key=lambda h: h.last_active) if idle else handler
            self.evicted += 1
            self._close(victim)

    def _close(self, handler: RequestHandler) -> None:
        transport = self._connections.get(handler)
        handler.force_close()
        if transport is not None:
            transport.close()

    async def _sweep(self) -> None:
        interval = min(1.0, self.limits.header_timeout / 4)
        while True:
            await asyncio.sleep(interval)
            deadline = self._loop.time() - self.limits.header_timeout
            for handler, transport in list(self._connections.items()):
                since = getattr(handler, "awaiting_since", None)
                if since is None or since >= deadline or transport.is_closing():
                    continue
                if isinstance(handler, GuardedRequestHandler) and handler.busy:
                    handler.awaiting_since = None  # never cut a turn short: its answer is on its way
                else:
                    self.closed_slow += 1
                    self._close(handler)

    async def shutdown(self, timeout: float | None = None) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await super().shutdown(timeout)


class GuardedAppRunner(web.AppRunner):
    """An AppRunner whose server is a `GuardedServer`."""

    def __init__(self, app: web.Application, limits: Limits, **kwargs: Any) -> None:
        kwargs.setdefault("keepalive_timeout", limits.keepalive_timeout)
        super().__init__(app, **kwargs)
        self.limits = limits

    async def _make_server(self) -> Server:
        server = await super()._make_server()
        return GuardedServer(
            server.request_handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            loop=server._loop,
            limits=self.limits,
            **server._kwargs,
        )


def serve(settings: Settings, host: str, port: int) -> None:
    """`rolebot serve`: refuse local mode beyond loopback, then serve until interrupted."""
    check_exposure(settings, host)
    asyncio.run(_serve_forever(settings, host, port))


async def _serve_forever(settings: Settings, host: str, port: int) -> None:
    runner = GuardedAppRunner(create_app(settings), Limits.from_settings(settings), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("serving on http://%s:%d (at most %d connections)", host, port, _max_connections(runner))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def _max_connections(runner: GuardedAppRunner) -> int:
    server = runner.server
    return server.max_connections if isinstance(server, GuardedServer) else 0
