"""`rolebot serve`'s limits for slow clients, on a real socket on loopback."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from bot.teams.serving import GuardedAppRunner, GuardedServer, Limits


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def started(limits: Limits) -> tuple[GuardedAppRunner, int]:
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = GuardedAppRunner(app, limits)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, port


async def get_healthz(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = await reader.read()
    writer.close()
    return data


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), within) == b""
    except TimeoutError:
        return False


async def test_idle_and_trickling_connections_are_closed_after_the_header_timeout() -> None:
    runner, port = await started(Limits(header_timeout=0.5, max_connections=100))
    writers: list[asyncio.StreamWriter] = []
    try:
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
        trickle_reader, trickle_writer = await asyncio.open_connection("127.0.0.1", port)
        writers += [w for _, w in idle] + [trickle_writer]
        cut_off = False
        for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\n" * 3:  # headers a byte at a time, never finished
            try:
                trickle_writer.write(bytes([byte]))
                await trickle_writer.drain()
            except ConnectionError:
                cut_off = True
                break
            await asyncio.sleep(0.03)
        assert cut_off or await closed_by_server(trickle_reader, 3.0)
        assert all([await closed_by_server(reader, 3.0) for reader, _ in idle])
        server = runner.server
        assert isinstance(server, GuardedServer) and server.closed_slow >= 6
        assert b"200 OK" in await get_healthz(port)  # a prompt client is served as usual
    finally:
        for writer in writers:
            writer.close()
        await runner.cleanup()


async def test_past_the_connection_limit_the_longest_idle_connection_makes_room() -> None:
    runner, port = await started(Limits(header_timeout=60, max_connections=20))
    writers: list[asyncio.StreamWriter] = []
    try:
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(50)]
        writers += [w for _, w in idle]
        for _ in range(5):
            started_at = time.perf_counter()
            assert b"200 OK" in await asyncio.wait_for(get_healthz(port), 2.0)
            assert time.perf_counter() - started_at < 2.0
        server = runner.server
        assert isinstance(server, GuardedServer) and len(server.connections) <= 21
        assert await closed_by_server(idle[0][0], 2.0)  # the oldest went first
        assert not await closed_by_server(idle[-1][0], 0.2)  # the newest is still open
    finally:
        for writer in writers:
            writer.close()
        await runner.cleanup()
