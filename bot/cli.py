"""The `rolebot` command line: one group, clear subcommands, JSON on request.

rolebot knowledge              # what the templates hold, per role
rolebot knowledge --json       # the same as JSON records, with sources
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge import RolebotError, load_knowledge
from knowledge.records import FileReport, KnowledgeBase, RoleProfile
from knowledge.serialize import knowledge_to_list

from .answering.answer import Answer
from .answering.engine import ConversationState
from .logs import configure as configure_logging
from .runtime import Runtime, load_runtime
from .settings import SETTINGS, Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level)
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
        epilog="settings (environment variables):\n"
        + "\n".join(f"  {s.name:26} {s.help} (default: {s.default or 'empty'})" for s in SETTINGS),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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

    index = sub.add_parser(
        "index",
        help="build the on-disk index (rebuilds it)",
        description="Build the index folder from the templates and print its manifest.",
    )
    _dir_option(index)
    index.set_defaults(handler=_index)

    ask = sub.add_parser(
        "ask",
        help="answer one question, with citations",
        description="Answer one question from the templates. Builds the index if needed.",
    )
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _dir_option(ask)
    ask.set_defaults(handler=_ask)

    chat = sub.add_parser(
        "chat",
        help="a conversation in the terminal (same bot logic as Teams)",
        description="Talk to the bot in the terminal. The role and topic carry over between"
        " questions. Ctrl-D or 'quit' to leave.",
    )
    _dir_option(chat)
    chat.set_defaults(handler=_chat)

    serve = sub.add_parser(
        "serve",
        help="run the Bot Framework endpoint (POST /api/messages, GET /healthz)",
        description="Serve the bot over HTTP for Teams and other Bot Framework channels. Builds the index if"
        " needed. Without APP_ID it runs in local mode (no authentication) for the Agents Playground.",
    )
    serve.add_argument("--host", default=None, help="address to listen on (default: $ROLEBOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3978)")
    serve.set_defaults(handler=_serve)

    feedback = sub.add_parser(
        "feedback",
        help="export feedback and the questions the bot declined",
        description="Print the feedback staff gave on answers, and the questions the bot could not answer"
        " from the templates, for the people who maintain the templates.",
    )
    feedback.add_argument("--csv", action="store_true", help="CSV with a header row")
    feedback.set_defaults(handler=_feedback)

    purge = sub.add_parser(
        "purge",
        help="delete stored data past its retention period, or one person's data",
        description="Delete questions, answers and feedback older than ROLEBOT_RETENTION_DAYS and conversation"
        " memory older than ROLEBOT_MEMORY_RETENTION_DAYS (rolebot serve also does this every 6 hours). With"
        " --user, also erase everything stored about that person, and the memory of the conversations they"
        " asked in. Prints what was deleted.",
    )
    purge.add_argument("--user", metavar="AAD_OBJECT_ID", default=None, help="erase this person's data")
    purge.add_argument("--json", action="store_true", help="print the counts as JSON")
    purge.set_defaults(handler=_purge)

    package = sub.add_parser(
        "teams-package",
        help="build the Teams app package (zip) to upload",
        description="Build the Teams app zip: manifest (schema v1.22) with the bot in personal, team and"
        " group chat scopes and a command list, plus colour and outline icons.",
    )
    package.add_argument("--bot-id", required=True, help="the Azure Bot's Microsoft App ID (a GUID)")
    package.add_argument("--name", default="RoleBot", help="short name shown in Teams (at most 30 characters)")
    package.add_argument("--out", type=Path, default=Path("rolebot-teams.zip"), help="zip to write")
    package.add_argument("--app-id", default=None, help="Teams app id (a GUID; default: the bot id)")
    package.add_argument("--version", dest="app_version", default="1.0.0", help="app version, e.g. 1.0.1")
    package.add_argument("--developer", default="Your NHS organisation", help="developer (organisation) name")
    package.add_argument("--website-url", default="https://www.example.nhs.uk/rolebot", help="https URL")
    package.add_argument("--privacy-url", default="https://www.example.nhs.uk/rolebot/privacy", help="https URL")
    package.add_argument("--terms-url", default="https://www.example.nhs.uk/rolebot/terms", help="https URL")
    package.set_defaults(handler=_teams_package)

    matrix = sub.add_parser(
        "matrix",
        help="write the training matrix: roles x training and roles x competences (XLSX or CSV)",
        description="Write one sheet of roles x training (statutory and mandatory, formal endorsed, informal)"
        " and one of roles x competences (by section and principle). Every cell quotes the role's own"
        " wording with its source (file and page, table or line); items worded differently across"
        " templates share a row. A .csv file gets one line per cell entry of both sheets.",
    )
    _dir_option(matrix)
    matrix.add_argument("--area", default=None, help="only the templates of this area of work")
    matrix.add_argument("--out", type=Path, default=Path("rolebot-matrix.xlsx"), help="FILE.xlsx or FILE.csv to write")
    matrix.set_defaults(handler=_matrix)

    evaluate = sub.add_parser(
        "eval",
        help="run an evaluation set and print the pass rate",
        description="Run the questions in FILE (JSON) and print the pass rate, a breakdown"
        " by topic, each failure, and retrieval recall@5 and MRR.",
    )
    evaluate.add_argument(
        "file",
        type=Path,
        nargs="?",
        default=None,
        help="evaluation file (default: the packaged tests/eval set when present)",
    )
    evaluate.add_argument("--min-pass", type=float, default=0.0, help="exit 1 below this pass rate (0-1)")
    _dir_option(evaluate)
    evaluate.set_defaults(handler=_eval)
    return parser


def _dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="knowledge folder of .txt/.md templates (default: $ROLEBOT_KNOWLEDGE_DIR, else the packaged templates)",
    )


def _knowledge_dir(args: argparse.Namespace, settings: Settings) -> Path | None:
    return args.dir or settings.knowledge_dir


def _knowledge(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(_knowledge_dir(args, settings))
    if args.json:
        json.dump(knowledge_to_list(kb), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(summarise(kb, _served_versions(settings.index_dir)))
    for error in kb.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if kb.errors else 0


def _served_versions(index_dir: Path) -> dict[str, tuple[str, str]]:
    """File -> (sha256, built_at) of the versions in the on-disk index (what a server serves)."""
    try:
        manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
        return {t["file"]: (t["sha256"], manifest.get("built_at", "")) for t in manifest.get("templates", [])}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _runtime(args: argparse.Namespace, settings: Settings, rebuild: bool = False) -> Runtime:
    if args.dir:
        settings = Settings.from_env(ROLEBOT_KNOWLEDGE_DIR=args.dir)
    return load_runtime(settings, rebuild=rebuild)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from .teams.serving import serve

    serve(settings, args.host or settings.get("ROLEBOT_HOST"), args.port or settings.get("PORT"))
    return 0


def _teams_package(args: argparse.Namespace, settings: Settings) -> int:
    from .teams.package import PackageOptions, build_package

    options = PackageOptions(
        bot_id=args.bot_id,
        name=args.name,
        app_id=args.app_id,
        version=args.app_version,
        developer=args.developer,
        website_url=args.website_url,
        privacy_url=args.privacy_url,
        terms_url=args.terms_url,
    )
    out = build_package(options, args.out)
    print(f"wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app) or the Teams admin centre")
    if "example.nhs.uk" in " ".join((args.website_url, args.privacy_url, args.terms_url)):
        print("note: set --website-url, --privacy-url and --terms-url to your organisation's pages", file=sys.stderr)
    return 0


def _feedback(args: argparse.Namespace, settings: Settings) -> int:
    from .teams.feedback import export_csv, export_text
    from .teams.storage import open_feedback

    store = open_feedback(settings)
    rows = store.rows()
    store.close()
    print(export_csv(rows) if args.csv else export_text(rows), end="" if args.csv else "\n")
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from .teams.retention import purge
    from .teams.storage import close_state, open_feedback, open_state

    async def run() -> dict[str, int]:
        state, feedback = open_state(settings), open_feedback(settings)
        try:
            return await purge(state, feedback, settings, user=args.user)
        finally:
            feedback.close()
            await close_state(state)

    counts = asyncio.run(run())
    if args.json:
        print(json.dumps(counts))
    else:
        print("deleted: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def _matrix(args: argparse.Namespace, settings: Settings) -> int:
    from .matrix import build_matrix, in_area, write_csv, write_xlsx

    kb = load_knowledge(_knowledge_dir(args, settings))
    for error in kb.errors:
        print(f"error: {error}", file=sys.stderr)
    profiles = in_area(kb.profiles, args.area)
    if not profiles:
        areas = "; ".join(sorted({p.area_of_work for p in kb.profiles}))
        print(f"error: no template has the area of work {args.area!r} (the templates have: {areas})", file=sys.stderr)
        return 1
    matrix = build_matrix(profiles)
    suffix = args.out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        print(f"error: --out must end in .xlsx or .csv, not {args.out.name!r}", file=sys.stderr)
        return 1
    out = write_csv(matrix, args.out) if suffix == ".csv" else write_xlsx(matrix, args.out)
    print(
        f"wrote {out}: {len(profiles)} roles, {len(matrix.training)} training rows,"
        f" {len(matrix.competences)} competence rows"
    )
    return 1 if kb.errors else 0


def _index(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _runtime(args, settings, rebuild=True)
    print(json.dumps(runtime.index.manifest, indent=2))
    return 1 if runtime.kb.errors else 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _runtime(args, settings)
    answer, _ = runtime.engine.answer(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_text(answer))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _runtime(args, settings)
    state = ConversationState()
    print("Ask about a role profile (Ctrl-D or 'quit' to leave).")
    while True:
        try:
            question = input("you> ")
        except EOFError:
            print()
            return 0
        if question.strip().lower() in {"quit", "exit", "bye"}:
            return 0
        answer, state = runtime.engine.answer(question, state)
        print(render_text(answer))
        print()


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from .answering.evaluation import default_eval_file, format_report, run_eval

    runtime = _runtime(args, settings)
    report = run_eval(runtime.engine, args.file or default_eval_file())
    print(format_report(report))
    return 1 if report.pass_rate < args.min_pass else 0


def render_text(answer: Answer) -> str:
    """An answer for a terminal: the text, then the sources, then suggested follow-ups."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            where = c.location or f"lines {c.line_start}-{c.line_end}"
            lines.append(f"  [{c.position}] {c.name} ({c.file}, {where})")
            lines.append(f'      "{c.abstract}"')
    if answer.suggestions:
        lines.append("")
        lines.append("You could ask: " + " | ".join(s.question for s in answer.suggestions))
    return "\n".join(lines)


_FORMAT_NAMES = {"text": "text", "markdown": "markdown", "pdf": "PDF", "docx": "Word"}


def summarise(kb: KnowledgeBase, served: dict[str, tuple[str, str]] | None = None) -> str:
    """Per file: its format, what was read, the records found or why it was skipped, warnings."""
    by_file = {p.file: p for p in kb.profiles}
    blocks = []
    reports = kb.files or tuple(_report_of(p) for p in kb.profiles)
    for report in reports:
        blocks.append(_file_summary(report, by_file.get(report.file), (served or {}).get(report.file)))
    blocks.append(f"General framework passages: {len(kb.general)} (shared text kept once)")
    return "\n\n".join(blocks) + "\n\n" + _totals(reports, by_file)


def _totals(reports: Sequence[FileReport], by_file: dict[str, RoleProfile]) -> str:
    """The one closing line: templates read, files skipped, warnings (as listed above)."""
    read = [r for r in reports if r.status == "served" and r.file in by_file]
    warnings = sum(len(by_file[r.file].warnings) + len(r.warnings) for r in read)
    skipped = len(reports) - len(read)
    return (
        f"{len(read)} template{'s' if len(read) != 1 else ''} read, {skipped} file{'s' if skipped != 1 else ''}"
        f" skipped, {warnings} warning{'s' if warnings != 1 else ''}"
    )


def _report_of(p: RoleProfile) -> FileReport:
    return FileReport(p.file, "text", "served", "", role=p.role)


def _file_summary(report: FileReport, profile: RoleProfile | None, served: tuple[str, str] | None) -> str:
    read = [_FORMAT_NAMES.get(report.format, report.format)]
    if report.pages:
        read.append(f"{report.pages} page{'s' if report.pages != 1 else ''}")
    if report.tables or report.format in ("pdf", "docx"):
        read.append(f"{report.tables} table{'s' if report.tables != 1 else ''}")
    if report.lines and report.format not in ("pdf", "docx"):
        read.append(f"{report.lines} lines")
    head = f"{report.file} ({', '.join(read)} read)" if report.status == "served" else f"{report.file} ({read[0]})"
    if report.status == "not-a-template":
        return f"{head}: not a role profile template, skipped ({report.reason.split(': ', 1)[-1]})"
    if report.status != "served" or profile is None:
        lines = [f"{head}: NOT READ: {report.reason}"]
        if served is not None and served[0] != report.digest:
            lines.append(
                f"  a server using this index keeps serving the previous good version of {report.file}"
                f" (index built {served[1]}) until the file is fixed"
            )
        else:
            lines.append("  skipped: nothing from this file is served")
        return "\n".join(lines)
    return f"{head}\n" + _summary(profile, report.warnings)


def _summary(p: RoleProfile, notes: Sequence[str] = ()) -> str:
    counts = ", ".join(f"{s} {len(p.competences_in(s))}" for s in ("core", "role-specific", "locality-specific"))
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
    if p.warnings or notes:
        lines.append("  warnings:")
        for w in p.warnings:
            lines.append(f"    {w.location}: {w.message}" if w.location else f"    {w.message}")
        lines.extend(f"    {note}" for note in notes)
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
