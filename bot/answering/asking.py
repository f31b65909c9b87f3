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
    r"|would|will|must|may|might|has|have|had|any|anything|list|give|tell|show|name|explain|describe|compare|summarise"
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
            r"|\b(?:give|tell|say) (?:me )?(?:the )?(?:number|count|total)\b|\bnumber first\b"
            r"|\b(?:just|only) (?:the |a )?(?:number|figure|level number)\b|\b(?:number|figure) only\b",
            re.IGNORECASE,
        ),
    ),
    (
        "brief",
        re.compile(
            r"\b(?:short|quick|brief) answer\b|\bbriefly\b|\bin brief\b|\bquote (?:the template|it|them)\b"
            r"|\bword for word\b|\bverbatim\b|\bkeep it (?:short|brief)\b|\bplain english\b|\byes or no\b"
            r"|\bone (?:line|sentence) (?:each|per (?:role|item))\b|\bin a (?:line|sentence)\b",
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
            r"|\bone (?:per|a) line\b|\bbullets?(?: points?)?\b|\bjust the (?:titles|names|list)\b"
            r"|\bnumbered list\b|\b(?:titles|names) only\b|\bonly the (?:titles|names)\b"
            r"|\bcomma[- ]separated\b|\bas a (?:list|table)\b|\bno (?:intro|outro|preamble|commentary|prose|waffle)\b"
            r"|\bfor (?:a|the|my|our) (?:slide|slides|presentation|poster|email|handout)\b"
            r"|\band (?:what|which) (?:are|were) (?:they|those|these|them)\b|^\W*which ones\W*$"
            r"|\band what (?:is|was) it\W*$|^\W*what (?:is|was) it\W*$|^\W*what are they\W*$",
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
    r"|and (?:what|which) (?:are|were) (?:they|those|these)\b[^?.!]*|and what (?:is|was) it\W*$"
    r"|(?:thanks|thank you|cheers|(?<!the )(?-i:ta)|pls|please)\W*$"
    r"|(?:(?:i|we) )?(?:need|want) (?:it|this|them|these|that) for\b[^?.!]*)",  # "... i need it for the induction pack"
    re.IGNORECASE,
)
# "... a short course on lone working.": what the context is about, for an "it" in the question
_CONTEXT_SUBJECT = re.compile(
    r"\b(?:on|about|covering|around)\s+([a-z][\w'&-]*(?:\s+[\w'&-]+){0,3}?)\s*[.;:!?]?\s*$", re.IGNORECASE
)
# "need it for the training database": a sentence that only says what the answer is for
_FOR_WHAT = re.compile(r"^\W*(?:(?:i|we) )?(?:need|want) (?:it|this|them|these|that) for\b[^?]*$", re.IGNORECASE)
_POINTS_BACK = re.compile(
    r"\b(?:about|with|for|on|do|does|need|is|cover) (?:it|that|this|these|those|them)\b"
    # "which role uses this wording?"
    r"|\b(?:this|that|these|those) (?:exact )?(?:wording|words|phrase|line|entry|title|sentence)\b"
    # "my brother goes to a crisis cafe, would a crisis support worker work there?"
    r"|\b(?:work|works|working|based|be|go|goes|visit|visits) there\b",
    re.I,
)
# Words the context quotes from a template, and a question about what "that" means
# (a quote mark with no letter against its outer side: not the apostrophes of "I'm ... it's")
_CONTEXT_QUOTE = re.compile(r"(?<!\w)[\"\u201c\u2018']([^\"\u201d\u2019']{8,120})[\"\u201d\u2019'](?!\w)")
_MEANS_THAT = re.compile(r"\bwhat (?:does|do|did) (?P<that>that|this|it) (?:actually |really )?mean\b", re.I)
# The place the context ends on ("... goes to a crisis cafe"), for a "there" in the question
_CONTEXT_PLACE = re.compile(
    r"\b(?:to|at|in|into)\s+(?:a|an|the|our|my|his|her|their)\s+([a-z][\w'&-]*(?:\s+[\w'&-]+){0,3}?)\s*[.;:!?,]?\s*$",
    re.I,
)
_TRAILING_WANTS = re.compile(
    r"[,;:\s]+(?:(?:just|only) the (?:titles|names|list|items|entries)|one (?:per|a) line"
    r"|(?:in |as )?bullets?(?: points?)?"
    r"|no commentary|comma[- ]separated|no intro|no outro|for (?:a|the|my|our) (?:slide|slides|presentation|handout)"
    r"|(?:short|quick|brief) answer|briefly|nothing (?:else|more)|no (?:other|extra) (?:text|words|detail)|no waffle"
    r"|no explanations?|(?:in|as) a (?:numbered )?(?:table|list)|(?:and )?that'?s all|please|pls|thanks|thank you"
    r"|(?:just|only) the (?:number|figure)|(?:number|figure) only)(?:[,;\s]+(?:please|pls|thanks))*\W*$",
    re.IGNORECASE,
)
# "For our training matrix, list ...": what the answer is for, before the question
_LEADING_PURPOSE = re.compile(
    r"^\s*for (?:our|my|the|a) (?:training )?(?:matrix|records?|spreadsheet|report|tna|audit|files?|notes"
    r"|induction pack|checklist|meeting|panel|paperwork)\b[^,:]{0,40}[,:]\s*",
    re.IGNORECASE,
)
# "Before I challenge that at the contract meeting, does the TA template say ...?": a clause that sets the
# scene, ahead of the question it leads into, is context
_LEADING_CLAUSE = re.compile(
    # "my brother goes to a crisis cafe, would ...": the asker's situation, told in a clause before the question
    r"^\W*(?:(?:my|our|his|her) [a-z]+ (?:goes|went|is|was|has|had|works|worked|uses|used|attends|attended)\b"
    r"|(?:before|when|whenever|after|while|once|until)\b)"
    r"[^,?]{3,140},\s+(?=(?:does|do|did|is|are|can|could|would|will|should|must|has|have|what|whats|what's"
    r"|which|how|where|who|when)\b)",
    re.IGNORECASE,
)
# "training matrix: informal learning for the senior crisis support worker, titles only": what it is for, before
# a question of four words or more (not "training matrix: crisis services", which asks for the matrix)
_MATRIX_LEAD = re.compile(
    r"^\W*(?:for (?:our|my|the|a) )?(?:training|learning) matrix\s*[:–-]\s*(?=\S+(?:\s+\S+){3,})", re.I
)
# "As commissioner I'd like to see ...", "As a preceptor, what does ...?": who is asking is context
_AS_ASKER = re.compile(
    r"^\W*as (?:an? |the |your |their |our )?(?:[\w&'-]+ ){0,2}[\w&'-]+,?\s+"
    r"(?=(?:i|i'd|i'm|id|im|we|what|whats|what's|which|how|where)\b)",
    re.IGNORECASE,
)
# "The core table says 'for all Level 7 Roles' so is the SM actually a level 7 role?": the statement is context
# (only after what something says: "The crisis support worker is level 3, so does the senior ...?" keeps its role)
_THEREFORE = re.compile(
    r"^(?P<lead>[^?]{0,200}?\b(?:says?|said|reads|states|told|heard|quotes?)\b[^?]{0,200}?)[,;]?\s+(?:and\s+)?"
    r"(?:so|therefore)\s+(?=(?:is|are|does|do|did|can|could|should|must|will|would|has|have|what|which|how|where"
    r"|who)\b)",
    re.IGNORECASE,
)
# "My template says ... Level 3 Roles, does that mean the EW is a level 3 job?": the claim after it is asked
_DOES_THAT_MEAN = re.compile(
    r"^(?P<lead>[^?]{12,}?)[,;:–-]?\s+(?:so\s+)?(?:does|do|would)\s+(?:that|this|it)\s+mean\s+(?:that\s+)?(?=\S)",
    re.IGNORECASE,
)
_INSTRUCTION_WORDS = (
    r"\b(?:please|pls|give|me|the|them|then|and|first|so|i|can|a|just|also|it|as|well|per|each|one|line|role|which"
    r"|ones|what|is|are|they|list|only|no|prose|points|sentence|short|table)\b"
)
_SENTENCE_END = re.compile(
    r"(?<=[?!])\s+|(?<=[.;])\s+(?=[A-Z\"'(])|\s*\n+\s*"
    # "... at the safe haven tonight. what does the template say ...": a lower-case question after a full stop
    r"|(?<=[a-z0-9]\.)\s+(?=(?:what|which|how|who|where|when|why|is|are|does|do|can|could|should)\b)"
    # "... which I want to check. the perinatal service covers ...": any lower-case sentence after a word's full stop
    r"|(?<=[a-z]{2}\.)\s+(?=[a-z])"
)
# Who is asking, in a lead-in ("Inspector checking training evidence: ...", "Auditor here - ...")
_ASKER = re.compile(
    r"\b(?:inspector|auditor|assessor|officer|adviser|advisor|sergeant|student|rep|commissioner|planner|secretary"
    r"|educator|recruiter|panel|governor|volunteer|carer|parent|here)s?\b",
    re.IGNORECASE,
)
# "union rep here - is chairing ...": a short lead-in before a dash
_LEAD_IN = re.compile(r"^(?P<lead>[^-–?:]{2,60}?)\s*(?:\s[-–]+|:)\s+(?P<rest>.+)$", re.DOTALL)
# "Writing a probation review for a new team leader - what are their role specific competences?": the
# situation, a dash, then the question
_SITUATION_DASH = re.compile(r"^(?P<lead>[^?:]{2,160}?)\s+(?:[-–]+|:)\s+(?P<rest>.+)$", re.DOTALL)
# "Many thanks, Priya", "Best wishes, Jo", "Kind regards": how a message ends, never part of its question
_SIGN_OFF = re.compile(
    r"^\W*(?:(?:many|thanks|kind|best|warm|warmest)\s+)?"
    r"(?:thanks|thank you|regards|wishes|cheers|ta|thx|best|all the best)"
    r"(?:\s+(?:in advance|again|so much|all))?(?:[,!.\s]+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)?\W*$",
    re.IGNORECASE,
)
_ONLY_A_REQUEST = re.compile(
    r"^\W*(?:(?:can|could|would) you|please)\s+(?:please\s+)?(?:help|check|confirm|advise|assist|look)"
    r"(?:\s+(?:me|us|please|with this|on this|into this|at this))*\W*$",
    re.IGNORECASE,
)
_REMARK = re.compile(
    r"^\W*(?:seems|sounds|looks|feels|that'?s|thats|it'?s|weird|odd|strange|funny|lol|haha|just|cheers|thanks)\b"
    # "everyone keeps saying it": what others do, told after the question
    r"|^\W*(?:everyone|everybody|people|they|my \w+|our \w+)\s+(?:keeps?|always|says?|said|mentions?|uses?|talks?)\b",
    re.I,
)
# "e.g. learning disabilities", "under H. Management and Administration": one sentence
_ABBREVIATION_DOT = re.compile(
    r"\b(?:(?i:e\.g|i\.e|etc|approx|no|vs|dr|mr|mrs|ms)|(?i:under|principle|section|in) [A-H])\.$"
)


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
        # only the first question can point into the context: a later one points at the question before it
        return bool(self.context) and bool(_POINTS_BACK.search(self.parts[0].removeprefix(CLAIM)))

    @property
    def place(self) -> str | None:
        """The place a "there" in the question stands for: the one its context ends on ("my brother goes to a
        crisis cafe, would a CSW work there?": crisis cafe); None when there is none."""
        found = _CONTEXT_PLACE.search(self.context) if self.refers_back else None
        if found is None or not re.search(r"\bthere\b", self.parts[0], re.I):
            return None
        return found.group(1).strip()

    @property
    def resolved(self) -> str | None:
        """The question with "it" put back as the subject its context names ("I'm designing a course on lone
        working. Where does it appear?": where does lone working appear?); None when there is none."""
        first = self.parts[0]
        quoted = _CONTEXT_QUOTE.findall(self.context)
        if quoted and (that := _MEANS_THAT.search(first)):
            # 'it says "They are not in themselves levelled" ... what does that mean in practice?': the words quoted
            return f"{first[: that.start('that')]}'{quoted[-1]}'{first[that.end('that') :]}"
        if place := self.place:  # "..., would a CSW work there?": in a crisis cafe
            return re.sub(r"\bthere\b", f"in a {place}", first, count=1, flags=re.I)
        subject = _CONTEXT_SUBJECT.search(self.context) if self.refers_back else None
        if subject is None or not re.search(r"\bit\b", first, re.I):
            return None
        return re.sub(r"\bit\b", subject.group(1).strip(), first, count=1, flags=re.I)

    @property
    def claimed(self) -> str | None:
        """A yes/no that points back at a claim in its context, as that claim ("Our senior crisis support workers
        are being told they're responsible for lone workers on their shift. Is that actually in their
        template?": is it true that our senior crisis support workers are responsible for lone workers on their
        shift?); None when there is none. Who is asking ("Unison rep.") is not the claim."""
        if not self.refers_back or not _VERIFY.match(self.parts[0]):
            return None
        said = [s for s in sentences(self.context) if not _SELF.match(s) and len(s.split()) >= 4]
        if not said:
            return None
        claim = _REPORTED_OF.sub(lambda m: "is" if m["one"] else "are", said[-1])
        claim = claim[lead.end() :] if (lead := _REPORTED.match(claim)) else claim  # "I've been told ..."
        claim = claim.strip(" .!")
        return f"{CLAIM}{claim}?" if len(claim.split()) >= 4 else None

    @property
    def split(self) -> bool:
        """Whether anything was set aside (context, instructions, or a second question)."""
        return bool(self.context) or len(self.parts) > 1


def sentences(message: str) -> list[str]:
    """The message's sentences; a short lead-in before a dash ("HR here - ...") is a sentence too."""
    out: list[str] = []
    message = re.sub(r"(?m)^\s*>+\s?", "", message)  # an email quoted with "> " is read as written
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
            # "Inspector checking training evidence: is ... listed?": who asks, before a question
            or (
                _ASKER.search(lead.group("lead"))
                and not _QUESTION_START.match(lead.group("lead"))
                and _QUESTION_START.match(lead.group("rest"))
                and len(lead.group("lead").split()) <= 6
            )
        ):
            out += [lead.group("lead").strip(), lead.group("rest").strip()]
        elif (
            (situation := _SITUATION_DASH.match(piece))
            and _QUESTION_START.match(situation.group("rest"))
            and not _QUESTION_START.match(situation.group("lead"))
            and len(situation.group("lead").split()) >= 6  # "multi agency working - what does ... have?": its subject
            and not _INDIRECT.search(situation.group("lead"))  # "can someone confirm what ... covers - which women?"
            # "... look at my core competences first - what are they?": the question is about the lead
            and not re.match(r"^\W*\w+ (?:are|is|were|was) (?:they|it|those|these)\W*$", situation.group("rest"), re.I)
            and not _POINTS_BACK.search(situation.group("rest"))  # "... looks empty - is it blank?": one sentence
        ):
            out += [situation.group("lead").strip(), situation.group("rest").strip()]
        else:
            out.append(piece)
    return [p for piece in out for p in _joined_asks(piece)]


# In a sentence that is itself a question: "and" or "&" then a question word and two words or more, not pointing
# back ("is manage budgets in the SM & whats the ref function")
_AND_ASKS = (
    r"|(?<=\w{2})\s+(?:and|&)\s+(?=(?:what's|whats|what|which|how)(?:\s+[\w'-]+){2})"
    r"(?![^?]*\b(?:that|this|it|they|those|these|them|its|their)\b)"
)
# "what is the person who ... supposed to do and are they trained in dementia?": a yes/no about the same people
# after a what-question
_AND_YES_NO = r"|(?<=\w{2})\s+and\s+(?=(?:are|is|do|does|have|has|can|will|would|must)\s+(?:they|he|she)\s+\w+)"
_WH_FIRST = re.compile(r"^\W*(?:what|what's|whats|which|who|how)\b", re.IGNORECASE)
# "is there a difference between what the EW does and what the SCSW does?": one question
_ONE_COMPARISON = re.compile(r"\b(?:between|difference|differ|compare|versus|vs)\b", re.I)
_ASKED_FIRST = re.compile(
    r"^\W*(?:what|what's|whats|which|how|who|where|when|is|are|does|do|can|could|should|will|would|has|have|must)\b",
    re.IGNORECASE,
)


def _joined_asks(sentence: str) -> list[str]:
    """'TL stat & mand + how CPD impact is captured?': two questions joined by a plus sign; 'which ... does the
    profile list, and how is the impact captured?': two joined by ', and' and a question word; "what's the minimum
    experience and what mandatory training": two joined by 'and' and a question word of three words or more,
    unless the second points back ("... and how is it captured?": one question)."""
    pieces = [
        p.strip()
        for p in re.split(
            r"\s\+\s|,\s+and\s+(?=(?:what|which|how|is|are|does|do|who|where|when)\b)"
            # "first tell me X, then tell me Y", "list X and then say which ...": one ask after another
            r"|(?:,|\s+and)\s+then\s+(?=(?:tell|give|show|list|say|what|which|how|who|where|when|is|are|does|do)\b)"
            r"|(?<=\w{4})\s+and\s+(?=(?:what|which|how)\s+(?:is|are|does|do|training|experience|level)\b)"
            r"(?![^?]*\b(?:that|this|it|they|those|these)\b)"
            + (_AND_ASKS if _ASKED_FIRST.match(sentence) and not _ONE_COMPARISON.search(sentence) else "")
            + (_AND_YES_NO if _WH_FIRST.match(sentence) and not _ONE_COMPARISON.search(sentence) else ""),
            sentence,
        )
    ]
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
    r"\b(?:i (?:just |really |only )?(?:want|need|would like|'d like|wanted) to (?:know|check|find out|see|understand"
    r"|go through|go over|look at|look through|review|discuss)"
    r"|(?:can|could) you (?:please )?(?:tell|let) me(?: know)?|i(?:'m| am| was) (?:just )?(?:asking|wondering)"
    r"|(?:so )?i (?:just |really )?(?:need|want|would like|'d like)(?= (?:the|a|an|their|our|his|her) )"
    r"|\b(?:asked|asking|wondered|wants? to know|needs? to know|queried|querying)(?: \w+ly)?(?= (?:what|which|how) )"
    r"|\b(?:can|could) (?:someone|somebody|anyone|you) (?:please )?(?:confirm|check|tell (?:me|us)|let (?:me|us) know)"
    r"(?= (?:what|which|how|who|where|when|whether|if) ))"
    r"(?: (?:if|whether))?\s+(?P<ask>\w.*)$",
    re.IGNORECASE,
)


# "my rep says the SCSW profile makes them responsible for the rota, is that true": the claim is what is asked
_TAG = re.compile(
    r"(?:[,\s]+(?:is (?:that|this|it) (?:true|right|correct|so)|isn'?t (?:it|that)"
    # "..., doesn't it?", "..., aren't they?"
    r"|(?:is|are|was|were|do|does|did|has|have|can|will|would|should)n'?t (?:it|that|they|he|she|there))\W*$"
    # a bare "right", "true": after a comma, or with no full stop after it ("get the facts right." is no tag)
    r"|,\s*(?:right|true|correct|yes|yeah|no)\W*$|\s+(?:right|true|correct|yes|yeah|no)\s*(?:\?\W*)?$)",
    re.I,
)
_REPORTED = re.compile(
    r"^\W*(?:(?:my|our|the|a|an|her|his|their|one of our) [\w' ]{1,60}? "
    r"(?:says?|said|told (?:me|us|her|him|them)|thinks?"
    r"|reckons?|claims?|insists?)"
    r"|i (?:thought|assumed|believed|was told|assume|take it|gather|presume|suppose)(?: that)?\b"
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


# "A couple of the panel asked whether the profile says ...": a yes/no someone else asked
_ASKED_WHETHER = re.compile(
    r"\b(?:asked|wondered|want(?:s|ed)? to know|need(?:s|ed)? to know|queried)\s+(?:whether|if)\s+(?P<ask>\w.*)$",
    re.IGNORECASE,
)


# "the family asked what the crew are trained to do": a question someone other than the asker asked, reported
_ASKED_BY_OTHERS = re.compile(
    # (past: "the panel wants to know which ..." forwards a question that still stands)
    r"\b(?!(?:i|we)\b)[a-z]+ (?:asked|wondered|queried|wanted to know)"
    r"(?: \w+ly)? (?:what|which|how|whether|if)\b",
    re.IGNORECASE,
)


# "Is that right?", "Is that in there?", "True?": a tag that asks whether the sentence before it holds
_TAG_QUESTION = re.compile(
    r"^\W*(?:(?:is|was) (?:that|this|it) (?:true|right|correct|so|accurate|the case|in there|in the template)"
    r"|(?:true|right|correct)|(?:does|do) (?:it|the template|the profile) (?:say|include) (?:that|this)"
    r"|(?:does|do|is|has|must) (?:she|he|it|they)"
    r"|(?:can|could) (?:you|someone|anyone) (?:please )?(?:confirm|check)(?: (?:that|this|it))?(?: for me)?)\W*$",
    re.IGNORECASE,
)


_I_THOUGHT = re.compile(r"^\W*(?:but |so |and )?i (?:thought|assumed|believed)(?: that)?\s+", re.IGNORECASE)


def _claims_with_their_tag(parts: list[str]) -> list[str]:
    """'A member says the EW template requires her to manage a budget. Is that right?': one claim, asked."""
    out: list[str] = []
    for sentence in parts:
        if (thought := _I_THOUGHT.match(sentence)) and sentence.rstrip().endswith("?"):
            out.append(f"{CLAIM}{sentence[thought.end() :].rstrip(' ?')}?")  # "But I thought EWs are level 4??"
            continue
        if out and _TAG_QUESTION.match(sentence) and (reported := _REPORTED.search(out[-1])):
            said = out[-1][reported.end() :].rstrip(" .!")
            while nested := _REPORTED.match(said):  # "says her manager told her the template ..."
                said = said[nested.end() :]
            if len(said.split()) >= 3:
                out[-1] = f"{CLAIM}{said}?"
                continue
        out.append(sentence)
    return out


def _indirect(sentence: str) -> str | None:
    m = _INDIRECT.search(sentence)
    if m and len(m.group("ask").split()) >= 3:
        return m.group("ask")
    m = _ASKED_WHETHER.search(sentence)
    if m and len(m.group("ask").split()) >= 3 and not re.match(r"i\b", sentence.strip(), re.I):
        return f"{CLAIM}{m.group('ask').rstrip(' ?.')}?"
    return None


def _wants(text: str) -> set[str]:
    return {name for name, pattern in _WANTS if pattern.search(text)}


def instructions_only(message: str) -> frozenset[str]:
    """What a message that only says how to answer wants ('number first pls', 'as bullets, titles only');
    nothing for a message that asks something."""
    wants = _wants(message)
    rest = message
    for _, pattern in _WANTS:
        rest = pattern.sub(" ", rest)
    rest = re.sub(_INSTRUCTION_WORDS, " ", rest, flags=re.IGNORECASE)
    return frozenset(wants) if wants and len(re.findall(r"[a-z]{3,}", rest.lower())) <= 1 else frozenset()


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
    while (shorter := _TRAILING_WANTS.sub("", core)) != core:  # ", just the titles", ", one per line", "no outro"
        core = shorter
    stripped = _PURPOSE.sub("", core).strip(" ,-–")
    if len(re.findall(r"[A-Za-z]{2,}", stripped)) < 2:
        return sentence
    return stripped + end


# Punctuation a dictation app wrote as words: "... in the SM template full stop also does the EW have it question mark"
_SPOKEN = (
    (re.compile(r"\s*\b(?:full stop|period)\b", re.I), ". "),
    (re.compile(r"\s*\bquestion mark\b", re.I), "? "),
    (re.compile(r"\s*\bcomma\b", re.I), ", "),
    (re.compile(r"\s*\bnew (?:line|paragraph)\b", re.I), "\n"),
)


def _dictated(text: str) -> str:
    if not re.search(r"\b(?:full stop|question mark|new paragraph)\b", text, re.IGNORECASE):
        return text
    for pattern, mark in _SPOKEN:
        text = pattern.sub(mark, text)
    return re.sub(r"([.?])\s+(\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", text).strip()


def find_ask(message: str) -> Ask:
    """Split `message` into its question(s), context and output instructions."""
    text = " ".join(message.split()) if "\n" not in message else message.strip()
    text = _dictated(text)
    parts = sentences(text)
    if len(parts) == 1:
        parts = _run_on(parts[0])
    if not parts:
        return Ask(message, (message,))
    parts = _claims_with_their_tag(parts)
    wants: set[str] = set()
    asks: list[str] = []
    context: list[str] = []
    signed = False
    signature: list[str] = []
    reported: list[tuple[str, str, int]] = []  # questions someone else asked, told as the message's background
    for sentence in parts:
        if (_SIGN_OFF.match(sentence) and len(parts) > 1) or signed:
            context.append(sentence)  # "Many thanks, / Ruth / CRHT Business Support": the signature, to the end
            signature.append(sentence)
            signed = asks != []
            continue
        if len(parts) > 1 and _FOR_WHAT.match(sentence):
            context.append(sentence)  # "need it for the training database": what the answer is for
            continue
        if _ONLY_A_REQUEST.match(sentence) and len(parts) > 1:
            context.append(sentence)  # "Can you help?", "Could you check?": asks nothing of its own
            continue
        if claimed := _claim(sentence):  # "my manager says the EW needs a degree, is that right?"
            lead, claim = claimed
            asks.append(claim)
            context += [lead] if lead else []
            continue
        if _instruction_only(sentence) and len(parts) > 1:
            wants |= _wants(sentence)
        elif _is_question(sentence) and not _QUESTION_START.match(sentence) and (inner := _indirect(sentence)):
            wants |= _wants(sentence)  # "A couple of the panel asked whether the profile says ...?"
            asks.append(inner)
            context.append(sentence[: sentence.rfind(inner.removeprefix(CLAIM).rstrip("?"))].strip(" ,"))
        elif _is_question(sentence):
            wants |= _wants(sentence)
            asks.append(sentence)
        elif inner := _indirect(sentence):  # "..., I just want to know what the template lists under X."
            wants |= _wants(sentence)
            asks.append(inner)
            context.append(sentence[: sentence.rfind(inner.removeprefix(CLAIM).rstrip("?"))].strip(" ,"))
            if _ASKED_BY_OTHERS.search(sentence):
                reported.append((inner, sentence, len(context) - 1))
        else:
            context.append(sentence)
    if reported and any(
        _is_question(a) and len(a.split()) >= 4 and not _ONLY_A_REQUEST.match(a) and all(a != r for r, _, _ in reported)
        for a in asks
    ):
        # "... and the family asked what the crew are trained to do. What in the TA profile covers ...?": what
        # someone else asked, told before the asker's own question, is its background
        for inner, sentence, place in reported:
            asks.remove(inner)
            context[place] = sentence
    if not asks:
        # no sentence reads as a question ("DBS for EW"): the last sentence that is not about the asker
        plain = [s for s in context if not _SELF.match(s)] or context
        asks = [plain[-1]]
        wants |= _wants(plain[-1])
        context.remove(plain[-1])
    # A short fragment after the last question adds to it ("whats the pay for an EW? band and salary pls")
    last = max((i for i, s in enumerate(parts) if s in asks), default=len(parts) - 1)
    for sentence in parts[last + 1 :]:
        if (
            sentence in context
            and sentence not in signature
            and not _ONLY_A_REQUEST.match(sentence)
            and not _SELF.match(sentence)
            and not _SIGN_OFF.match(sentence)
            and not _OPENS_WITH_CONTEXT.match(sentence)  # "I'll then map them": the asker's plan
            and not _REMARK.match(sentence)  # "Seems odd for a manager": a remark, not part of the question
            and len(sentence.split()) <= 6
        ):
            context.remove(sentence)
            asks[-1] = f"{asks[-1]} {sentence}"
    # "If not, which template does have budgets?": the condition is the claim before it
    cleaned = [
        strip_purpose(re.sub(r"^\W*(?:and )?(?:if (?:not|so|yes|no)|otherwise)\W+", "", a, flags=re.I)) for a in asks
    ]
    for i, a in enumerate(cleaned):
        opening = _LEADING_CLAUSE.match(a) or _THEREFORE.match(a) or _AS_ASKER.match(a) or _MATRIX_LEAD.match(a)
        rest = a[opening.end() :] if opening else ""
        # a question pointing back into the clause stays whole, unless to its place ("would a CSW work there?")
        if (
            opening
            and len(rest.split()) >= 4
            and (
                not _POINTS_BACK.search(rest)
                or (_CONTEXT_PLACE.search(a[: opening.end()].rstrip(" ,")) and re.search(r"\bthere\b", rest, re.I))
            )
        ):
            cleaned[i] = a = a[opening.end() :]
            context.append(opening.group(0).strip(" ,"))
        elif (meaning := _DOES_THAT_MEAN.match(a)) and len(a[meaning.end() :].split()) >= 3:
            cleaned[i] = a = f"{CLAIM}{a[meaning.end() :].rstrip(' ?')}?"
            context.append(meaning.group("lead").strip(" ,"))
        # "does the EW template cover boundaries - like keeping professional boundaries with clients?": the
        # example is context; the message as a whole is still read when the question alone finds nothing
        if (example := _EXAMPLE.search(a)) and len(a[: example.start()].split()) >= 4:
            cleaned[i] = a[: example.start()].rstrip(" ,-–") + "?"
            context.append(example.group(0).strip(" ,-–?"))
    for i in range(1, len(cleaned)):
        # "what are NOS and can they be changed locally?": "they" are NOS
        if (pronoun := _PRONOUN_SUBJECT.match(cleaned[i])) and (term := _WHAT_IS.match(cleaned[i - 1])):
            at = "pronoun" if pronoun["pronoun"] else "first"
            cleaned[i] = f"{cleaned[i][: pronoun.start(at)]}{term['term']}{cleaned[i][pronoun.end(at) :]}"
    if len(cleaned) == 2 and (label := _BARE_TERM.match(cleaned[0])) and (them := _PRONOUN.search(cleaned[1])):
        # "NOS?? can the trust reword them for the ACP template": a bare term, then the question about it
        cleaned = [f"{cleaned[1][: them.start()]}{label['term']}{cleaned[1][them.end() :]}"]
    joined = " ".join(cleaned)
    return Ask(joined, tuple(cleaned), " ".join(context).strip(), frozenset(wants))


_OR_IS_IT = re.compile(
    r",?\s+or\s+(?:is|are|does|do|would|should|will|was)\s+(?:it|that|this|they|he|she)\b(?!\s+(?:core|role|locality"
    r"|specific|statutory|mandatory|informal|formal|essential|desirable|in|under|listed)\b)[^?]*\?*\s*$",
    re.I,
)


def asker_words(context: str) -> set[str]:
    """The words of the context's sentences that say who is asking ("Housing officer here.", "I'm a Unison rep")."""
    return {
        w for sentence in sentences(context) if _SELF.match(sentence) for w in re.findall(r"[a-z]+", sentence.lower())
    }


def first_alternative(question: str) -> str | None:
    """'Is research part of the SM's competences, or is it purely a management job?': the first alternative,
    which the templates can settle (the second is the asker's guess at the rest); None without one."""
    other = _OR_IS_IT.search(question)
    if other is None or len(question[: other.start()].split()) < 4:
        return None
    return question[: other.start()].rstrip(" ,-–") + "?"


# "Is that actually in their template?", "is this right?", "does it say that?": only whether the claim holds
_VERIFY = re.compile(
    r"^\W*(?:is|does) (?:that|this|it)(?: (?:actually|really|definitely|genuinely|even))? (?:in|true|right|correct"
    r"|accurate|the case|what the|part|written|listed|stated|mentioned)\b[^?]{0,40}\?*\s*$"
    r"|^\W*does (?:that|this|it|the template) (?:actually |really )?say (?:that|so|this)\W*$",
    re.I,
)
# "they are being told they're responsible for ...": what they are told is the claim
_REPORTED_OF = re.compile(
    r"\b(?:are|is|have been|has been|were|was|keep being|keeps being|get|gets|got)\s+(?:being\s+)?(?:told|informed"
    r"|advised)\s+(?:that\s+)?(?:they're|they are|they|(?P<one>she's|she is|he's|he is|it's|it is))(?=\s)",
    re.I,
)
_BARE_TERM = re.compile(
    r"^\W*(?!(?:why|what|how|who|when|where|which|hello|hi|hey|sorry|really|seriously|ok|okay|so|and|huh|eh|pardon"
    r"|right|yes|no|anyone|anything|question|quick question)\b)(?P<term>[A-Za-z][\w&'-]*(?: [\w&'-]+){0,2})\s*\?+\s*$",
    re.I,
)
_PRONOUN = re.compile(r"\b(?:them|they|it|these|those)\b", re.I)
_WHAT_IS = re.compile(
    r"^\W*(?:(?:please|so|and|ok|okay|hi|sorry|but)[,\s]+)*what(?:'s| is| are)\s+"
    r"(?P<term>(?:an? |the )?[\w' -]{2,40}?)\s*\?*\s*$",
    re.I,
)
_MODAL = r"(?:can|could|may|should|do|does|are|is|must|will|would)"
# "can they be changed?", "it can be changed by my manager?"
_PRONOUN_SUBJECT = re.compile(
    rf"^\W*(?:and\s+)?(?:{_MODAL}\s+(?P<pronoun>they|it|these|those)\b|(?P<first>they|it|these|those)\s+{_MODAL}\b)",
    re.I,
)


_EXAMPLE = re.compile(r"\s*(?:\s-|–|,)\s*(?:like|such as|e\.?g\.?|for example|for instance)\s+[^?,;]+\?*\s*$", re.I)


# "the lowest level role that lists a formal endorsed qualification", "the lowest level at which a role has 'X'":
# the roles that meet the condition, then the lowest (or highest) of them
_EXTREME_AMONG = re.compile(
    r"\b(?P<extreme>lowest|highest|most junior|most senior|least senior)\b[^?]{0,40}?\b"
    r"(?:(?:role|job|post|profile|template)s?\s+(?:that|which|who|where)\s+|(?:role|job|post|profile|template)\s+"
    r"(?P<whose>whose)\s+|(?:at which|where)\s+(?:a|any|the)\s+(?:role|job|post|profile|template)\s+)"
    r"(?P<condition>[^?,;]{4,120}?)\s*(?:[?,;]|\band (?:what|which|who)\b|$)",
    re.IGNORECASE,
)


def extreme_among(text: str) -> tuple[str, str] | None:
    """('which roles <condition>?', 'which of those is the <extreme> level?') for a question that asks the lowest
    or highest role meeting a condition; None for any other."""
    found = _EXTREME_AMONG.search(text)
    if found is None:
        return None
    condition = found["condition"].strip()
    which = f"which role's {condition}?" if found["whose"] else f"which roles {condition}?"
    extreme = found["extreme"].lower()
    level = "the most junior" if extreme in ("lowest", "most junior", "least senior") else "the most senior"
    return which, f"which of those is {level}?"
