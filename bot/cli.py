"""The `rolebot` command line: one group, clear subcommands, JSON on request.

rolebot knowledge              # what the templates hold, per role
rolebot knowledge --json       # the same as JSON records, with sources
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge import RolebotError, load_knowledge
from knowledge.records import KnowledgeBase, RoleProfile
from knowledge.serialize import knowledge_to_list

from .settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
        logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
        return int(args.handler(args, settings))
    except RolebotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rolebot",
        description="Answers NHS staff questions about their role profiles, citing the templates.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    knowledge = sub.add_parser(
        "knowledge",
        help="summarise what the templates hold (per role); --json for the records",
        description="Parse the knowledge folder and summarise each role profile. Exits 1 if any"
        " template could not be parsed (the others are still shown).",
    )
    knowledge.add_argument("--json", action="store_true", help="print the records as JSON")
    _dir_option(knowledge)
    knowledge.set_defaults(handler=_knowledge)
    return parser


def _dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="knowledge folder of .txt/.md templates"
        " (default: $ROLEBOT_KNOWLEDGE_DIR, else the packaged templates)",
    )


def _knowledge_dir(args: argparse.Namespace, settings: Settings) -> Path | None:
    return args.dir or settings.knowledge_dir


def _knowledge(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(_knowledge_dir(args, settings))
    if args.json:
        json.dump(knowledge_to_list(kb), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(summarise(kb))
    for error in kb.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if kb.errors else 0


def summarise(kb: KnowledgeBase) -> str:
    blocks = [_summary(p) for p in kb.profiles]
    blocks.append(f"General framework passages: {len(kb.general)} (shared text kept once)")
    return "\n\n".join(blocks)


def _summary(p: RoleProfile) -> str:
    counts = ", ".join(
        f"{s} {len(p.competences_in(s))}" for s in ("core", "role-specific", "locality-specific")
    )
    informal = p.learning_field("informal")
    statutory = p.cpd_field("statutory_mandatory")
    lines = [
        f"{p.role} ({p.short_name}): career framework level {p.level}",
        f"  file: {p.file}  |  {' '.join(x for x in (p.status, p.date) if x)}  |  {p.publisher}",
        f"  area of work: {p.area_of_work}",
        f"  competences: {counts}",
        f"  experience items: {len(p.experience_items)}"
        f"; informal learning items: {len(informal.items) if informal else 0}"
        f"; statutory and mandatory items: {len(statutory.items) if statutory else 0}"
        f"; references: {len(p.references)}",
    ]
    blank = [f.label for f in (*p.learning, *p.cpd) if f.is_blank]
    if blank:
        lines.append("  left blank in the template: " + "; ".join(blank))
    if p.warnings:
        lines.append("  warnings:")
        lines.extend(f"    line {w.line}: {w.message}" if w.line else f"    {w.message}" for w in p.warnings)
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
