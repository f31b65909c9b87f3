"""Slow peers against a real `rolebot serve` on loopback; prints the figures (no assertions).

    python scripts/slowpeers.py [--idle 2000] [--trickle 200] [--fd-limit 1024]

1. Idle and trickling clients: opens IDLE connections that send nothing and TRICKLE connections
   that send their headers a byte a second, with the server's file limit at FD_LIMIT, then times
   /healthz (a new connection each time).
2. A channel that never answers for one conversation: a stand-in channel on loopback stalls every
   reply to conversation "stuck" while 32 other conversations ask questions; prints their p50/p99.

Everything runs on 127.0.0.1 and stops by itself (about a minute, plus the model's start-up).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, data_dir: str, fd_limit: int, reply_timeout: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ROLEBOT_DATA_DIR": data_dir,
        "ROLEBOT_LOG_LEVEL": "WARNING",
        "ROLEBOT_REPLY_TIMEOUT": reply_timeout,
    }
    env.pop("APP_ID", None)

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    command = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, cwd=ROOT, preexec_fn=limit_files)


async def wait_ready(base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit("the server did not become ready")


async def healthz_latencies(port: int, count: int) -> tuple[list[float], int]:
    times, failures = [], 0
    for _ in range(count):
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            if b" 200 " not in data.split(b"\r\n", 1)[0]:
                failures += 1
                continue
        except (OSError, TimeoutError):
            failures += 1
            continue
        times.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.02)
    return times, failures


def summary(times: list[float]) -> str:
    if not times:
        return "no successful request"
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms (n={len(ordered)})"


async def idle_flood(port: int, idle: int, trickle: int) -> None:
    connections: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    opened = refused = 0
    for _ in range(idle + trickle):
        try:
            connections.append(await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5))
            opened += 1
        except (OSError, TimeoutError):
            refused += 1
    trickling = connections[idle:]

    async def trickle_bytes() -> None:
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" * 50
        for byte in request:
            for _, writer in trickling:
                if not writer.is_closing():
                    try:
                        writer.write(bytes([byte]))
                    except (ConnectionError, RuntimeError):
                        writer.close()
            await asyncio.sleep(1)

    trickler = asyncio.create_task(trickle_bytes())
    await asyncio.sleep(1)
    times, failures = await healthz_latencies(port, 100)
    still_open = sum(1 for reader, _ in connections if not reader.at_eof())
    print(f"idle/trickling: opened {opened} ({idle} idle, {trickle} trickling), {refused} refused")
    print(f"  /healthz during the flood: {summary(times)}, {failures} failed")
    await asyncio.sleep(12)  # past the header timeout (10 s)
    closed = 0
    for reader, _ in connections:
        try:
            data = await asyncio.wait_for(reader.read(1), 0.01)
            closed += data == b""
        except ConnectionError:  # reset: closed while the client was still writing (trickling)
            closed += 1
        except TimeoutError:
            pass
    print(f"  after 12 s: {closed} of {opened} connections closed by the server (still open at first: {still_open})")
    times, failures = await healthz_latencies(port, 50)
    print(f"  /healthz after: {summary(times)}, {failures} failed")
    trickler.cancel()
    for _, writer in connections:
        writer.close()


async def stalled_channel(port: int, others: int, turns: int) -> None:
    release = asyncio.Event()

    async def reply(request: web.Request) -> web.Response:
        activity = await request.json()
        if activity.get("conversation", {}).get("id") == "stuck":
            await release.wait()
        return web.json_response({"id": "sent"})

    channel = web.Application()
    channel.router.add_post(r"/v3/conversations/{tail:.+}", reply)
    runner = web.AppRunner(channel)
    await runner.setup()
    channel_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", channel_port).start()
    service_url = f"http://127.0.0.1:{channel_port}/"

    def activity(conversation: str, text: str, n: int) -> dict[str, object]:
        return {
            "type": "message",
            "id": f"in-{n}",
            "channelId": "msteams",
            "serviceUrl": service_url,
            "conversation": {"id": conversation},
            "from": {"id": "user"},
            "recipient": {"id": "bot"},
            "text": text,
        }

    questions = ["what training does an engagement worker need?", "what level is the strategic manager?"]
    url = f"http://127.0.0.1:{port}/api/messages"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        stuck = [asyncio.create_task(session.post(url, json=activity("stuck", questions[0], n))) for n in range(turns)]
        await asyncio.sleep(0.5)
        times: list[float] = []
        statuses: dict[int, int] = {}
        semaphore = asyncio.Semaphore(8)

        async def one(n: int) -> None:
            async with semaphore:
                started = time.perf_counter()
                body = activity(f"conv-{n % others}", questions[n % 2], n)
                async with session.post(url, json=body) as response:
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                times.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(one(n) for n in range(others * 6)))
        print(f"stalled channel for one conversation ({turns} turns waiting on it):")
        print(f"  {others} other conversations, {others * 6} turns at concurrency 8: {summary(times)}, {statuses}")
        release.set()
        stuck_statuses: dict[int, int] = {}
        for task in stuck:
            response = await task
            stuck_statuses[response.status] = stuck_statuses.get(response.status, 0) + 1
            response.release()
        print(f"  the stalled conversation's turns answered: {stuck_statuses} (429 = too many waiting)")
    await runner.cleanup()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--trickle", type=int, default=200)
    parser.add_argument("--fd-limit", type=int, default=1024)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.idle + args.trickle + 512)), hard))
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(port, data_dir, args.fd_limit, reply_timeout="15")
        try:
            await wait_ready(f"http://127.0.0.1:{port}")
            await idle_flood(port, args.idle, args.trickle)
            await stalled_channel(port, others=32, turns=20)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    asyncio.run(main())
