"""Load test over the real Bot Framework protocol: rolebot against two baselines, in one run.

    python scripts/loadtest.py [--seconds 10] [--concurrency 1,32] [--bots rolebot,naive,echo]

Starts, one after the other on 127.0.0.1: rolebot as it ships (the Dockerfile's gunicorn command, or
`--rolebot-cmd`), the naive baseline (scripts/naive_bot.py) and the stock echo bot
(scripts/echo_bot.py). A stand-in channel in this process receives the replies each bot POSTs to
the activity's serviceUrl, as Teams would (normal delivery). Closed-loop conversations ask the
questions of tests/eval/questions.json (multi-turn cases as consecutive turns); a turn ends when the
bot has answered the HTTP request and its message has reached the channel. No turn starts after the
measured seconds; those under way finish and count (turns/s = turns / time until the last ended).

Prints per bot and concurrency: turns/s, p50 and p99 turn time, errors (non-2xx, a missing reply
within 10 s, or rolebot's apology), peak RSS of the largest serving process and the total PSS of the
bot's processes, the cold start to a healthy /healthz, and the ratios rolebot / naive and
rolebot / echo. Not a test: it prints figures and asserts nothing. Everything stops by itself.

On a shared machine: before each run it waits (at most `--quiet-wait` seconds) for other processes
to use less than `--quiet` cores, prints the CPU they used during the run ("other CPU"), and with
`--rounds N` measures each bot N times, interleaved, keeping each one's best run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
BIN = Path(sys.executable).parent
REPLY_TIMEOUT = 10.0
APOLOGY = "Sorry, something went wrong"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def conversations(seed: int) -> Iterator[list[str]]:
    """Endless conversation scripts from the evaluation set, in a seeded random order."""
    cases = json.loads((ROOT / "tests" / "eval" / "questions.json").read_text(encoding="utf-8"))
    scripts = [[t.lstrip("+").strip() for t in case["ask"]] for case in cases]
    rng = random.Random(seed)
    while True:
        rng.shuffle(scripts)
        yield from scripts


class StandInChannel:
    """The channel service's reply endpoint on loopback: resolves a turn when its message arrives."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.received = {"message": 0, "typing": 0, "other": 0}
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def reply(self, request: web.Request) -> web.Response:
        activity = await request.json()
        kind = activity.get("type")
        self.received[kind if kind in ("message", "typing") else "other"] += 1
        if kind == "message":
            future = self.waiting.pop(str(activity.get("replyToId")), None)
            if future is not None and not future.done():
                future.set_result(activity)
        return web.json_response({"id": uuid.uuid4().hex})

    async def start(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post(r"/v3/conversations/{tail:.+/activities(/[^/]+)?}", self.reply)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@dataclass
class Run:
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    other_cpu: float = 0.0  # cores busy with processes other than the bot and this script
    bot_cpu_ms: float = 0.0  # CPU the bot's processes used per turn (all threads)
    loadgen_cpu: float = 0.0  # cores this script (the conversations and the stand-in channel) used

    @property
    def turns_per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class BotResult:
    name: str
    command: str
    cold_start: float = float("nan")
    runs: list[Run] = field(default_factory=list)
    rss_mb: float = float("nan")  # peak RSS of the largest process
    pss_mb: float = float("nan")  # total proportional set size of all its processes
    processes: int = 0
    error: str = ""


async def one_turn(
    session: ClientSession, endpoint: str, channel: StandInChannel, conversation: str, user: str, text: str
) -> bool:
    activity_id = uuid.uuid4().hex
    future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    channel.waiting[activity_id] = future
    activity = {
        "type": "message",
        "id": activity_id,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "channelId": "msteams",
        "serviceUrl": channel.url,
        "from": {"id": user, "name": "Load Test"},
        "recipient": {"id": "bot", "name": "Bot"},
        "conversation": {"id": conversation, "conversationType": "personal"},
        "text": text,
        "textFormat": "plain",
        "locale": "en-GB",
    }
    try:
        async with session.post(endpoint, json=activity) as response:
            await response.read()
            if response.status not in (200, 201, 202):
                return False
        reply = await asyncio.wait_for(future, REPLY_TIMEOUT)
    except (TimeoutError, OSError):
        return False
    finally:
        channel.waiting.pop(activity_id, None)
    return APOLOGY not in str(reply.get("text", ""))


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores, /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _own_seconds() -> float:
    own = os.times()
    return own.user + own.system


def _ours(bot_pid: int) -> float:
    return _cpu_seconds([bot_pid, *_children(bot_pid)]) + _own_seconds()


async def wait_quiet(bot_pid: int, threshold: float, patience: float) -> None:
    """On a shared machine: wait (at most `patience` seconds) until other processes use less than
    `threshold` cores over a second, so that a run measures the bot rather than its neighbours."""
    give_up = time.perf_counter() + patience
    while time.perf_counter() < give_up:
        busy, ours = _busy_seconds(), _ours(bot_pid)
        await asyncio.sleep(1.0)
        if (_busy_seconds() - busy) - (_ours(bot_pid) - ours) < threshold:
            return


async def closed_loop(
    endpoint: str, channel: StandInChannel, concurrency: int, seconds: float, seed: int, bot_pid: int
) -> Run:
    """`concurrency` conversations, each asking its next question as soon as the last is answered."""
    run = Run(concurrency, seconds)
    busy_before, ours_before, own_before = _busy_seconds(), _ours(bot_pid), _own_seconds()
    scripts = conversations(seed)
    started = time.perf_counter()
    stop_at = started + seconds
    timeout = ClientTimeout(total=REPLY_TIMEOUT)
    async with ClientSession(connector=TCPConnector(limit=0), timeout=timeout) as session:

        async def conversation(n: int) -> None:
            cid = f"load-{seed}-{concurrency}-{n}"
            while True:
                for text in next(scripts):
                    if time.perf_counter() >= stop_at:  # no new turn; the ones under way finish
                        return
                    begun = time.perf_counter()
                    ok = await one_turn(session, endpoint, channel, cid, f"user-{n}", text)
                    if ok:
                        run.latencies.append(time.perf_counter() - begun)
                    else:
                        run.errors += 1

        await asyncio.gather(*(conversation(n) for n in range(concurrency)))
    elapsed = time.perf_counter() - started
    run.seconds = elapsed  # the runs under way at the end are counted, and so is the time they took
    ours, own = _ours(bot_pid) - ours_before, _own_seconds() - own_before
    run.other_cpu = max(0.0, (_busy_seconds() - busy_before) - ours) / elapsed
    run.loadgen_cpu = own / elapsed
    run.bot_cpu_ms = (ours - own) / max(1, len(run.latencies)) * 1000
    return run


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found.append(int(child))
                found.extend(_children(int(child)))
    return found


def memory(pid: int) -> tuple[float, float, int]:
    """(peak RSS of the largest process, total PSS, number of processes) in MB, for a process tree."""
    peak = pss = 0.0
    pids = [pid, *_children(pid)]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
    return peak, pss, len(pids)


async def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float) -> float:
    started = time.perf_counter()
    async with ClientSession(timeout=ClientTimeout(total=2)) as session:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"exited with {proc.returncode} before it was healthy")
            with contextlib.suppress(OSError, asyncio.TimeoutError):
                async with session.get(url) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            await asyncio.sleep(0.05)
    raise RuntimeError(f"not healthy after {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


async def measure_bot(
    name: str,
    command: str,
    env: dict[str, str],
    port: int,
    channel: StandInChannel,
    args: argparse.Namespace,
    log: Path,
) -> BotResult:
    result = BotResult(name, command)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            shlex.split(command), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        result.cold_start = await wait_healthy(f"http://127.0.0.1:{port}/healthz", proc, args.start_timeout)
        endpoint = f"http://127.0.0.1:{port}/api/messages"
        await closed_loop(endpoint, channel, 4, args.warmup, seed=0, bot_pid=proc.pid)  # first model calls, connections
        for n, concurrency in enumerate(args.concurrency):
            await wait_quiet(proc.pid, args.quiet, args.quiet_wait)
            result.runs.append(
                await closed_loop(endpoint, channel, concurrency, args.seconds, seed=n + 1, bot_pid=proc.pid)
            )
        result.rss_mb, result.pss_mb, result.processes = memory(proc.pid)
    except RuntimeError as exc:
        result.error = f"{exc} (log: {log})"
    finally:
        stop(proc)
    return result


def best_of(measured: list[BotResult]) -> BotResult:
    """Per concurrency the round with the highest throughput (the least disturbed by other work on a
    shared machine, as timeit takes the minimum); memory and cold start the worst round's."""
    ok = [r for r in measured if not r.error] or measured[:1]
    best = BotResult(ok[0].name, ok[0].command, error=ok[0].error)
    if best.error:
        return best
    best.cold_start = max(r.cold_start for r in ok)
    best.rss_mb = max(r.rss_mb for r in ok)
    best.pss_mb = max(r.pss_mb for r in ok)
    best.processes = max(r.processes for r in ok)
    best.runs = [max(runs, key=lambda run: run.turns_per_second) for runs in zip(*(r.runs for r in ok), strict=True)]
    return best


def shipped_command() -> str:
    """The Dockerfile's serving command, bound to loopback instead of every interface."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    found = re.search(r'^CMD \["sh", "-c", "exec (gunicorn .+)"\]$', dockerfile, re.M)
    if not found or "0.0.0.0:${PORT}" not in found.group(1):
        raise SystemExit("cannot find the gunicorn command binding 0.0.0.0:${PORT} in deploy/Dockerfile")
    command = found.group(1).replace("0.0.0.0:${PORT}", "127.0.0.1:{port}")
    return "{bin}/" + command


def commands(args: argparse.Namespace, ports: dict[str, int]) -> dict[str, str]:
    python = shlex.quote(sys.executable)
    rolebot = args.rolebot_cmd or shipped_command()
    return {
        "rolebot": rolebot.format(port=ports["rolebot"], bin=BIN),
        "naive": f"{python} {SCRIPTS / 'naive_bot.py'} --port {ports['naive']}",
        "echo": f"{python} {SCRIPTS / 'echo_bot.py'} --port {ports['echo']}",
    }


def build_index(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "bot.cli", "index"], cwd=ROOT, env=env, check=True, capture_output=True)


def report(results: list[BotResult], args: argparse.Namespace) -> None:
    print(f"\nmachine: {os.cpu_count()} cores, {_cpu()}; Python {sys.version.split()[0]}")
    print(
        f"each run: {args.seconds:.0f} s closed loop after a {args.warmup:.0f} s warm-up; loopback;"
        f" best of {args.rounds} round(s); 'other CPU' = cores used by other processes meanwhile,"
        " 'load gen' = cores used by this script (conversations and stand-in channel), 'CPU/turn' = the bot's"
        " CPU time per turn, all its processes and threads\n"
    )
    header = (
        f"{'bot':8} {'conc':>4} {'turns/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'other CPU':>9}"
        f" {'load gen':>8} {'CPU/turn ms':>11}"
    )
    print(header + f" {'peak RSS MB':>11} {'PSS MB':>7} {'procs':>5} {'cold start s':>12}")
    for r in results:
        if r.error:
            print(f"{r.name:8} failed: {r.error}")
            continue
        for n, run in enumerate(r.runs):
            extra = f" {r.rss_mb:11.0f} {r.pss_mb:7.0f} {r.processes:5d} {r.cold_start:12.2f}" if n == 0 else ""
            print(
                f"{r.name:8} {run.concurrency:4d} {run.turns_per_second:8.1f} {run.percentile(50) * 1000:8.1f}"
                f" {run.percentile(99) * 1000:8.1f} {run.errors:6d} {run.other_cpu:9.2f} {run.loadgen_cpu:8.2f}"
                f" {run.bot_cpu_ms:11.2f}{extra}"
            )
    by_name = {r.name: r for r in results if not r.error}
    if "rolebot" in by_name:
        print()
        for other in ("naive", "echo"):
            if other not in by_name:
                continue
            for mine, theirs in zip(by_name["rolebot"].runs, by_name[other].runs, strict=False):
                ratio = mine.turns_per_second / theirs.turns_per_second if theirs.turns_per_second else float("inf")
                print(f"rolebot / {other} throughput at {mine.concurrency:2d} conversations: {ratio:.2f}x")


def _cpu() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


async def main_async(args: argparse.Namespace) -> list[BotResult]:
    channel = StandInChannel()
    await channel.start()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="rolebot-load-") as tmp:
            env = {
                **os.environ,
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
                "ROLEBOT_DATA_DIR": str(Path(tmp) / "data"),
                "ROLEBOT_INDEX_DIR": str(Path(tmp) / "index"),
                "ROLEBOT_HOST": "127.0.0.1",
                "APP_ID": "",
                "PYTHONPATH": str(ROOT),
            }
            env.pop("MicrosoftAppId", None)
            ports = {name: free_port() for name in ("rolebot", "naive", "echo", *args.extra)}
            env_for = {name: {**env, "PORT": str(port)} for name, port in ports.items()}
            if "rolebot" in args.bots or args.extra:
                build_index(env)  # cold start is measured with a built index, as in the container
            cmds = commands(args, ports)
            cmds.update({name: cmd.format(port=ports[name], bin=BIN) for name, cmd in args.extra.items()})
            rounds: dict[str, list[BotResult]] = {name: [] for name in args.bots}
            for round_ in range(args.rounds):
                for name in args.bots:
                    print(f"round {round_ + 1}, measuring {name}: {cmds[name]}", file=sys.stderr)
                    log = Path(tmp) / f"{name}.log"
                    result = await measure_bot(name, cmds[name], env_for[name], ports[name], channel, args, log)
                    if result.error and args.keep_logs:
                        kept = Path(args.keep_logs) / f"{name}.log"
                        kept.write_bytes(log.read_bytes())
                        result.error += f" kept at {kept}"
                    rounds[name].append(result)
            results = [best_of(measured) for measured in rounds.values()]
    finally:
        await channel.stop()
    print(f"channel received: {channel.received}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run (default 10)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before the runs (default 3)")
    parser.add_argument("--concurrency", default="1,32", help="comma-separated conversation counts (default 1,32)")
    parser.add_argument("--bots", default="rolebot,naive,echo", help="which bots, in order (default all three)")
    parser.add_argument(
        "--rolebot-cmd",
        default="",
        help="command serving rolebot on {port} (default: the container's gunicorn command on loopback)",
    )
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="also measure another build serving on {port}, e.g. an older checkout (git archive): 'sh -c \"cd OLD"
        " && exec env PYTHONPATH=OLD {bin}/gunicorn ...\"' (gunicorn's --chdir is not enough: it imports its"
        " --config module from the directory it starts in)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="measure each bot this many times, report the best")
    parser.add_argument(
        "--quiet", type=float, default=0.25, help="before a run, wait for other processes to use under this many cores"
    )
    parser.add_argument("--quiet-wait", type=float, default=30.0, help="... but at most this many seconds (default 30)")
    parser.add_argument("--start-timeout", type=float, default=120.0)
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument("--keep-logs", default="", help="copy a failed bot's log into this folder")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.extra = dict(extra.split("=", 1) for extra in args.extra)
    args.bots = [*args.extra, *(b for b in args.bots.split(",") if b)]
    unknown = set(args.bots) - {"rolebot", "naive", "echo", *args.extra}
    if unknown:
        parser.error(f"unknown bots: {', '.join(sorted(unknown))}")
    results = asyncio.run(main_async(args))
    report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
