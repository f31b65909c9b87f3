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


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    return int(head.split(b" ")[1]), await reader.readexactly(length)


async def slow_turn(request: web.Request) -> web.Response:
    await request.read()
    await asyncio.sleep(float(request.query.get("seconds", "1.5")))
    return web.json_response({"status": "answered"}, status=201)


async def test_a_turn_longer_than_the_header_timeout_still_gets_its_http_answer() -> None:
    # Issue 19: the body's bytes (and aiohttp's data_received(b"") when it resumes reading) were taken
    # for the start of the next request, and the connection was closed mid-turn, with no answer.
    app = web.Application()
    app.router.add_post("/api/messages", slow_turn)
    runner = GuardedAppRunner(app, Limits(header_timeout=0.5, max_connections=100))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        body = b'{"type": "message"}'
        writer.write(
            b"POST /api/messages?seconds=1.5 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        await writer.drain()
        await asyncio.sleep(0.05)  # the body in its own segment, as aiohttp's client sends it
        writer.write(body)
        await writer.drain()
        status, answer = await asyncio.wait_for(read_response(reader), 5.0)
        assert status == 201 and answer == b'{"status": "answered"}'
        # The connection stays usable for the next request, and an idle one is still closed in time.
        writer.write(b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        assert (await asyncio.wait_for(read_response(reader), 5.0))[0] == 404
        writer.close()
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        assert await closed_by_server(idle_reader, 3.0)
        idle_writer.close()
    finally:
        await runner.cleanup()


MALFORMED = [
    b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    b"POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /api/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":',  # the client leaves mid-body
]


async def test_malformed_requests_are_one_warning_line_each_and_never_a_traceback(caplog) -> None:
    app = web.Application()
    app.router.add_post("/api/messages", slow_turn)
    runner = GuardedAppRunner(app, Limits(header_timeout=2, max_connections=100), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        with caplog.at_level("INFO"):
            for n in range(1000):
                case = MALFORMED[n % len(MALFORMED)]
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(case)
                await writer.drain()
                if case.endswith(b'{"a":'):
                    await asyncio.sleep(0.002)
                else:
                    await asyncio.wait_for(reader.read(), 5.0)
                writer.close()
            await asyncio.sleep(0.3)
    finally:
        await runner.cleanup()
    records = [r for r in caplog.records if r.name.startswith("aiohttp")]
    assert [r for r in records if r.exc_info or r.levelno >= 40] == []
    assert all("\n" not in r.getMessage() for r in records)
    bad = [r.getMessage() for r in records if r.getMessage().startswith("bad request from 127.0.0.1: 400 ")]
    left = [r.getMessage() for r in records if r.getMessage().startswith("client 127.0.0.1 left mid-request")]
    assert len(bad) == 800 and len(left) == 200, (len(bad), len(left))
