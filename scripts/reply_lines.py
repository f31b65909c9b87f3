"""How long the replies to the evaluation sets are, as the Teams client shows them.

    python scripts/reply_lines.py [--show 10] [--dump replies.txt]

Counts the lines of each reply's message text (what shows before any "Show all"), over every case of
every evaluation set, and prints the median, the 90th percentile and the longest replies.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.answering.engine import ConversationState
from bot.runtime import load_runtime
from bot.settings import Settings
from bot.teams.render import line_count, render_answer

ROOT = Path(__file__).resolve().parent.parent
SETS = ("questions.json", "holdout.json", "blind.json", "blind2.json", "blind3.json", "blind4.json")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", type=int, default=10, help="how many of the longest replies to name")
    parser.add_argument("--dump", type=Path, help="write every rendered reply to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as index_dir:
        runtime = load_runtime(Settings.from_env({"ROLEBOT_INDEX_DIR": index_dir}))
        rows: list[tuple[int, str, str]] = []
        dump: list[str] = []
        for name in SETS:
            for case in json.loads((ROOT / "tests" / "eval" / name).read_text()):
                if case.get("templates", "shipped") != "shipped":
                    continue  # asked with the invented family loaded
                state = ConversationState()
                for turn in case["ask"]:
                    answer, state = runtime.engine.answer(turn.lstrip("+").strip(), state)
                activity = render_answer(answer)
                lines = line_count(activity["text"])
                rows.append((lines, f"{name}:{case['id']}", case["ask"][-1]))
                dump.append(f"### {name}:{case['id']} ({lines} lines) {case['ask']}\n{json.dumps(activity, indent=1)}")
    counts = sorted(r[0] for r in rows)
    p90 = counts[min(len(counts) - 1, round(0.9 * (len(counts) - 1)))]
    print(f"{len(counts)} replies: median {statistics.median(counts)} lines, p90 {p90}, max {counts[-1]}")
    for lines, case, question in sorted(rows, reverse=True)[: args.show]:
        print(f"{lines:4d}  {case}  {question}")
    if args.dump:
        args.dump.write_text("\n\n".join(dump), encoding="utf-8")


if __name__ == "__main__":
    main()
