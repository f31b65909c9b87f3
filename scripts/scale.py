"""Scale, measured: rolebot with 2, 50 and 200 templates on this machine.

    python scripts/scale.py [--sizes 2,50,200] [--seconds 10] [--json scale.json]

For each size: a folder with the two shipped templates and N - 2 invented ones (`tests/generated.py`:
distinct roles, areas, levels, competences and training), then
- **index**: `rolebot index` as a command (wall clock: imports, parsing, the model, embedding, writing),
  and the index's own build time from its manifest;
- **cold start**: the container's command (deploy/Dockerfile: gunicorn, two preloaded workers) on
  loopback until `/healthz` answers 200, with the index already built;
- **turns**: closed-loop conversations over the real Bot Framework protocol with a stand-in channel
  (as `scripts/loadtest.py`), at 1 and 32 conversations: turns/s, p50 and p99;
- **RSS**: peak RSS of the largest process, and the total PSS of the master and workers;
- **one-file reload**: one template is changed in the folder (a learning item added); the time until a
  question about that item is answered with it (first answer, then every answer for the next few
  seconds: both workers), with the server polling the folder every `--reload-poll` seconds.
Prints a table and the load average before and after each size: other sessions share the machine.
Not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from loadtest import (  # noqa: E402
    BIN,
    REPLY_TIMEOUT,
    StandInChannel,
    closed_loop,
    free_port,
    memory,
    shipped_command,
    stop,
    wait_healthy,
    wait_quiet,
)

from knowledge import default_dir  # noqa: E402
from tests.generated import generate  # noqa: E402

PROBE = "Lighthouse Keeping Awareness"  # an item no template has, added by the one-file change
PROBE_QUESTION = f"which roles need {PROBE}?"


@dataclass
class SizeResult:
    templates: int
    passages: int = 0
    index_command_s: float = float("nan")
    index_build_s: float = float("nan")
    cold_start_s: float = float("nan")
    turns: dict[int, dict[str, float]] = field(default_factory=dict)
    rss_mb: float = float("nan")
    pss_mb: float = float("nan")
    processes: int = 0
    reload_first_s: float = float("nan")
    reload_all_s: float = float("nan")
    load_before: str = ""
    load_after: str = ""
    error: str = ""


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def make_folder(folder: Path, n: int) -> Path:
    """The shipped templates and n - 2 generated ones; returns the generated file the reload changes."""
    folder.mkdir(parents=True)
    for path in default_dir().glob("*.txt"):
        shutil.copy(path, folder / path.name)
    changed = None
    for name, text in generate(max(0, n - 2)).items():
        (folder / name).write_text(text, encoding="utf-8")
        changed = folder / name
    return changed or folder / sorted(p.name for p in default_dir().glob("*.txt"))[0]


def change_one(path: Path) -> None:
    """Add the probe to the template's informal learning, written as a new file renamed into place."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("Informal learning\t"))
    lines[at] = lines[at].rstrip() + f"; {PROBE}"
    partial = path.with_name(".incoming.tmp")
    partial.write_text("\n".join(lines), encoding="utf-8")
    partial.rename(path)


async def ask(session: ClientSession, endpoint: str, channel: StandInChannel, text: str) -> str:
    """One turn over the protocol; the reply's text ('' when none arrived)."""
    activity_id = uuid.uuid4().hex
    future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    channel.waiting[activity_id] = future
    activity = {
        "type": "message",
        "id": activity_id,
        "channelId": "msteams",
        "serviceUrl": channel.url,
        "conversation": {"id": f"scale-{uuid.uuid4().hex[:8]}"},
        "from": {"id": "user-scale", "name": "Scale"},
        "recipient": {"id": "bot", "name": "RoleBot"},
        "text": text,
    }
    try:
        async with session.post(endpoint, json=activity) as response:
            await response.read()
        reply = await asyncio.wait_for(future, REPLY_TIMEOUT)
    except (TimeoutError, OSError):
        return ""
    finally:
        channel.waiting.pop(activity_id, None)
    return str(reply.get("text", ""))


async def measure_reload(endpoint: str, channel: StandInChannel, path: Path, timeout: float) -> tuple[float, float]:
    """(seconds until the first answer names the probe, until every answer does: the last one that
    did not, once 3 s of answers in a row have; either worker may answer a turn)."""
    async with ClientSession(timeout=ClientTimeout(total=REPLY_TIMEOUT)) as session:
        if PROBE in await ask(session, endpoint, channel, PROBE_QUESTION):
            raise RuntimeError("the probe is answered before the change")
        started = time.perf_counter()
        change_one(path)
        first: float | None = None
        all_since: float | None = None
        while time.perf_counter() - started < timeout:
            answered = PROBE in await ask(session, endpoint, channel, PROBE_QUESTION)
            now = time.perf_counter() - started
            if answered:
                first = now if first is None else first
                all_since = now if all_since is None else all_since
                if now - all_since >= 3.0:
                    return first, all_since
            else:
                all_since = None
            await asyncio.sleep(0.05)
        return first if first is not None else float("nan"), float("nan")


async def measure_size(n: int, args: argparse.Namespace, work: Path, channel: StandInChannel) -> SizeResult:
    result = SizeResult(n, load_before=load_average())
    folder = work / f"templates-{n}"
    changed = make_folder(folder, n)
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ROLEBOT_KNOWLEDGE_DIR": str(folder),
        "ROLEBOT_INDEX_DIR": str(work / f"index-{n}"),
        "ROLEBOT_DATA_DIR": str(work / f"data-{n}"),
        "ROLEBOT_RELOAD_SECONDS": str(args.reload_poll),
        "ROLEBOT_HOST": "127.0.0.1",
        "APP_ID": "",
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MicrosoftAppId", None)
    started = time.perf_counter()
    subprocess.run([str(BIN / "rolebot"), "index"], cwd=ROOT, env=env, check=True, capture_output=True)
    result.index_command_s = time.perf_counter() - started
    manifest = json.loads((work / f"index-{n}" / "manifest.json").read_text(encoding="utf-8"))
    result.index_build_s, result.passages = manifest["build_seconds"], manifest["passages"]
    print(f"{n} templates: index {result.index_command_s:.1f} s ({result.passages} passages)", file=sys.stderr)

    command = shipped_command().format(port=port, bin=BIN)
    log = work / f"serve-{n}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            shlex.split(command), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        result.cold_start_s = await wait_healthy(f"http://127.0.0.1:{port}/healthz", proc, args.start_timeout)
        print(f"{n} templates: healthy after {result.cold_start_s:.1f} s", file=sys.stderr)
        endpoint = f"http://127.0.0.1:{port}/api/messages"
        await closed_loop(endpoint, channel, 4, args.warmup, seed=0, bot_pid=proc.pid)
        for i, concurrency in enumerate(args.concurrency):
            await wait_quiet(proc.pid, args.quiet, args.quiet_wait)  # other sessions share the machine
            run = await closed_loop(endpoint, channel, concurrency, args.seconds, seed=i + 1, bot_pid=proc.pid)
            result.turns[concurrency] = {
                "turns_per_s": run.turns_per_second,
                "p50_ms": run.percentile(50) * 1000,
                "p99_ms": run.percentile(99) * 1000,
                "errors": run.errors,
                "other_cpu": run.other_cpu,  # cores other processes used during the run
                "cpu_ms_per_turn": run.bot_cpu_ms,
            }
            print(f"{n} templates, {concurrency} conversations: {result.turns[concurrency]}", file=sys.stderr)
        result.rss_mb, result.pss_mb, result.processes = memory(proc.pid)
        result.reload_first_s, result.reload_all_s = await measure_reload(
            endpoint, channel, changed, args.reload_timeout
        )
        print(f"{n} templates: reload {result.reload_first_s:.1f} s / {result.reload_all_s:.1f} s", file=sys.stderr)
    except RuntimeError as exc:
        result.error = f"{exc} (log: {log})"
    finally:
        stop(proc)
        result.load_after = load_average()
        if args.keep_logs:
            shutil.copy(log, Path(args.keep_logs) / log.name)
    return result


def _turns(r: SizeResult, c: int) -> str:
    t = r.turns.get(c, {})
    nan = float("nan")
    return (
        f"{t.get('turns_per_s', nan):.1f}/s, {t.get('p50_ms', nan):.1f} ms, {t.get('p99_ms', nan):.1f} ms"
        f" (other {t.get('other_cpu', nan):.2f})"
    )


def report(results: list[SizeResult], args: argparse.Namespace) -> None:
    print(f"\nmachine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; runs of {args.seconds:.0f} s")
    print(f"one-file reload: the server polls every {args.reload_poll} s, and acts once the folder has settled")
    print("(other N): cores that other processes used during that run (the machine has 2)")
    c1, c32 = args.concurrency[0], args.concurrency[-1]
    header = (
        "| templates | passages | `rolebot index` | index build | cold start | peak RSS (largest) | PSS (all) |"
        f" reload: first / all | {c1} conv.: turns/s, p50, p99 | {c32} conv.: turns/s, p50, p99 | load before / after |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for r in results:
        if r.error:
            print(f"| {r.templates} | failed: {r.error} |")
            continue
        print(
            f"| {r.templates} | {r.passages} | {r.index_command_s:.1f} s | {r.index_build_s:.1f} s"
            f" | {r.cold_start_s:.1f} s | {r.rss_mb:.0f} MB | {r.pss_mb:.0f} MB ({r.processes})"
            f" | {r.reload_first_s:.1f} s / {r.reload_all_s:.1f} s | {_turns(r, c1)} | {_turns(r, c32)}"
            f" | {r.load_before} / {r.load_after} |"
        )


async def main_async(args: argparse.Namespace) -> list[SizeResult]:
    channel = StandInChannel()
    await channel.start()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="rolebot-scale-") as tmp:
            for n in args.sizes:
                results.append(await measure_size(n, args, Path(tmp), channel))
    finally:
        await channel.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="2,50,200", help="numbers of templates (default 2,50,200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per closed loop (default 10)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", default="1,32")
    parser.add_argument("--reload-poll", type=float, default=1.0, help="ROLEBOT_RELOAD_SECONDS for the server")
    parser.add_argument("--reload-timeout", type=float, default=900.0)
    parser.add_argument("--start-timeout", type=float, default=600.0)
    parser.add_argument(
        "--quiet", type=float, default=0.3, help="before a run, wait for other processes to use under this many cores"
    )
    parser.add_argument("--quiet-wait", type=float, default=60.0, help="... but at most this many seconds")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument("--keep-logs", default="", help="copy each server's log into this folder")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    results = asyncio.run(main_async(args))
    report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
