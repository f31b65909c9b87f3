"""Benchmark: index build time, model load, and per-question latency single and batched.

    python scripts/benchmark.py [--repeat 3]

Prints figures; asserts nothing (speed is checked by reading these, never by timed tests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.answering.engine import ConversationState, Engine
from bot.answering.evaluation import default_eval_file
from index import BatchingEmbedder, build_index, make_embedder
from knowledge import load_knowledge


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    questions = [c["ask"][-1].lstrip("+") for c in json.loads(default_eval_file().read_text())]

    started = time.perf_counter()
    kb = load_knowledge()
    print(f"parse templates: {ms(time.perf_counter() - started)} ({len(kb.profiles)} profiles)")
    started = time.perf_counter()
    embedder = make_embedder()
    print(f"load model: {ms(time.perf_counter() - started)}")
    builds = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            started = time.perf_counter()
            index = build_index(kb, embedder, Path(tmp) / f"index{n}")
            builds.append(time.perf_counter() - started)
    print(f"build index: median {ms(statistics.median(builds))} ({len(index.passages)} passages, {args.repeat} runs)")

    engine = Engine(kb, index, embedder)
    embed_single = []
    answer_single = []
    for question in questions:
        started = time.perf_counter()
        vector = embedder.embed(engine.retrieval_text(question))
        middle = time.perf_counter()
        engine.answer(question, ConversationState(), vector)
        done = time.perf_counter()
        embed_single.append(middle - started)
        answer_single.append(done - middle)
    total = [a + b for a, b in zip(embed_single, answer_single, strict=True)]
    print(
        f"single question ({len(questions)}): median {ms(statistics.median(total))}"
        f" (embed {ms(statistics.median(embed_single))}, answer {ms(statistics.median(answer_single))}),"
        f" p95 {ms(sorted(total)[int(len(total) * 0.95)])}"
    )

    async def batched() -> float:
        batcher = BatchingEmbedder(embedder, max_wait=0.01)
        started = time.perf_counter()
        vectors = await asyncio.gather(*(batcher.embed(engine.retrieval_text(q)) for q in questions))
        for question, vector in zip(questions, vectors, strict=True):
            engine.answer(question, ConversationState(), vector)
        batcher.close()
        return time.perf_counter() - started

    elapsed = asyncio.run(batched())
    print(
        f"batched ({len(questions)} arriving together): {ms(elapsed)} in all,"
        f" {ms(elapsed / len(questions))} per question"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {rss:.0f} MB")


if __name__ == "__main__":
    main()
