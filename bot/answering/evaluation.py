"""`rolebot eval FILE`: run evaluation questions through the engine and report.

A case is a conversation (`ask`: one or more turns; a leading '+' on a turn is allowed and means
"same conversation"), checked on the last answer:
- `must` / `must_not`: phrases (case-insensitive) that must / must not appear in the text;
- `roles`: short names whose templates must be cited;
- `decline`: whether the bot must decline (then with no citations);
- `relevant`: for free-form questions, phrases of the passages retrieval should find (recall@5, MRR);
- `starts`: acceptable beginnings of the answer's first line (a direct answer comes first: "Yes",
  "No", a number, the role names); markup and citation markers are ignored;
- `class` (or `topic`): the group the case is reported under.
Every answer is also checked for well-formed citations: each [n] marker has a citation and each
citation is used.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge import RolebotError

from .answer import MAX_CITATIONS, Answer
from .asking import find_ask
from .checking import BLANK
from .engine import ConversationState, Engine
from .understanding import understand, words
from .verdict import yes_no_asked


class EvalFileError(RolebotError):
    """The evaluation file is missing or malformed."""


@dataclass
class CaseResult:
    id: str
    topic: str
    question: str
    passed: bool
    reasons: list[str]
    answer: Answer


@dataclass
class Report:
    results: list[CaseResult] = field(default_factory=list)
    ranks: list[int | None] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return sum(r.passed for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def recall_at_5(self) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= 5) / len(self.ranks) if self.ranks else 0.0

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r) / len(self.ranks) if self.ranks else 0.0


def default_eval_file() -> Path:
    path = Path(__file__).resolve().parent.parent.parent / "tests" / "eval" / "questions.json"
    if not path.is_file():
        raise EvalFileError("no evaluation file given and tests/eval/questions.json is not here; pass FILE")
    return path


def load_cases(path: Path) -> list[dict[str, Any]]:
    try:
        cases = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalFileError(f"evaluation file {path} does not exist") from None
    except ValueError as exc:
        raise EvalFileError(f"evaluation file {path} is not valid JSON: {exc}") from None
    if not isinstance(cases, list) or not all(isinstance(c, dict) and c.get("ask") for c in cases):
        raise EvalFileError(f"evaluation file {path} must be a list of objects, each with 'ask'")
    return cases


def check(answer: Answer, case: dict[str, Any], short_names: dict[str, str]) -> list[str]:
    reasons = []
    text = answer.text.lower()
    for phrase in case.get("must", []):
        if phrase.lower() not in text:
            reasons.append(f"missing {phrase!r}")
    for phrase in case.get("must_not", []):
        if phrase.lower() in text:
            reasons.append(f"should not say {phrase!r}")
    cited = {short_names.get(c.role or "", "") for c in answer.citations}
    for role in case.get("roles", []):
        if role not in cited:
            reasons.append(f"does not cite the {role} template")
    decline = bool(case.get("decline", False))
    if answer.declined != decline:
        reasons.append("declined" if answer.declined else "did not decline")
    if decline and answer.citations:
        reasons.append("a declined answer has citations")
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    positions = {c.position for c in answer.citations}
    if markers != positions:
        reasons.append(f"markers {sorted(markers)} do not match citations {sorted(positions)}")
    if len(answer.citations) > MAX_CITATIONS:
        reasons.append(f"{len(answer.citations)} citations (more than {MAX_CITATIONS})")
    if not decline and case.get("roles") and not answer.citations:
        reasons.append("no citations")
    starts = case.get("starts") or []
    first = first_line(answer.text)
    if starts and not any(first.lower().startswith(s.lower()) for s in starts):
        reasons.append(f"first line {first[:60]!r} does not start with one of {starts}")
    return reasons


def first_line(text: str) -> str:
    """The answer's first line as a person reads it: no bold markers, bullets or citation markers."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    return re.sub(r"\*\*|\[\d+\]|^\s*[-•>]\s*", "", line).strip()


def line_count(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def run_eval(engine: Engine, path: Path, templates: str | None = None) -> Report:
    """Run the cases of `path`; with `templates`, only those asked of that set of templates (a case's
    `templates`: 'shipped', the default, or e.g. 'family': the shipped two with an invented family)."""
    cases = load_cases(path)
    if templates is not None:
        cases = [c for c in cases if c.get("templates", "shipped") == templates]
    short_names = {p.role: p.short_name for p in engine.kb.profiles}
    report = Report()
    for case in cases:
        state = ConversationState()
        answer: Answer | None = None
        turns = [t.lstrip("+").strip() for t in case["ask"]]
        for turn in turns:
            answer, state = engine.answer(turn, state)
        assert answer is not None
        reasons = check(answer, case, short_names)
        report.results.append(
            CaseResult(
                str(case.get("id", turns[-1])),
                str(case.get("class") or case.get("topic") or "other"),
                " / ".join(turns),
                not reasons,
                reasons,
                answer,
            )
        )
        if case.get("relevant"):
            report.ranks.append(_rank(engine, turns[-1], case["relevant"]))
    return report


def _rank(engine: Engine, question: str, relevant: list[str]) -> int | None:
    """Rank (1-based) of the first retrieved passage containing a relevant phrase, in the top 10."""
    q = understand(question, engine.finder)
    roles = {p.role for p in q.roles.profiles} or None
    vector = engine.embedder.embed(engine.retrieval_text(question)) if engine.embedder else None
    hits = engine.index.search(engine.keyword_query(q.text), vector, roles=roles, k=10)
    for rank, hit in enumerate(hits, start=1):
        if any(r.lower() in hit.passage.quote.lower() for r in relevant):
            return rank
    return None


def format_report(report: Report) -> str:
    lines = [f"pass rate: {report.pass_rate:.1%} ({sum(r.passed for r in report.results)}/{len(report.results)})"]
    by_topic: dict[str, list[CaseResult]] = defaultdict(list)
    for r in report.results:
        by_topic[r.topic].append(r)
    lines.append("by topic:")
    for topic, results in sorted(by_topic.items()):
        passed = sum(r.passed for r in results)
        lines.append(f"  {topic:14} {passed}/{len(results)}")
    if report.ranks:
        lines.append(
            f"retrieval on free-form questions ({len(report.ranks)}): recall@5 {report.recall_at_5:.2f},"
            f" MRR {report.mrr:.2f}"
        )
    answered = [r.answer for r in report.results if not r.answer.declined]
    if answered:
        cites = sorted(len(a.citations) for a in answered)
        lengths = sorted(line_count(a.text) for a in answered)
        lines.append(
            f"replies ({len(answered)} answered): citations max {cites[-1]}, median {cites[len(cites) // 2]};"
            f" lines median {lengths[len(lengths) // 2]}, p90 {lengths[int(len(lengths) * 0.9)]}, max {lengths[-1]}"
        )
    failures = [r for r in report.results if not r.passed]
    if failures:
        lines.append("failures:")
        for r in failures:
            lines.append(f"  {r.id}: {r.question}")
            lines.extend(f"    - {reason}" for reason in r.reasons)
    return "\n".join(lines)


# -- answers that say more than their evidence -----------------------------------------------------------------

# Where a reply names what it did not find: "No competence in the X template mentions <subject>", ...
_NAMED_ABSENT = re.compile(
    r"(?:mentions|do not mention|does not mention|does not ask for|has no entry naming|no training entry names)"
    r" (?P<what>[^.,\[\n:;]+)",
    re.IGNORECASE,
)


def confident_wrong(question: str, answer: Answer, grounded: Callable[[str], bool]) -> list[str]:
    """What makes an answer misread or contradict itself, whether or not its case passes: a "No" that names
    the asker's own words set aside as context ("mentions union rep chairing meetings"); a first word (Yes,
    No, a number) that the lines under it contradict; a yes/no to a question that asked for something."""
    problems = []
    ask = find_ask(question)
    asked = set(words(ask.text))
    first = first_line(answer.text)
    for m in _NAMED_ABSENT.finditer(answer.text):
        echoed = [w for w in words(m.group("what")) if len(w) > 2 and not grounded(w) and w not in asked]
        if echoed:
            problems.append(f"names the asker's context as its subject: {' '.join(echoed)!r}")
    if (
        re.match(r"No[.,:!]", first)
        and BLANK.search(ask.text)
        and re.search(r"\bleaves? (?:this|it) blank|left blank", answer.text)
    ):
        problems.append("'No' to 'is it blank?' above a field the template leaves blank")
    if (
        re.match(r"Yes[.,:!]", first)
        and len(answer.roles) <= 1
        and re.search(r"^No competence|do not mention", answer.text, re.M)
    ):
        problems.append("'Yes' above a line saying the template does not have it")
    counted = re.match(r"(\d+) ([\w-]+ )?competences\b", first)
    listed = re.search(r":\s*(\d+) listed\b", answer.text)
    if counted and listed and len(answer.roles) == 1 and counted.group(1) != listed.group(1) and not counted.group(2):
        problems.append(f"says {counted.group(1)} but lists {listed.group(1)}")
    if re.match(r"(?:Yes|No)[.,:!]", first) and not yes_no_asked(ask.parts[0]):  # the first question asked
        problems.append("a yes/no to a question that asked for something")
    return problems
