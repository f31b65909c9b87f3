"""Finding the ask: which part of a message is the question, which is context, and what the asker
wants done with the answer.

People write more than a question: who they are ("union rep here -", "HR business partner here."),
the situation ("we have two candidates ..."), and how they want the answer ("number first, then list
them so I can tick them off"). Only the question carries the operation and the subject; the context
may carry the role; output instructions shape the answer and are never its subject.

    >>> ask = find_ask("union rep here - is chairing meetings part of the engagement worker profile?")
    >>> ask.text
    'is chairing meetings part of the engagement worker profile?'
    >>> ask.context
    'union rep here'
    >>> find_ask("How many core competences does the SM have? Give me the number then list them").wants
    frozenset({'number', 'list'})
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that open a question or a request ("list the ...", "give me ...").
_OPENERS = (
    r"what|what's|whats|which|who|whom|whose|how|where|when|why|is|are|was|were|do|does|did|can|could|should"
    r"|would|will|must|may|might|has|have|had|any|list|give|tell|show|name|explain|describe|compare|summarise"
    r"|summarize|outline|please|pls|need|just"
)
_QUESTION_START = re.compile(rf"^\W*(?:{_OPENERS})\b", re.IGNORECASE)
# "I'm a Unison rep", "HR here", "quick one", "hi": who is asking, not what.
_SELF = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|morning|afternoon|quick (?:one|question|q)|sorry|thanks|thank you|cheers"
    r"|(?:i'?m|i am|im|we'?re|we are|this is)\b(?![^?]*\?)"
    r"|[\w&'/ ]{1,40}\bhere\b|[\w&' ]{1,30}\b(?:speaking|asking|question|query)$)",
    re.IGNORECASE,
)
# Output instructions: how to give the answer, or what it is for.
_WANTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "number",
        re.compile(
            r"\b(?:the )?(?:number|count|total|how many) (?:first|then|and then|before)\b"
            r"|\b(?:give|tell|say) (?:me )?(?:the )?(?:number|count|total)\b|\bnumber first\b",
            re.IGNORECASE,
        ),
    ),
    (
        "brief",
        re.compile(
            r"\b(?:short|quick|brief) answer\b|\bbriefly\b|\bin brief\b|\bquote (?:the template|it|them)\b"
            r"|\bword for word\b|\bverbatim\b|\bkeep it (?:short|brief)\b|\bplain english\b|\byes or no\b",
            re.IGNORECASE,
        ),
    ),
    (
        "list",
        re.compile(
            r"\b(?:then |and |also )?(?:list|name|show) (?:them|each|every one|all|the lot)\b"
            r"|\b(?:then|and|also|plus) (?:the |a )?(?:list|titles|names)\b"
            r"|\bevery (?:one|single one)\b"
            r"|\bthe (?:full|whole|complete) list\b|\bin full\b|\ball of them\b|\btick (?:them|it|each) off\b"
            r"|\bone (?:per|a) line\b|\bbullets?(?: points?)?\b|\bjust the (?:titles|names|list)\b",
            re.IGNORECASE,
        ),
    ),
)
# A clause of the question sentence that only says what the answer is for ("so I can tick them off",
# "for our training matrix") or how to give it ("number first please").
_PURPOSE = re.compile(
    r"(?:,\s*|\s+[-–]\s+|\s+)(?:so (?:that )?(?:i|we|they|she|he) (?:can|could|may|am able to)\b[^?.!]*"
    r"|for (?:our|my|the|a) (?:training )?(?:matrix|records?|spreadsheet|report|tna|audit|files?|notes|induction pack"
    r"|checklist|meeting|panel|shortlist(?:ing)?|paperwork|reference)\b[^?.!]*"
    r"|(?:the )?number first\b[^?.!]*|(?:and )?(?:then )?list them\b[^?.!]*|in bullet points?\b[^?.!]*"
    r"|(?:thanks|thank you|cheers|ta|pls|please)\W*$)",
    re.IGNORECASE,
)
_POINTS_BACK = re.compile(r"\b(?:about|with|for|on|do|does|need|is|cover) (?:it|that|this|these|those|them)\b", re.I)
_TRAILING_WANTS = re.compile(
    r"[,;:\s]+(?:(?:just|only) the (?:titles|names|list)|one (?:per|a) line|(?:in )?bullets?(?: points?)?|no commentary"
    r"|(?:short|quick|brief) answer|briefly)(?:[,;\s]+(?:please|pls|thanks))*\W*$",
    re.IGNORECASE,
)
# "For our training matrix, list ...": what the answer is for, before the question
_LEADING_PURPOSE = re.compile(
    r"^\s*for (?:our|my|the|a) (?:training )?(?:matrix|records?|spreadsheet|report|tna|audit|files?|notes"
    r"|induction pack|checklist|meeting|panel|paperwork)\b[^,:]{0,40}[,:]\s*",
    re.IGNORECASE,
)
_INSTRUCTION_WORDS = (
    r"\b(?:please|pls|give|me|the|them|then|and|first|so|i|can|a|just|also|it|as|well|per|each|one|line|role)\b"
)
_SENTENCE_END = re.compile(r"(?<=[?!])\s+|(?<=[.;])\s+(?=[A-Z\"'(])|\s*\n+\s*")
# "union rep here - is chairing ...": a short lead-in before a dash
_LEAD_IN = re.compile(r"^(?P<lead>[^-–?:]{2,60}?)\s*(?:\s[-–]+|:)\s+(?P<rest>.+)$", re.DOTALL)
_ABBREVIATION_DOT = re.compile(r"\b(?:e\.g|i\.e|etc|approx|no|vs|dr|mr|mrs|ms)\.$", re.IGNORECASE)


@dataclass(frozen=True)
class Ask:
    """A message, split: `text` is the question (its `parts` when it asks more than one), `context`
    the rest, `wants` the output instructions ('number': the number first; 'list': every item)."""

    text: str
    parts: tuple[str, ...]
    context: str = ""
    wants: frozenset[str] = frozenset()

    @property
    def refers_back(self) -> bool:
        """Whether the question points into its context ("what does their template say about it?")."""
        return bool(self.context) and bool(_POINTS_BACK.search(self.text.removeprefix(CLAIM)))

    @property
    def split(self) -> bool:
        """Whether anything was set aside (context, instructions, or a second question)."""
        return bool(self.context) or len(self.parts) > 1


def sentences(message: str) -> list[str]:
    """The message's sentences; a short lead-in before a dash ("HR here - ...") is a sentence too."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(message.strip()):
        piece = piece.strip()
        if not piece:
            continue
        if out and _ABBREVIATION_DOT.search(out[-1]):  # "e.g. learning disabilities": one sentence
            out[-1] = f"{out[-1]} {piece}"
            continue
        lead = _LEAD_IN.match(piece)
        if lead and (
            (_SELF.match(lead.group("lead")) and not _QUESTION_START.match(lead.group("lead")))
            or _instruction_only(lead.group("lead"))
        ):
            out += [lead.group("lead").strip(), lead.group("rest").strip()]
        else:
            out.append(piece)
    return [p for piece in out for p in _joined_asks(piece)]


def _joined_asks(sentence: str) -> list[str]:
    """'TL stat & mand + how CPD impact is captured?': two questions joined by a plus sign."""
    pieces = [p.strip() for p in re.split(r"\s\+\s", sentence)]
    if len(pieces) == 1 or any(len(p.split()) < 2 for p in pieces):
        return [sentence]
    return [p if p.endswith("?") else f"{p}?" for p in pieces]


# Where a question starts inside dictated text with no punctuation: "... for 3 months do I need to ..."
_INNER_QUESTION = re.compile(
    r"\b(?:(?:what|which|how|who|where|when|why)\b"
    r"|(?:do|does|did|can|could|should|will|would|must|is|are|have|has)\s+(?:i|we|you|they|he|she|it|my|our|their)\b)",
    re.IGNORECASE,
)
# Context a message opens with: the asker, their situation
_OPENS_WITH_CONTEXT = re.compile(r"^\W*(?:so |well |ok |right |hi |hello )?(?:i|i'm|im|we|we're|our|my|me)\b", re.I)


def _run_on(sentence: str) -> list[str]:
    """A long sentence with no punctuation that opens with the asker's situation: that, then the question."""
    tokens = sentence.split()
    if (
        len(tokens) < 12
        or "," in sentence
        or not _OPENS_WITH_CONTEXT.match(sentence)
        or _QUESTION_START.match(sentence)
    ):
        return [sentence]
    for m in _INNER_QUESTION.finditer(sentence):
        if len(sentence[: m.start()].split()) >= 5:
            return [sentence[: m.start()].strip(), sentence[m.start() :].strip()]
    return [sentence]


def _is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(_QUESTION_START.match(sentence))


# "I just want to know what the template lists under ...", "I was wondering whether ...": a question inside
_INDIRECT = re.compile(
    r"\b(?:i (?:just |really |only )?(?:want|need|would like|'d like|wanted) to (?:know|check|find out|see|understand)"
    r"|(?:can|could) you (?:please )?(?:tell|let) me(?: know)?|i(?:'m| am| was) (?:just )?(?:asking|wondering)"
    r"|(?:so )?i (?:just |really )?(?:need|want|would like|'d like)(?= (?:the|a|an|their|our|his|her) ))"
    r"(?: (?:if|whether))?\s+(?P<ask>\w.*)$",
    re.IGNORECASE,
)


# "my rep says the SCSW profile makes them responsible for the rota, is that true": the claim is what is asked
_TAG = re.compile(
    r"[,\s]+(?:is (?:that|this|it) (?:true|right|correct|so)|isn'?t (?:it|that)|right|true|correct)\W*$", re.I
)
_REPORTED = re.compile(
    r"^\W*(?:(?:my|our|the|a|her|his|their) [\w' ]{1,30}? (?:says?|said|told (?:me|us)|thinks?|reckons?|claims?)"
    r"|i(?:'ve| have)? (?:been told|heard|read)|someone (?:said|told me)|apparently)(?: that)?\s+",
    re.IGNORECASE,
)


CLAIM = "is it true that "  # how a claim put as a question is asked


def _claim(sentence: str) -> tuple[str, str] | None:
    """A claim put as a question ("..., is that true?"): the lead that reports it, and the claim as a yes/no."""
    if not _TAG.search(sentence) or _QUESTION_START.match(sentence):
        return None
    claim = _TAG.sub("", sentence).strip(" ,")
    lead = _REPORTED.match(claim)
    said = claim[lead.end() :] if lead else claim
    if len(said.split()) < 3:
        return None
    return (lead.group(0).strip() if lead else ""), f"{CLAIM}{said}?"


def _indirect(sentence: str) -> str | None:
    m = _INDIRECT.search(sentence)
    return m.group("ask") if m and len(m.group("ask").split()) >= 3 else None


def _wants(text: str) -> set[str]:
    return {name for name, pattern in _WANTS if pattern.search(text)}


def _instruction_only(sentence: str) -> bool:
    """'Give me the number then list them so I can tick them off': how to answer, nothing to answer."""
    if not _wants(sentence):
        return False
    rest = _PURPOSE.sub(" ", f" {sentence}")
    for _, pattern in _WANTS:
        rest = pattern.sub(" ", rest)
    rest = re.sub(_INSTRUCTION_WORDS, " ", rest, flags=re.IGNORECASE)
    return len(re.findall(r"[a-z]{3,}", rest.lower())) <= 1


def strip_purpose(sentence: str) -> str:
    """The question without what its answer is for ('so I can check the shortlist') or how to give it."""
    end = "?" if sentence.rstrip().endswith("?") else ""
    core = _LEADING_PURPOSE.sub("", sentence.rstrip(" ?.!"))
    core = _TRAILING_WANTS.sub("", core)  # ", just the titles", ", one per line"
    stripped = _PURPOSE.sub("", core).strip(" ,-–")
    if len(re.findall(r"[A-Za-z]{2,}", stripped)) < 2:
        return sentence
    return stripped + end


def find_ask(message: str) -> Ask:
    """Split `message` into its question(s), context and output instructions."""
    text = " ".join(message.split()) if "\n" not in message else message.strip()
    parts = sentences(text)
    if len(parts) == 1:
        parts = _run_on(parts[0])
    if not parts:
        return Ask(message, (message,))
    wants: set[str] = set()
    asks: list[str] = []
    context: list[str] = []
    for sentence in parts:
        if claimed := _claim(sentence):  # "my manager says the EW needs a degree, is that right?"
            lead, claim = claimed
            asks.append(claim)
            context += [lead] if lead else []
            continue
        if _instruction_only(sentence) and len(parts) > 1:
            wants |= _wants(sentence)
        elif _is_question(sentence):
            wants |= _wants(sentence)
            asks.append(sentence)
        elif inner := _indirect(sentence):  # "..., I just want to know what the template lists under X."
            wants |= _wants(sentence)
            asks.append(inner)
            context.append(sentence[: sentence.rfind(inner)].strip(" ,"))
        else:
            context.append(sentence)
    if not asks:
        # no sentence reads as a question ("DBS for EW"): the last sentence that is not about the asker
        plain = [s for s in context if not _SELF.match(s)] or context
        asks = [plain[-1]]
        wants |= _wants(plain[-1])
        context.remove(plain[-1])
    # A short fragment after the last question adds to it ("whats the pay for an EW? band and salary pls")
    last = max((i for i, s in enumerate(parts) if s in asks), default=len(parts) - 1)
    for sentence in parts[last + 1 :]:
        if sentence in context and not _SELF.match(sentence) and len(sentence.split()) <= 6:
            context.remove(sentence)
            asks[-1] = f"{asks[-1]} {sentence}"
    cleaned = [strip_purpose(a) for a in asks]
    joined = " ".join(cleaned)
    return Ask(joined, tuple(cleaned), " ".join(context).strip(), frozenset(wants))
