"""Print figures for PDF/Word reading and for a reload under way (2 cores, packaged MiniLM).

    python scripts/reload_benchmark.py

- parse time of each shipped template as text, PDF and Word (rendered here as in the tests);
- a reload: the time from a template dropped into the folder to the new index swapped in, and the
  event loop's longest stall meanwhile (questions must keep being answered), with the time to
  answer a question (embed + answer) while the rebuild runs, against the same when idle.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.reload import Reloader  # noqa: E402
from bot.runtime import load_runtime  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index import BatchingEmbedder  # noqa: E402
from knowledge import default_dir, parse_template  # noqa: E402
from tests.documents import header_for, to_docx, to_pdf  # noqa: E402

QUESTION = "what training does an engagement worker need?"


def parse_figures() -> None:
    print("parse (median of 3):")
    for path in sorted(default_dir().glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for kind, data in (
            ("txt", path.read_bytes()),
            ("pdf", to_pdf(text, header_for(text))),
            ("docx", to_docx(text)),
        ):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                parsed = parse_template(data, f"{path.stem}.{kind}")
                times.append(time.perf_counter() - started)
            reading = parsed.reading
            what = f"{reading.pages} pages" if reading and reading.pages else f"{reading.lines if reading else 0} lines"
            size = f"{len(data) / 1024:6.0f} KiB"
            print(f"  {path.stem[:40]:40} {kind:4} {size} {what:>10}  {statistics.median(times):.2f} s")


async def reload_figures() -> None:
    work = Path(tempfile.mkdtemp(prefix="rolebot-reload-"))
    try:
        folder = work / "templates"
        folder.mkdir()
        names = sorted(p.name for p in default_dir().glob("*.txt"))
        shutil.copy(default_dir() / names[0], folder / names[0])
        settings = Settings.from_env({"ROLEBOT_KNOWLEDGE_DIR": str(folder), "ROLEBOT_INDEX_DIR": str(work / "index")})
        runtime = load_runtime(settings)
        batcher = BatchingEmbedder(runtime.embedder)
        swapped: list[float] = []
        reloader = Reloader(folder, work / "index", runtime, lambda new: swapped.append(time.perf_counter()), 0.2)

        async def answer_time() -> float:
            started = time.perf_counter()
            engine = reloader.runtime.engine
            vector = await batcher.embed(engine.retrieval_text(QUESTION))
            engine.answer(QUESTION, None, vector)
            return time.perf_counter() - started

        idle = [await answer_time() for _ in range(20)]
        stalls: list[float] = []
        busy: list[float] = []

        async def ticker() -> None:
            while not swapped:
                before = time.perf_counter()
                await asyncio.sleep(0.01)
                stalls.append(time.perf_counter() - before - 0.01)

        task = asyncio.create_task(reloader.run())
        tick = asyncio.create_task(ticker())
        second = names[1]
        text = (default_dir() / second).read_text(encoding="utf-8")
        data = to_pdf(text, header_for(text))
        dropped = time.perf_counter()
        (folder / f"{Path(second).stem}.pdf").write_bytes(data)
        while not swapped:
            busy.append(await answer_time())
            await asyncio.sleep(0.05)
        await tick
        task.cancel()
        reloader.close()
        batcher.close()
        print("reload (one PDF template added to a folder of one, poll every 0.2 s):")
        print(f"  dropped -> swapped in: {swapped[0] - dropped:.1f} s (includes one settle poll)")
        print(f"  longest event-loop stall during it: {max(stalls) * 1000:.0f} ms")
        print(
            f"  a question (embed + answer), median: idle {statistics.median(idle) * 1000:.0f} ms,"
            f" during the rebuild {statistics.median(busy) * 1000:.0f} ms ({len(busy)} asked)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    parse_figures()
    asyncio.run(reload_figures())
