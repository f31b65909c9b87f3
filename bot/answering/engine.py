"""The answering engine: question + conversation state -> cited `Answer` + new state.

    >>> engine = Engine(kb, index, embedder)
    >>> answer, state = engine.answer("what training does an engagement worker need?")
    >>> answer.citations[0].name
    'Engagement Worker template: Continuing Professional Development'

Questions about a known field are answered from the records, completely. Anything else goes to
hybrid retrieval and is answered only above a relevance threshold; below it the engine says the
templates don't cover it.

The engine understands the question in its conversation (roles, topic, theme, the operation asked)
and routes it; each operation has its own composer, the direct answer first:
`lists` (what a template has on a topic; "which role ...?"), `checking` (yes/no), `counting`
("how many"), `contrasts` and `comparing` (comparisons, progression), `themes` (what a template says
on a subject), `retrieving` (framework text and free questions), `replies` (declines, help).
"""

from __future__ import annotations

import re
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from index.embedder import Embedder, HashEmbedder
from index.passages import Passage
from index.store import Index
from knowledge.records import CompetenceSection, KnowledgeBase, RoleProfile

from . import (
    checking,
    comparing,
    compose,
    contrasts,
    describing,
    direct,
    framework,
    lists,
    replies,
    retrieving,
    themes,
    units,
    verdict,
)
from .answer import Answer, Suggestion, combine
from .asking import Ask, asker_words, extreme_among, find_ask, first_alternative, instructions_only
from .competences import (
    SECTION_TITLES,
    THEMES,
    alternatives,
    group_source,
    principle_in,
    principle_names,
    principle_phrases,
    select,
)
from .context import ConversationState
from .direct import operation_of
from .intents import IntentMatcher
from .matrix import answer_matrix
from .spelling import QUESTION_WORDS, Speller, phrase_initials, spell_out
from .understanding import (
    JOB_NOUNS,
    NUMBER_WORDS,
    Question,
    RoleFinder,
    RoleMatch,
    rewrite,
    training_fields,
    understand,
    words,
)
from .wording import ROLE_TOPICS, THEME_STOP, initials, sections_named, topics_in, with_article
from .wording import stem as _stem

MAX_QUESTION_CHARS = 2000
VECTOR_CACHE_SIZE = 4096  # embeddings of recent questions (1.5 KB each with MiniLM)
SIDE_BY_SIDE_LIMIT = 3
_SELF_INTRODUCTION = frozenset("i i'm im am me my work working worked as currently now new a an hi hello".split())
THEMED_TOPICS = ("training", "competences")  # answers narrowed by a theme a follow-up can carry


# Words of a follow-up that adds no content of its own ("and what about the strategic manager?").
_AGAIN = re.compile(
    r"\b(?:and|same|about|for|too|also|as well|likewise|equivalent|then|what of|now|again)\b", re.IGNORECASE
)
# "sorry, I meant the senior one", "no wait, I meant the strategic one", "oops, meant the advanced one in A&E": the
# asker corrects the role of their last question
_CORRECTION = re.compile(r"\b(?:i\s+)?meant\b|\bi mean\b|^\W*(?:sorry|oops|no wait|my bad|correction)\b", re.I)
_NEW_QUESTION = re.compile(
    r"(?!(?:and |so )?(?:what|how) about\b)(?:what|what's|whats|which|who|how|where|when|why|does|do|is|are|can|could"
    r"|should|will|would|has|have|tell|list|give)\b",
    re.I,
)
_CORRECTING = frozenset("sorry oops no wait my bad correction i meant mean not one other actually".split())
_NOT_THAT = re.compile(r"\bnot (?:the |an? )?[\w&' -]{2,60}?,", re.I)  # "sorry, not the team leader, I meant ..."
_THE_X_ONE = re.compile(r"\bthe ((?:[\w&-]+ ){0,2}?[\w&-]+) one\b", re.I)
# "who is in charge of them?", "what do they do?": people the message's situation describes
_POINTS_AT_THEM = re.compile(r"\b(?:they|them|their|he|she|her|his|that person|this person)\b", re.I)
# "how many levels does the career framework have?": what is counted
_COUNTED = re.compile(r"^\W*how many (?P<noun>[a-z]{3,}s)\b", re.I)
_SAME_ASKED = re.compile(r"^\W*(?:(?:and|but)\s+)?(?:is|are|was|does|do)\b.*\b(?:same|identical|alike)\b", re.I)
# "is it in any other role's list?": the templates the conversation is not on
# (not "does the SM supervise other roles?", "how does the EW work with other roles?": what is asked about)
_OTHER_ROLES = re.compile(
    r"\bany other (?:role|template|profile|job)s?\b"
    r"|\b(?:in|for|on) (?:the |all the |every )?other (?:roles|templates|profiles)(?:'s?)?\b",
    re.I,
)
# A question put as a yes/no: "does the CSW profile say ...?", "the CSW profile say something about X?" (not
# "can you pull what the template says ...")
_YES_NO_FORM = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|right|hi|also)[,\s]+)*(?:is|are|does|do|did|will|would|must|should|has|have)\b"
    r"|^(?!\W*(?:can|could|would|will) you\b)[^?]*"
    r"\b(?:say|says|mention|mentions) (?:something|anything)\b[^?]*\?\s*$"
    # "anything at all about dementia for the TA?"
    r"|^\W*(?:(?:ok|okay|so|and|but|also|hi)[,\s]+)*(?:anything|any mention|any reference)\b[^?]*\?\s*$",
    re.IGNORECASE,
)
# "where does X sit?", "which principle is X under?", "is X core or role specific?": where a competence sits
# (not "where does X appear?", which asks for every place: a theme)
_WHERE_SITS = re.compile(
    r"\b(?:what(?:'s|s| is)?|which) (?:the |its )?(?:underpinning principle|ref(?:erence)? function)\b"
    r"|\b(?:which|what) (?:part|section|table|principle|underpinning principle|function|reference function|area|heading"
    r"|group|category|bit)\b|\bwhere (?:does|do|is|are|would)\b[^?]{0,100}\b(?:sit|sits|come|comes|fall|falls|go|goes"
    r"|listed|found)\b|\b(?:come|comes|fall|falls|sit|sits|listed) under\b|\bcore or role[- ]specific\b"
    r"|\bwhat(?:'s| is) (?:that|this|it) (?:under|in)\b"
    r"|\bunder which\b",
    re.IGNORECASE,
)
_LOCATE_STOP = frozenset(
    """the and for with your you own that this which what where does sit sits come comes under part section principle
    function reference ref area template profile competence competences core role specific locality its their from are
    is was how who when fall falls listed heading group category""".split()
)
_SCOPE_NAMED = re.compile(r"\bscope\b", re.IGNORECASE)
_LIST_THEM = "list them"  # the part added when a count is to be shown with its list
_COMPETENCES = re.compile(r"\bcompetenc(?:es|ies)\b|\bcomps\b|\bnos\b", re.IGNORECASE)
# Short words a question is made of, kept with the template words when the last question is remembered.
_FUNCTION_WORDS = frozenset(
    """
    a an the of for in on to and or is are was were be do does did how who why what which any has have it its
    they them their this that these those me my our can may will with about under from by at as than same not
    all each every last revised updated published date version references reference sources
    """.split()
)
_FOLLOW_UP_FILLER = frozenset(
    """
    and or what about how for a an the of is it its it's they them their that this same also too please ok
    okay then so whats what's tell me more one role roles job jobs for their theirs there
    how many number are in total altogether list them those these items entries things other now next
    mean means meaning practice explain does do level is that this have has got any anything listed wording
    worded words again
    """.split()
)


@dataclass(frozen=True)
class Reading:
    """One way to read a message: the questions to answer in turn, by the rules, by the template entries
    and sentences that name the question's words ('units'), or by retrieval over passages ('retrieve')."""

    parts: tuple[str, ...]
    mode: str = "rules"
    own_vector: bool = False  # embedded itself (the last question asked again), not the message's ask
    weight: float = 1.0  # the message as a whole, context and all, counts for less than its ask's own answers
    last_first: bool = False  # the last part's answer is what was asked, the ones before it what it rests on


class VectorNeeded(Exception):
    """The question needs retrieval and `answer(..., embed=False)` has no vector for `text`: embed it
    (batched, off the event loop) and answer again with the vector."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class LazyVector:
    """The question's embedding, made on first use: most questions are answered from the records."""

    def __init__(self, engine: Engine, question: str, embed: bool, value: np.ndarray | None) -> None:
        self.engine = engine
        self.question = question
        self.embed = embed
        self.value = value
        if value is not None:
            engine._remember(engine.retrieval_text(question), value)

    def get(self) -> np.ndarray | None:
        if self.value is None:
            self.value = self.engine._vector(self.engine.retrieval_text(self.question), self.embed)
        return self.value


# One IntentMatcher per embedder: its examples do not depend on the templates, so an engine built on a
# reload reuses the embedded examples instead of embedding them again.
_INTENTS: weakref.WeakKeyDictionary[Embedder, IntentMatcher] = weakref.WeakKeyDictionary()


def _intents_for(embedder: Embedder) -> IntentMatcher:
    matcher = _INTENTS.get(embedder)
    if matcher is None:
        matcher = _INTENTS[embedder] = IntentMatcher(embedder)
    return matcher


class Engine:
    """Answers questions from one knowledge base and its index."""

    def __init__(self, kb: KnowledgeBase, index: Index, embedder: Embedder | None = None) -> None:
        self.kb = kb
        self.index = index
        self.embedder = embedder
        self.finder = RoleFinder(kb.profiles)
        self.principles = principle_names(kb.profiles)
        self.lines_by_role: dict[str, list[str]] = {}  # every line of each role's template, to check a "No"
        for passage in index.passages:
            if passage.role:
                self.lines_by_role.setdefault(passage.role, []).append(passage.quote)
        self.principle_phrases = principle_phrases(self.principles)
        self.name_words = {w for p in kb.profiles for w in words(f"{p.role} {p.short_name} {p.area_of_work}")}
        # The words of competence titles and functions and of learning entries: what a theme can name.
        self.vocabulary = {
            w
            for p in kb.profiles
            for text in (
                *(f"{c.title} {c.function}" for c in p.competences),
                *(i.text for f in (*p.cpd, *p.learning) for i in f.items),
                *(f.label for f in (*p.cpd, *p.learning)),
            )
            for w in words(text)
            if len(w) >= 4
        } - self.name_words
        self.stems = {w[:6] for w in self.vocabulary}
        used = [
            w
            for text in (
                *(
                    text
                    for p in kb.profiles
                    for text in (
                        p.role,
                        p.short_name,
                        p.area_of_work,
                        *(f"{c.title} {c.function} {c.principle} {c.section_title}" for c in p.competences),
                        *(f"{f.label} {f.value}" for f in (*p.cpd, *p.learning, *p.basic_information)),
                        *(i.text for f in (*p.cpd, *p.learning) for i in f.items),
                        *(para.text for para in (*p.scope, *p.level_descriptor)),
                    )
                ),
                *(g.text for g in kb.general),  # the framework text: "clinical", "banding", "coterminous"
            )
            for w in re.findall(r"[A-Za-z]+", text)
        ]
        self.speller = Speller(used)
        self.acronyms = phrase_initials(
            text
            for p in kb.profiles
            for text in (
                *(c.title for c in p.competences),
                *(i.text for f in (*p.cpd, *p.learning) for i in f.items),
                *(i.text for i in p.experience_items),
                *(para.text for para in p.scope),
            )
        )
        self.corpus = f" {' '.join(w.lower() for w in used)} "  # every word the templates use, in order
        # Every word the templates use (not the speller's question words: "salary", "leave"), and its first
        # five letters: what a question's subject can be grounded in
        self.template_words = frozenset(w.lower() for w in used if len(w) >= 3)
        self.known_stems = {w[:5] for w in self.template_words if len(w) >= 5}
        # Entries whose titles use a role's words ("Mental Health First Aid"): named in a question, those words
        # are what is asked, not a role
        self.entry_names = sorted(
            {
                name
                for p in kb.profiles
                for text in (*(c.title for c in p.competences), *(i.text for f in p.learning for i in f.items))
                if 2 <= len(name_words := words(text)) <= 8
                and set(name_words) & self.name_words
                and set(name_words) - self.name_words - THEME_STOP
                # only those that the words left after its role's are removed ("aid") no longer name
                and len([w for w in name_words if w not in self.name_words | THEME_STOP and len(w) >= 4]) <= 1
                and (name := " ".join(name_words))
            },
            key=len,
            reverse=True,
        )
        self.by_stem: dict[str, str] = {}
        for w in sorted(self.vocabulary):
            self.by_stem.setdefault(_stem(w), w)
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        # intent from labelled examples needs a model that embeds meaning (not the hashing test embedder)
        semantic = embedder is not None and not isinstance(embedder, HashEmbedder)
        self.intents = _intents_for(embedder) if embedder is not None and semantic else None
        if self.intents is not None:
            self.intents.warm()  # once, at start-up (before a server forks its workers), not in a user's turn

    # -- entry points -----------------------------------------------------------------------

    def answer(
        self,
        question: str,
        state: ConversationState | None = None,
        vector: np.ndarray | None = None,
        embed: bool = True,
    ) -> tuple[Answer, ConversationState]:
        """Answer one question in a conversation (state may be None for a fresh one).

        The question is embedded only if its answer needs retrieval, and recent embeddings are
        cached. Pass `vector` (of `retrieval_text(question)`) when you have it; with `embed=False`
        a question that needs one and has none cached raises `VectorNeeded`."""
        state = state or ConversationState()
        question = " ".join(question.split())
        if not question:
            return Answer(
                "Please type a question about a role profile.",
                topic="empty",
                declined=True,
                suggestions=self.starter_questions(),
            ), state
        if len(question) > MAX_QUESTION_CHARS:
            return Answer(
                f"That message is too long for me ({len(question)} characters). Please ask one question"
                f" in under {MAX_QUESTION_CHARS} characters.",
                topic="too-long",
                declined=True,
            ), state
        ask = find_ask(question)
        if state.ask and (wants := instructions_only(question)):  # "number first pls": the last question, so
            again = find_ask(state.ask)
            ask = replace(again, wants=again.wants | wants)
        lazy = LazyVector(self, ask.text, embed, vector)  # one embedding per message: its ask's
        # "HR here. We're shortlisting for the EW post. What experience is required?": the role is in the context
        spelled = self._spelled(ask.context)
        named = self.finder.find(spelled) if ask.context else None
        context_roles = named.profiles if named else ()
        if named and named.ambiguous:  # "the level 8 manager for the mother and baby service - what ...?"
            context_roles = tuple(describing.narrowed(context_roles, ask.context))
            if len(context_roles) > 1 and (
                described := describing.described_role(self.finder, self.kb.profiles, spelled)
            ):
                context_roles = (described,)  # "the worker who takes patients to their appointments - ...?"
        if ask.context and not context_roles:
            # "the person in A&E who sees undifferentiated patients - what ...?"; else the message as a whole, when
            # its question names no role: "Dad's rehab assistants come to the house. Who is in charge of them?"
            # (two or three that fit about equally are answered side by side, each named)
            fits = describing.described_roles(self.finder, self.kb.profiles, spelled)
            if not fits and not self.finder.find(ask.text).profiles:
                whole = self._spelled(question)
                fits = describing.described_roles(self.finder, self.kb.profiles, whole)
                if not fits and _POINTS_AT_THEM.search(ask.text) and not WHICH_ROLE.search(ask.text):
                    fitted = describing.fitted(self.kb.profiles, whole)  # "... Who is in charge of them?"
                    fits = [fitted] if fitted else []
            context_roles = tuple(fits)
        best: tuple[Answer, ConversationState] | None = None
        best_support = 0.0
        asked = ask.text
        for reading in self._readings(question, ask, state):
            own = LazyVector(self, reading.parts[0], embed, None) if reading.own_vector else lazy
            found = self._answer_reading(reading, context_roles, state, own, question)
            if found is None or not found[0].text.strip():
                continue  # a reading that found nothing to say (the units of a question they do not fit)
            resolved = reading.parts == (ask.resolved,)  # its words from the context are the question's own
            shown = " ".join(line for line in found[0].text.lower().splitlines() if line.lstrip().startswith("-"))
            if resolved and ask.place and not all(w in shown for w in words(ask.place)):
                continue  # "would a SCSW be there (in a safe haven)?" over entries on being safe: no line names it
            if (
                ask.context
                and not resolved
                and _names_words_of(found[0], ask.context, ask.text, whole=reading.weight < 1)
            ):
                found = (replace(found[0], grounded=False), found[1])  # "No ... names band nurse gynae": misread
            # "No. No competence ... mentions daughter baby": a verdict on words no template uses is a misreading,
            # below even "the templates don't cover that"
            support = -1.0 if self._names_unused(found[0], question) else _support(found[0]) * reading.weight
            if best is None or support > best_support:
                best, asked = found, next(p for p in reversed(reading.parts) if p != _LIST_THEM)
                best_support = support
            if best_support >= 1.0:
                break
        assert best is not None  # the first reading always answers
        answer, new_state = best
        if re.match(r"(?:Yes|No)[.,:!]", answer.text) and not verdict.yes_no_asked(ask.parts[0]):
            answer = verdict.without_verdict(answer)  # "how do I apply ... is there an interview?": not a yes/no
        if not answer.declined:
            answer = verdict.done_without(ask.text, answer)  # "can we recruit without a licence?"
        if re.match(r"(?:Yes|No)[.,:!]", answer.text) and ask.context and verdict.JUDGES_THE_ASKER.search(ask.text):
            # "[my experience]. Would I meet the experience requirements?": the template cannot judge an application
            answer = verdict.without_verdict(answer)
            answer = replace(answer, text=f"{verdict.FOR_THE_PANEL}\n{answer.text}")
        if answer.text.startswith("Yes") and ask.refers_back and (short := verdict.short_of(ask.context, answer.text)):
            # "I have had my licence for 1 year. Is it enough to apply?" over "held for at least two years"
            _, _, rest = answer.text.partition("\n")
            answer = replace(answer, text=f"{short}\n{rest}")
        slips = [
            (p, said) for p, said in self.finder.find(self._spelled(ask.text)).misleveled if p.role in answer.roles
        ]
        if slips and not answer.declined:  # "the level 5 engagement worker": answered for it, the level put right
            answer = self._level_put_right(answer, ask.text, slips)
        if "number" in ask.wants and not answer.declined and (lead := verdict.number_lead(answer.text)):
            answer = replace(answer, text=f"{lead}\n{answer.text}")  # "just the number - what level is the ACP?"
        return answer, replace(new_state, ask=self._remembered(rewrite(asked, self.finder.shorthand)))

    def _not_in_other(self, text: str, state: ConversationState) -> str | None:
        """'Which of those don't appear in the EW's informal learning?' after the SM's: what the SM has there that
        the EW does not, asked as such; None for any other question."""
        m = _NOT_IN_OTHER.search(text)
        current = self._roles_of(state)
        if m is None or len(current) != 1:
            return None
        named = self.finder.find(m["rest"]).profiles
        if len(named) != 1 or named[0] == current[0]:
            return None
        what = re.sub(r"^\W*(?:'s\s+)?(?:the\s+)?", "", self.finder.without_roles(m["rest"])).strip(" ?.!")
        return (
            f"what {what or 'training'} does the {current[0].short_name} have that the {named[0].short_name} doesn't?"
        )

    def _level_put_right(self, answer: Answer, asked: str, slips: Sequence[tuple[RoleProfile, int]]) -> Answer:
        """The answer, then a cited note of the level each title asked with another level is at."""

        def write(w: compose.Writer) -> None:
            for p, said in slips:
                w.add(
                    f"Note: the {p.short_name} template is at career framework level {p.level}, not {said}."
                    f" {w.cite(p, compose.basic_source(p, 'level'))}"
                )

        note = self.finish(understand(asked, self.finder), [p for p, _ in slips], write)
        both = combine([answer, note])
        if both is None:  # more places than a reply may cite: the answer alone
            return answer
        return replace(
            both, topic=answer.topic, suggestions=answer.suggestions, grounded=answer.grounded, nearest=answer.nearest
        )

    def _names_new_role(self, text: str, state: ConversationState) -> bool:
        """Whether `text` names a role the conversation is not on."""
        return bool({p.role for p in self.finder.find(self._spelled(text)).profiles} - set(state.roles))

    def _spelled(self, text: str) -> str:
        """`text` with the templates' shorthand written out and its words spelled as the templates spell them."""
        return self.speller.correct(rewrite(text, self.finder.shorthand))

    def _names_unused(self, answer: Answer, message: str) -> bool:
        """Whether the answer is a No that a template does not name words of the message that no template uses at
        all: a reading of the asker's own words ("my daughter just had a baby", "3 years on the tills") as the
        subject. Not the bot's own words for it ("CPR": "basic life support"), nor how the asker hedges ("is she
        meant to", "normally", "actually")."""
        said = set(words(message))
        return answer.text.startswith("No.\n") and any(
            len(w) > 2 and w in said and w not in _HEDGES and not w.endswith("ly") and not self.grounded(w)
            for m in _NAMES_ABSENT.finditer(answer.text)
            for w in words(m["what"])
        )

    def _remembered(self, text: str) -> str:
        """The question as the conversation keeps it: only words of the templates and of questions, and
        role initials, so that no name or other personal detail the asker wrote is stored."""
        kept = [
            t
            for t in re.findall(r"\S+", text[:500])
            if (w := t.lower().strip("?!.,;:'\"()").removesuffix("'s"))
            and (
                w in self.template_words
                or w in QUESTION_WORDS
                or w in _FUNCTION_WORDS
                or w.isdigit()
                or self.finder.initials_in(t.strip("?!.,;:'\"()")) is not None
            )
        ]
        return " ".join(kept)

    def _other_role(self, state: ConversationState) -> RoleProfile | None:
        """'the other one': the one template not in focus, or else the one other of the conversation's area of
        work (the Crisis Support Worker after the Senior Crisis Support Worker)."""
        others = [p for p in self.kb.profiles if p.role not in state.roles]
        if len(others) > 1:
            areas = [describing.area_words(p) for p in self._roles_of(state)]
            others = [p for p in others if describing.area_words(p) in areas]
        return others[0] if len(others) == 1 and state.roles else None

    def _relative_roles(self, text: str, state: ConversationState) -> list[RoleProfile]:
        """'the one below it in the same service', 'the next level up': of the conversation's role, the templates
        at the nearest level below or above, in its area of work when it has one there (or when asked)."""
        m = _RELATIVE.search(text)
        current = self._roles_of(state)
        if not m or len(current) != 1:
            return []
        up = (m["way"] or m["way2"] or m["way3"]).lower() in ("above", "over", "up", "higher")
        level = current[0].level

        def nearest(pool: Sequence[RoleProfile]) -> list[RoleProfile]:
            pool = [p for p in pool if (p.level > level if up else p.level < level)]
            best = min((abs(p.level - level) for p in pool), default=None)
            return [p for p in pool if abs(p.level - level) == best]

        area = describing.area_words(current[0])
        in_area = nearest([p for p in self.kb.profiles if describing.area_words(p) == area])
        return in_area or ([] if _SAME_AREA.search(text) else nearest(self.kb.profiles))

    def _again_for(self, ask: Ask, state: ConversationState) -> str | None:
        """'and the SM one?', 'same for the TA?', 'and the other one's?': the last question, asked of the role(s)
        named now."""
        if not state.ask or not _AGAIN.search(ask.text):
            return None
        if (relative := self._relative_roles(ask.text, state)) and not self._content_words(
            _SAME_AREA.sub(" ", _RELATIVE.sub(" ", ask.text))
        ):  # "and the one below it in the same service?"
            return self.finder.with_roles(state.ask, " and ".join(p.short_name for p in relative))
        if _OTHER_ROLE.search(ask.text) and (other := self._other_role(state)):
            rest = re.sub(r"'s\b", " ", _OTHER_ROLE.sub(" ", ask.text))
            if not self._content_words(rest):  # "and the other one's?"
                return self.finder.with_roles(state.ask, other.short_name)
        if self._content_words(ask.text):
            return None  # a role alone ("engagement worker") answers "which role?"; it asks nothing again
        named = self.finder.find(self._spelled(ask.text))
        if not named.profiles or named.everyone or len(self.finder.find(state.ask).profiles) > 1:
            return None
        profiles = describing.near(self.finder, self.kb.profiles, named.profiles, ask.text, state.roles)
        before = [p for p in self.kb.profiles if p.role in state.roles and p not in profiles]
        if _SAME_ASKED.search(ask.text) and before:
            # "is that the same for the SM?": the two compared on what was last asked, yes or no first
            both = " and the ".join(p.short_name for p in (*profiles, *before))
            return f"compare the {both}: are they the same in {' '.join(self._content_words(state.ask))}?"
        return self.finder.with_roles(state.ask, " and ".join(p.short_name for p in profiles))

    def _corrected_for(self, ask: Ask, state: ConversationState) -> str | None:
        """'sorry, I meant the senior one': the last question, asked of the role the asker meant: a template whose
        title has the words of 'the <words> one', or the role named; of the conversation's service first ('the
        senior one, the manager' after the EW is its manager), then of any."""
        if not state.ask or not state.roles or len(words(ask.text)) > 16 or not _CORRECTION.search(ask.text):
            return None
        after = re.sub(
            r"^\W*(?:sorry|oops|no wait|my bad|correction|what i mean is|i mean)\W*", "", ask.text, flags=re.I
        )
        if _NEW_QUESTION.match(after):
            return None  # "Sorry, what does a transport assistant do?": a new question, politely
        text = _NOT_THAT.sub(" ", ask.text)
        one = _THE_X_ONE.search(text)
        rest = self._content_words(_THE_X_ONE.sub(" ", text))
        if any(w not in _CORRECTING and w not in self.name_words and self.grounded(w) for w in rest):
            return None  # "I mean, what training does the SM need?": a question of its own
        said = set(words(one.group(1))) - {"other"} if one else set()
        titled = [p for p in self.kb.profiles if p.role not in state.roles and said and said <= set(words(p.role))]
        meant: list[RoleProfile] = []
        for phrase in [text, *text.split(",")]:  # the whole, then each of "the senior one, the manager"
            named = self.finder.find(self._spelled(phrase))
            near = describing.near(self.finder, self.kb.profiles, named.profiles, phrase, state.roles)
            found = [p for p in near if p.role not in state.roles and not named.everyone]
            meant += [p for p in (describing.narrowed(found, phrase) if len(found) > 1 else found) if p not in meant]
        areas = set().union(*(describing.area_words(p) for p in self._roles_of(state)))
        ranked = [[p for p in found if describing.area_words(p) & areas] for found in (titled, meant)] + [titled, meant]
        best = next((found for found in ranked if 1 <= len(found) <= 3), None)
        return self.finder.with_roles(state.ask, " and ".join(p.short_name for p in best)) if best else None

    def _readings(self, question: str, ask: Ask, state: ConversationState) -> list[Reading]:
        """The ways to read a message, best first: its ask (in parts when it asks more than one, with
        'and list them' when it wants a count and the list), then the message as a whole, then the ask
        as a free question for retrieval over every passage of the templates."""
        parts = list(ask.parts)
        if (
            len(parts) == 1
            and (alternative := first_alternative(parts[0]))
            and not any(cue[0].search(parts[0]) for cue in framework.FRAMEWORK_CUES)
        ):
            # "..., or is it purely a management job?" (not "..., or is it meant to be used whole?")
            parts = [alternative]
        if operation_of(parts[-1]) == "count" and ("list" in ask.wants or _COMPETENCES.search(parts[-1])):
            # "how many ...? give me the number then list them"; a count of competences is shown with them
            parts.append(_LIST_THEM)
        elif "number" in ask.wants and operation_of(parts[-1]) == "list":
            parts.insert(-1, f"how many {parts[-1]}")  # "the number first, then the list: the EW's core competences"
        readings = [Reading(tuple(parts))]
        if corrected := self._corrected_for(ask, state):  # "sorry, I meant the senior one": asked again of that role
            readings[0:0] = [Reading((corrected,), mode, own_vector=True) for mode in ("rules", "units", "retrieve")]
        elif again := self._again_for(ask, state):  # "same for the SM?": the last question, in every mode
            # "and does the EW have any of those?" is a yes/no of its own first; the last question asked again after
            at = 1 if _YES_NO_FORM.match(ask.text) and not _SAME_ASKED.search(ask.text) else 0
            readings[at:at] = [Reading((again,), mode, own_vector=True) for mode in ("rules", "units", "retrieve")]
        if len(parts) > 1:
            readings.append(Reading((ask.text,)))
        if ask.split:  # the message as a whole; first when its question points into the context
            empty = not self._subject(ask.text) and (
                not set(topics_in(ask.text)) - {"framework", "help"}
                # "hiring and workforce - what's in the SM role?": a few words of subject before the question
                or (
                    len(ask.context.split()) <= 4
                    and re.match(r"^\W*[^.?!]{2,40}?\s[-–:]\s", question) is not None
                    and bool(self._subject(ask.context))
                )
            )
            # (of the question asked: "... or is it only mental health?" points back no longer once its guess is gone)
            first = replace(ask, parts=(parts[0], *ask.parts[1:])).refers_back or empty
            readings.insert(0 if first else len(readings), Reading((question,), weight=1.0 if first else 0.95))
        if state.ask and _WIDEN.search(ask.text) and not self._names_new_role(ask.text, state):
            # "just the core ones" then "now add the role-specific ones too": the last question, then this one
            readings.insert(0, Reading((f"{state.ask.rstrip(' ?.')} and {ask.text}",)))
        if among := extreme_among(ask.text):  # "the lowest level role that lists X": which do, then the lowest of them
            readings.insert(0, Reading(among, last_first=True))
        if ask.resolved:  # "I'm designing a course on lone working. Where does it appear?": about lone working
            readings.insert(0, Reading((ask.resolved,), own_vector=True))
        if ask.claimed:  # "... are being told they're responsible for lone workers. Is that in their template?"
            readings.insert(0, Reading((ask.claimed,)))
        if not_in := self._not_in_other(ask.text, state):
            readings.insert(0, Reading((not_in,)))  # "which of those don't appear in the EW's informal learning?"
        if state.theme and _SIMILAR.search(ask.text):
            # "and does the EW have anything similar?": the subject of the conversation, for the role named now
            readings.append(Reading((f"{ask.text.rstrip(' ?')} about {' and '.join(state.theme)}?",)))
        readings.append(Reading((ask.text,), mode="units"))
        readings.append(Reading((ask.text,), mode="retrieve"))
        return readings

    def _answer_reading(
        self,
        reading: Reading,
        context_roles: Sequence[RoleProfile],
        state: ConversationState,
        lazy: LazyVector,
        message: str = "",
    ) -> tuple[Answer, ConversationState] | None:
        """The answer to one reading: its parts in turn, each in the conversation the one before left; a part
        that misreads the message's own words as its subject is left out when another part answers."""
        answers = []
        for part in reading.parts:
            answer, state = self._answer_one(part, context_roles, state, lazy, reading.mode)
            answers.append(answer)
        if reading.last_first and len(answers) > 1 and not answers[-1].declined:
            answers = [answers[-1], *answers[:-1]]  # "the lowest level role that lists X": that role, then which do
        kept = [a for a in answers if not a.declined] or answers[-1:]
        if len(kept) > 1:
            kept = [a for a in kept if not self._names_unused(a, message)] or kept
        if any(a.grounded for a in kept):
            kept = [a for a in kept if a.grounded]  # a part the templates do not support is left out
        unknown = [a for a in answers if a.topic == "unknown-role"]
        if unknown and not any(a.citations for a in kept):
            # "Is there a template for a paramedic? What are its competences?": no such template, whatever the
            # part after it would ask
            kept = unknown
        combined = combine(kept)
        return None if combined is None else (combined, state)

    def _answer_one(
        self,
        question: str,
        context_roles: Sequence[RoleProfile],
        state: ConversationState,
        lazy: LazyVector,
        mode: str = "rules",
    ) -> tuple[Answer, ConversationState]:
        # shorthand first ("stat and mand"), then initials of the templates' own phrases ("PGDs", "MHFA")
        question = self.speller.correct(self._spelled_out(rewrite(question, self.finder.shorthand)))
        matrix = answer_matrix(self.kb, question)  # "training matrix for <area>", "which roles need <training>?"
        if matrix is not None:  # the roles it names are the conversation's now ("which of those is the most junior?")
            return matrix, replace(state, roles=matrix.roles or state.roles)
        q = understand(question, self.finder, context_roles)
        near = describing.near(
            self.finder, self.kb.profiles, q.roles.profiles, q.text, state.roles or tuple(p.role for p in context_roles)
        )
        if len(near) < len(q.roles.profiles):  # "the SM" after the EW: the Strategic Manager of its service
            q = replace(q, roles=replace(q.roles, profiles=tuple(near), ambiguous=False))
        if q.roles.ambiguous and len(best := describing.narrowed(q.roles.profiles, q.text)) == 1:
            q = replace(q, roles=replace(q.roles, profiles=tuple(best), ambiguous=False))  # "... for mother and baby"
        if (
            not q.roles.profiles
            and not q.roles.everyone
            and (described := describing.described_role(self.finder, self.kb.profiles, q.text))
        ):
            q = understand(question, self.finder, (described,))  # "the person who drives patients to ..."
            q = replace(q, roles=RoleMatch(profiles=(described,)))
        led = q.roles.profiles[0] if len(q.roles.profiles) == 1 else None
        if (led or (q.roles.unknown and not q.roles.profiles)) and (
            leader := describing.leader_of(self.finder, self.kb.profiles, q.text, led)
        ):
            q = replace(q, roles=RoleMatch(profiles=(leader,)))  # "the one who leads the crisis support workers"
        current = self._roles_of(state)
        if (
            _SAME_LEVEL.search(q.text)
            and len(current) == 1
            and not q.roles.profiles
            and not set(topics_in(q.text)) - {"level", "roles", "framework", "compare"}
            # "does any role at the same level need safeguarding?" asks about an entry, not which roles
            and not any(w in self.finder.content_words for w in self._subject(q.text))
        ):
            # "is any other role at the same level?": the templates at the conversation's role's level
            same = tuple(p for p in self.kb.profiles if p.level == current[0].level)
            q = replace(q, topic="roles", roles=RoleMatch(profiles=same))
        elif _OTHER_ROLES.search(q.text) and state.roles and {p.role for p in q.roles.profiles} <= set(state.roles):
            # "is freedom to speak up in any other role's list?": every template but the one the conversation is on
            others = tuple(p for p in self.kb.profiles if p.role not in state.roles)
            q = replace(q, roles=RoleMatch(profiles=others))
        if q.roles.everyone and _OF_THEM.search(q.text) and len(state.roles) >= 2:
            # "do either of them mention safe havens?": the roles the conversation is on, not every template
            q = replace(q, roles=RoleMatch(profiles=self._roles_of(state)))
        q = self._with_context(q, state)
        if mode == "retrieve":
            answer = retrieving.retrieve(self, q, lazy, self._profiles(q, state), closest=True)
        elif mode == "units":
            answer = self._units(q, state)
        elif state.topic and _ORDINAL.search(q.text):  # "which one is last in the table?": in the last list
            answer = self._ordinal(q, state, lazy)
        elif (
            state.ask
            and (picked := _PICK.search(q.text))
            and not q.roles.profiles
            and (chosen := self._picked(picked["what"], state, lazy)).text
        ):
            answer = chosen  # "which one is the NICE one?": in the last list
        else:
            answer = self._dispatch(q, state, lazy)
        if answer.text.startswith("Yes") and (corrected := self._not_listed(q)):
            answer = corrected  # a "Yes" about a quoted entry the template asked about does not list
        asked = {p.role for p in q.roles.profiles}
        first, _, rest = answer.text.partition("\n")
        if first != "Yes.":
            rest = answer.text
        if "what the template says about" in rest.split("\n", 1)[0]:
            # A themed answer's Yes: an entry on it, or a sentence when what the template says is asked ("is she
            # responsible for hospital admissions?" is not answered by "... so that a hospital admission can be
            # avoided": that sentence is shown with no Yes above it)
            said = verdict.entries_answer(question, answer, asked)
            if first == "Yes." and not said:
                answer = replace(answer, text=rest)
            elif (
                first != "Yes."
                and said
                and _YES_NO_FORM.match(question)
                and answer.citations
                and not answer.declined
                and asked <= {c.role for c in answer.citations}  # every role asked says it
            ):
                answer = replace(answer, text=f"Yes.\n{answer.text}")
        if (counted := _COUNTED.search(question)) and not re.match(r"\W*(?:\d|[A-Z][a-z]+ of)", answer.text):
            # "how many levels does the career framework have?": the number the cited text gives, first
            given = re.search(
                rf"\b((?:at least|at most|up to|more than|over|about|around) )?(\d+|{'|'.join(NUMBER_WORDS)})\s+"
                rf"{counted['noun']}\b",
                answer.text,
                re.I,
            )
            if given and not answer.declined and answer.citations:
                number = f"{given[1] or ''}{given[2]}"  # "at least two"
                answer = replace(answer, text=f"{number[0].upper()}{number[1:]}.\n{answer.text}")
        if _YES_NO_FORM.match(question) or operation_of(question) == "check":  # the first word its own lines say
            answer = verdict.settle(
                question,
                answer,
                {p.role for p in q.roles.profiles} or set(state.roles),  # "does that level say ...?": the role before
                self._subject(question),
                self.finder.numbers_asked(question, {p.level for p in q.roles.profiles}),
                self.lines_by_role,
                THEMES,
            )
        # The conversation stays on the role the question is about (named, or carried from earlier), even
        # when the answer cites another role's template ("the EW template doesn't; the SM's does").
        focus = tuple(p.role for p in q.roles.profiles)
        if not focus and not q.roles.everyone and not WHICH_ROLE.search(q.text):
            focus = state.roles
        roles = focus or answer.roles or state.roles
        new_state = ConversationState(
            roles,
            answer.topic if answer.topic in (*ROLE_TOPICS, "compare") else state.topic,
            q.subtopics or (state.subtopics if answer.topic == state.topic else ()),
            tuple(self.theme_of(q)) if answer.topic in THEMED_TOPICS else (),
            self._focus(q) if answer.topic in THEMED_TOPICS else (),
        )
        return answer, new_state

    def _focus(self, q: Question) -> tuple[str, ...]:
        words_ = [
            {"core": "core", "role-specific": "role specific", "locality-specific": "locality"}[s]
            for s in sections_named(q.text)
        ]
        principle = self.principle_of(q.text)
        if principle:
            words_.append(principle)
        if operation_of(q.text) == "count":
            words_.append("how many")
        return tuple(words_)

    def _spelled_out(self, text: str) -> str:
        """'which competence covers PGDs?' -> '... patient group directions?' (see `spelling.spell_out`)."""
        return spell_out(
            text,
            self.acronyms,
            lambda token: token.lower() in self.template_words or bool(self.finder.abbreviated(token)),
        )

    def retrieval_text(self, question: str) -> str:
        """What to embed for a question: its words less the role mentions (roles filter instead)."""
        stripped = self.finder.without_roles(
            self.speller.correct(self._spelled_out(rewrite(" ".join(question.split()), self.finder.shorthand)))
        )
        return stripped if len(words(stripped)) >= 1 else question

    def _vector(self, text: str, embed: bool) -> np.ndarray | None:
        cached = self._vectors.get(text)
        if cached is not None:
            self._vectors.move_to_end(text)
            return cached
        if self.embedder is None:
            return None  # keyword retrieval alone
        if not embed:
            raise VectorNeeded(text)
        vector = self.embedder.embed(text)
        self._remember(text, vector)
        return vector

    def remember(self, text: str, vector: np.ndarray) -> None:
        """Keep the embedding of `text` (as `VectorNeeded` named it) for the questions that need it."""
        self._remember(text, vector)

    def _remember(self, text: str, vector: np.ndarray) -> None:
        self._vectors[text] = vector
        self._vectors.move_to_end(text)
        while len(self._vectors) > VECTOR_CACHE_SIZE:
            self._vectors.popitem(last=False)

    def entry_vectors(self, role: str) -> list[tuple[Passage, np.ndarray]]:
        """A template's entries (competences, learning, scope and experience) each with the embedding of its own
        words, made when the index was built (the passage vectors embed each with its section, principle and
        function around it)."""
        return self.index.entries(role)

    def keyword_query(self, text: str) -> str:
        """The keyword side of retrieval for an understood question: its words less role mentions."""
        return " ".join(t for t in self.finder.without_roles(text).split() if t.lower().strip("?.,!") not in _VAGUE)

    def starter_questions(self) -> tuple[Suggestion, ...]:
        if not self.kb.profiles:
            return (Suggestion("What can you do?", "help"),)
        first, last = self.kb.profiles[0], self.kb.profiles[-1]
        return (
            Suggestion(f"{initials(first)} training", f"What training does {with_article(first)} need?"),
            Suggestion(f"{initials(last)} experience", f"What experience does {with_article(last)} need?"),
            Suggestion("Roles you know", "What roles do you know about?"),
        )

    # -- understanding in context -----------------------------------------------------------

    def _with_context(self, q: Question, state: ConversationState) -> Question:
        """'and the strategic manager?' carries the last topic over; a question with its own content
        (e.g. 'what is the salary of an engagement worker?') does not."""
        if (
            retrieving.NEWEST.search(q.text)
            and re.search(r"\breferences?\b", state.ask, re.I)
            and state.roles
            and not re.search(r"\b(?:version|template|update|draft|status)\b", q.text, re.I)
        ):
            # "list the references in the SM template" then "which one is the most recent?"
            return replace(
                q, text=f"{q.text} references", topic="framework", roles=RoleMatch(profiles=self._roles_of(state))
            )
        if (
            not q.roles.profiles
            and len(state.roles) >= 2
            and replies.EXTREME.search(q.text)
            and re.search(r"\b(?:senior|junior|level|highest|lowest)\b", q.text, re.I)
            and (_BACK_REFERENCE.search(q.text) or _OF_THEM.search(q.text) or re.search(r"\bwhich one\b", q.text, re.I))
        ):
            # "which roles list Freedom to Speak Up?" then "which of those is the most junior?": of those roles
            return replace(q, topic="roles", roles=RoleMatch(profiles=self._roles_of(state)))
        if (
            not q.roles.profiles
            and len(state.roles) >= 2
            and WHICH_ROLE.search(state.ask)
            and operation_of(q.text) == "count"
            and not self._content_words(q.text)
        ):
            # "which roles have BLS in stat/mand?" then "how many is that?": the roles just listed, counted
            return replace(q, topic="roles", roles=RoleMatch(profiles=self._roles_of(state)))
        if q.roles.everyone and not q.roles.profiles and len(state.roles) >= 2 and _OF_THEM.search(q.text):
            # "which roles are level 8?" then "do either of them have stat and mand?": those roles
            q = replace(q, roles=RoleMatch(profiles=self._roles_of(state)))
        if _OTHER_ROLE.search(q.text) and not q.roles.profiles and (other := self._other_role(state)):
            q = replace(q, roles=RoleMatch(profiles=(other,)))
        if not q.roles.profiles and (relative := self._relative_roles(q.text, state)):
            q = replace(q, roles=RoleMatch(profiles=tuple(relative)))  # "what does the one above it need?"
        if (
            state.theme
            and _WHERE_SITS.search(q.text)
            and not _QUOTED.search(q.text)
            and (_IT.search(q.text) or not [w for w in self._subject(q.text) if w not in _LOCATE_STOP])
        ):
            # "is manage budgets in the SM?" then "which reference function is it under?": that subject
            return replace(q, text=" ".join([q.text, *state.theme]))
        if q.topic != "free" or not state.topic:
            return q
        if not self._content_words(q.text):
            # "how many are there?" after "which competences are about safeguarding?": same theme.
            text = " ".join([q.text, *state.theme, *state.focus])
            return replace(q, text=text, topic=state.topic, subtopics=state.subtopics)
        if _BACK_REFERENCE.search(q.text) and state.topic in THEMED_TOPICS:
            # "which of those are about risk?" after the role specific competences: the same list, narrowed
            text = " ".join([q.text, *state.theme, *(w for w in state.focus if w != "how many")])
            return replace(q, text=text, topic=state.topic, subtopics=state.subtopics)
        return q

    def _introduction(self, q: Question) -> Answer | None:
        """The introduction's passages, when the question asks a word only the introduction uses ("levelled")."""
        asked = [w for w in words(self.keyword_query(q.text)) if retrieving.in_introduction_only(self.index, w)]
        return framework.from_introduction(self, q, asked)

    def _content_words(self, text: str) -> list[str]:
        """The question's words less role mentions and follow-up filler ('and what about ...?')."""
        return [w for w in words(self.keyword_query(text)) if w not in _FOLLOW_UP_FILLER]

    def _subject(self, text: str) -> list[str]:
        """The words of substance: not role mentions, follow-up filler, stop words or job nouns ('student')."""
        return [
            w
            for w in self._content_words(text)
            if w not in THEME_STOP
            and w not in _VAGUE
            and len(w) >= 3
            and not w.isdigit()
            and w.rstrip("s") not in JOB_NOUNS
        ]

    def _only_roles(self, text: str) -> bool:
        return all(w in _SELF_INTRODUCTION for w in self._content_words(text))

    def _profiles(self, q: Question, state: ConversationState) -> list[RoleProfile]:
        if q.roles.everyone:
            return list(self.kb.profiles)
        if q.roles.profiles:
            return list(q.roles.profiles)
        if WHICH_ROLE.search(q.text):  # "which role needs X?" asks across roles, whatever was discussed
            return list(self.kb.profiles)
        return list(self._roles_of(state))

    def _roles_of(self, state: ConversationState) -> tuple[RoleProfile, ...]:
        """The templates of the roles the conversation is on, in the knowledge base's order."""
        return tuple(p for p in self.kb.profiles if p.role in state.roles)

    # -- dispatch -----------------------------------------------------------------------------

    def _dispatch(self, q: Question, state: ConversationState, vector: LazyVector) -> Answer:
        topic = q.topic
        if topic == "help":
            return replies.help_reply(self)
        if q.roles.unknown and not q.roles.profiles:  # "do you have a template for a ... practitioner?"
            return replies.unknown_role(self, q.roles.unknown)
        if q.roles.ambiguous and len(q.roles.profiles) > SIDE_BY_SIDE_LIMIT:
            return replies.which_role(self, q, among=q.roles.profiles)  # "a worker": which of the four?
        if topic == "roles" and retrieving.PROVENANCE.search(q.text.lower()):
            return retrieving.provenance(self, q, list(q.roles.profiles))  # "which templates are still drafts?"
        if (
            topic == "roles"
            and _QUOTED.search(q.text)
            and (placed := units.locate(self, q, list(self.kb.profiles), _LOCATE_STOP, which=True))
        ):
            return placed  # "which roles have 'Manage lone workers'?": the templates listing that entry
        if topic == "roles":
            # "which roles include lone working?" asks about more than the list of roles: a weak reading then
            listed = replies.roles_reply(self, q)
            by_level = any(
                r.search(q.text) for r in (replies.EXTREME, replies.LEVEL_RANGE, replies.LEVEL_ORDER, _SAME_LEVEL)
            )
            return replace(listed, grounded=by_level or not self._subject(q.text))
        profiles = self._profiles(q, state)
        operation = operation_of(q.text)
        if operation == "which" and (fields := training_fields(q.text)) and checking.BLANK.search(q.text):
            return lists.which_blank(
                self, replace(q, topic="training", subtopics=fields), list(self.kb.profiles)
            )  # "which templates leave stat and mand blank?"
        if (
            operation == "which"
            and q.topic != "compare"
            and (sections := sections_named(q.text))
            and not self.theme_of(q, strict=True)
            and not q.roles.profiles
        ):
            # "which templates have anything in the locality specific competences?": those that do, and what
            having = [p for p in self.kb.profiles if select(p, sections, None, [])]
            if having:
                section = sections[0].replace("-", " ")
                listed = lists.about_roles(
                    self, replace(q, topic="competences", text=f"list the {section} competences"), having, vector
                )
                lead = f"{len(having)} of the {len(self.kb.profiles)} templates list {section} competences:"
                return replace(listed, text=f"{lead}\n\n{listed.text}")
        if topic != "compare" and (framework_answer := framework.about_the_framework(self, q)):
            return framework_answer
        if (
            lists.REGISTRATION.search(q.text)
            and profiles
            and len(profiles) <= SIDE_BY_SIDE_LIMIT
            and operation != "which"
            and topic in ("training", "experience", "free")
            and not q.roles.everyone
        ):
            return lists.registration(self, q, profiles)  # "which registration do I need for the CP?"
        if (
            (_WHERE_SITS.search(q.text) and operation != "count")  # "how many ... sit under H. ...?" is a count
            or (
                operation in ("which", "check")
                and _QUOTED.search(q.text)
                # "whose competence is 'Recruit, select and keep colleagues'?": a quoted title, whatever its words
                and (topic in ("competences", "free", "framework", "roles") or operation == "which")
            )
        ) and (
            placed := units.locate(
                self,
                q,
                list(self.kb.profiles) if operation == "which" else profiles or list(self.kb.profiles),
                _LOCATE_STOP,
                which=operation == "which",
                check=operation == "check",
            )
        ):
            return placed  # "which reference function is the 'plan and organise the work rota' competence under?"
        if operation == "which" and (fields := training_fields(q.text)) and not q.roles.profiles:
            filled = lists.which_filled(self, replace(q, topic="training", subtopics=fields), list(self.kb.profiles))
            if filled is not None:  # "which roles lead to registration with a professional body?"
                return filled
        if operation == "which" and _MENTION.search(q.text) and not q.roles.profiles:
            mentioned = self._units(q, state)  # "which roles mention working alone or lone working?": wherever they do
            if mentioned.grounded:
                return mentioned
        if (
            (
                operation == "which"
                or (_ROLES_WORD.search(q.text) and not q.roles.profiles)
                or re.search(r"\bwhich (?:is|one is) (?:the )?(?:most|least|highest|lowest)\b", q.text, re.I)
            )
            and _LEVELS.search(q.text)
            and (
                replies.EXTREME.search(q.text)
                or replies.LEVEL_RANGE.search(q.text)
                or replies.LEVEL_ORDER.search(q.text)
            )
        ):
            return replies.roles_reply(self, q)  # "which role has the lowest level?"
        never = _NEVER_IN_TEMPLATES.search(q.text)
        if never and self._phrase_grounded(never.group(0)):
            never = None  # a template that does say it ("the team's rota"): not an employment term to decline
        if _PRODUCE.search(q.text) or (never and topic not in _CONTENT_TOPICS) or _BENEFITS.search(q.text):
            # "can you write me a job advert?", "can I take annual leave in my first month?": not in a template
            return replies.decline(self, q, profiles)
        if _SALARY.search(q.text) and not _TRAINING_COSTS.search(q.text):
            return replies.decline(self, q, profiles)  # no template gives pay: not a nearby passage instead
        if any(r.search(q.text) for r in (_PRICE, _LOCAL_CONTACT, _ROLE_BAND, _INTERVIEW, _NOS_CODE, _LOCAL_FACTS)):
            # "how much does the foundation degree cost?", "who do I contact at my trust to book it?", "what
            # band is the CSW?", "the trust's policy on restraint": no template gives prices, local contacts, a
            # role's Agenda for Change band, a trust's own policies, who holds a post now, or doses
            return replies.decline(self, q, profiles)
        if topic in ("free", "framework", "roles") and retrieving.PROVENANCE.search(q.text.lower()):
            return retrieving.provenance(self, q, profiles)  # "is the support worker template still a draft?"
        if _LEVEL_AND_BAND.search(q.text) and not _PAY.search(q.text):
            # "is career framework level 8 the same as band 8?": what the templates say on levels and bands
            return lists.bands(self, q, profiles or list(self._roles_of(state)))
        if (
            lists.FORMAL_PARTS.search(q.text)
            and (lists.FORMAL_NAMED.search(q.text) or lists.FORMAL_NAMED.search(state.ask))
            and profiles
            and topic != "compare"
            and operation != "which"
            and (formal := lists.formal_learning(self, q, profiles))
        ):
            return formal  # "how many credits is the ACP's MSc?", "... - title, awarding body, credits and level?"
        if (
            topic == "experience"
            and operation == "list"
            and _FORMAL_TOO.search(q.text)
            and profiles
            and (formal := lists.formal_learning(self, q, profiles))
            and (both := combine([lists.about_roles(self, q, profiles, vector), formal]))
        ):
            return both  # "the experience required and the formal qualification the template names"
        named = comparing.labelled_fields(q.text.lower(), profiles or self.kb.profiles)
        if named and topic not in ("compare", "onboarding") and operation != "count":
            # "what does the EW template say about APEL and progression?": that field, as the template has it
            return lists.fields(self, q, profiles or list(self.kb.profiles), list(dict.fromkeys(f.key for f in named)))
        if (
            self.principle_of(q.text)
            and ((topic == "free" and profiles) or topic in ("training", "experience", "progression", "level", "scope"))
            and not _SCOPE_NAMED.search(q.text)  # "what does the SM's scope of role say about service improvement?"
        ):
            # "how many ... under Education, Learning and Research": the principle's words are not training
            q = replace(q, topic="competences")
            topic = "competences"
        if (
            (
                topic in ("framework", "scope", "free")
                # "say about supervising, training or mentoring others?": training is one of the subjects listed
                or (topic == "training" and re.search(r"\b(?:about|on|around)\b[^?]*\btraining,? or\b", q.text, re.I))
            )
            and (operation == "list" or (operation == "check" and _YES_NO_FORM.match(q.text)))
            and (q.roles.profiles or q.roles.everyone)
            and (about := _ABOUT.search(q.text))
            and (theme := self.theme_of(q, strict=True))
        ):
            # "what does the EW template say about data and information handling?": all it says on that
            any_word = bool(re.search(r"\b\w+ (?:and|or) \w+", q.text[about.end() :])) or alternatives(q.text, theme)
            if not q.roles.profiles and operation == "list":  # "where does lone working appear across the templates?"
                everyone = list(self.kb.profiles)
                described = [p for p in everyone if themes.count(p, theme, any_word=any_word)]
                if described:
                    return lists.which_by_theme(self, q, everyone, described, theme, any_word)
            said = [p for p in q.roles.profiles if themes.count(p, theme, any_word=any_word)]
            if said:

                def write_about(w: compose.Writer) -> None:
                    for p in said:
                        themes.about_theme(w, p, theme, any_word)

                follow_ups = self.follow_ups(said[0], "competences")
                return self.finish(replace(q, topic="competences"), said, write_about, suggestions=follow_ups)
        if topic == "free" and self.intents is not None and operation != "which":
            # the rules found no topic: the labelled examples decide when they clearly can ("can an EW
            # supervise other staff?" is about the level's responsibility, not the competence "Make use of
            # supervision"; "can I claim mileage?" is not in any template)
            guessed = self.intents.match(vector.get())
            if guessed == "decline":  # a guess: a reading that finds the question's words in a template wins
                return replace(replies.decline(self, q, profiles), grounded=False)
            if guessed is not None:
                q = replace(q, topic=guessed)
                topic = guessed
        if (
            # about the framework itself ("can NOS be changed locally?") unless a role is named
            (
                topic == "free"
                or (topic == "framework" and (operation == "which" or q.roles.profiles or q.roles.everyone))
            )
            and operation in ("check", "which")
            and (moved := self._topic_of_theme(q, profiles))
        ):
            # "does the EW have to chair meetings?", "which role is responsible for managing budgets?": a
            # competence or training entry that names it answers better than retrieval
            q = replace(q, topic=moved, broad=True)
            topic = moved
        if topic == "free" and q.roles.profiles and self._only_roles(q.text):
            # "I'm a strategic manager", "engagement worker?": an overview of the role, which is kept in focus
            q = replace(q, topic="scope")
            topic = "scope"
        if (
            topic in ("framework", "competences", "free")
            and re.search(r"\bprinciples\b", q.text, re.I)
            and not re.search(r"\bfunctions?\b", q.text, re.I)
        ):
            return contrasts.principles_answer(self, q, profiles)
        if topic == "framework" or (topic == "free" and not profiles):
            return retrieving.framework(self, q, vector, profiles)
        if topic == "free":
            return retrieving.retrieve(self, q, vector, profiles, closest=True)
        if topic == "compare":
            return contrasts.compare_roles(self, q, profiles or list(self.kb.profiles), state)
        if topic == "progression":
            return contrasts.progression_answer(self, q, state, vector)
        if (
            topic in ("training", "experience", "competences")
            and _FACT_SEEKING.search(q.text)
            and not (topic == "training" and "funding" in q.subtopics)  # "who pays for it?": the funding row
        ):
            found = retrieving.retrieve(self, q, vector, profiles)
            if not found.declined:
                return found
        if (
            not profiles
            and not q.roles.everyone
            and topic != "compare"
            and operation_of(q.text) == "check"
            and not _PRODUCE.search(q.text)
            and not re.match(r"^\W*(?:can|could|would|will) you\b", q.text, re.I)  # a request: "can you compare ..."
            and (introduction := self._introduction(q))
        ):
            return introduction  # "is the learning section a full list of the courses available?": the introduction
        if not profiles:
            theme = self.theme_of(q, strict=True)
            saying = [p for p in self.kb.profiles if theme and themes.count(p, theme) > 0]
            if len(self.kb.profiles) <= SIDE_BY_SIDE_LIMIT:
                profiles = list(self.kb.profiles)
            elif 1 <= len(saying) <= SIDE_BY_SIDE_LIMIT:
                profiles = saying  # "which competence covers PGDs?": the templates that say it are the roles asked
            elif introduction := self._introduction(q):
                return introduction  # "are the NOS levelled?": the introduction's words, not "which role?"
            else:
                return replies.which_role(self, q)
        if topic == "onboarding":
            if len(profiles) != 1:
                return replies.which_role(self, q, onboarding=True)
            # "what core competences should I sign off for my new EW?", "how will my learning be reviewed?":
            # the part of the template asked about; "my new EW will do lone visits": what it says on that
            # in post already: what the role asks of them before what it asked of applicants
            asked = [t for t in ("competences", "training", "level", "scope", "experience") if t in topics_in(q.text)]
            if asked:
                return lists.about_roles(self, replace(q, topic=asked[0]), profiles, vector)
            theme = self._onboarding_theme(q, profiles[0])
            if theme:

                def write_theme(w: compose.Writer) -> None:
                    themes.about_theme(w, profiles[0], theme)

                follow_ups = self.follow_ups(profiles[0], "onboarding")
                return self.finish(replace(q, topic="competences"), profiles, write_theme, suggestions=follow_ups)
            return self.finish(
                q,
                profiles,
                lambda w: compose.onboarding(w, profiles[0]),
                suggestions=self.follow_ups(profiles[0], "onboarding"),
            )
        return lists.about_roles(self, q, profiles, vector)

    def _not_listed(self, q: Question) -> Answer | None:
        """'is 'Work as part of a team' core for the SCSW?', 'the CD has 'Manage a budget', right?': when the
        quoted entry is in no template asked about, "No" and where it is instead (None when it is listed, or
        is nowhere)."""
        if not (operation_of(q.text) == "check" and _QUOTED.search(q.text) and q.roles.profiles):
            return None
        if units.locate(self, q, q.roles.profiles, _LOCATE_STOP) is not None:
            return None
        others = [p for p in self.kb.profiles if p not in q.roles.profiles]
        elsewhere = units.locate(self, q, others, _LOCATE_STOP, which=True)
        if elsewhere is None:
            return None
        names = " and ".join(p.short_name for p in q.roles.profiles)

        def write_no(w: compose.Writer) -> None:  # the "No" cites where it looked: the asked templates' tables
            looked = " ".join(w.cite(p, group_source(p.competences)) for p in q.roles.profiles if p.competences)
            w.add(f"No: the {names} template does not list it. {looked}".rstrip())

        no = self.finish(q, list(q.roles.profiles), write_no)
        both = combine([no, elsewhere])
        if both is None:
            return replace(elsewhere, text=f"No: the {names} template does not list it.\n{elsewhere.text}")
        return replace(both, text=both.text.replace("\n\n", "\n", 1), topic=elsewhere.topic)

    def _ordinal(self, q: Question, state: ConversationState, lazy: LazyVector) -> Answer:
        """'which one is last?', 'what's the first one?': that entry of the list the conversation is on."""
        m = _ORDINAL.search(q.text)
        assert m is not None
        listed, _ = self._answer_one("list them", (), replace(state, focus=_no_count(state.focus)), lazy)
        return units.nth_entry(listed, next(g for g in m.groups() if g))

    def _picked(self, what: str, state: ConversationState, lazy: LazyVector) -> Answer:
        """'Which one is the NICE one?': the entries of the list the conversation is on that have those words;
        nothing (another reading is tried) when none has."""
        again = state.ask if not _COUNTED.search(state.ask or "") else "list them"  # the list, not its count
        listed, _ = self._answer_one(again or "list them", (), replace(state, focus=_no_count(state.focus)), lazy)
        return units.entries_with(listed, [w for w in words(what) if w not in THEME_STOP])

    def _units(self, q: Question, state: ConversationState) -> Answer:
        operation = operation_of(q.text)
        if operation == "count":
            return units.NOTHING
        found = units.about(self, q, self._profiles(q, state), self._subject(q.text), operation == "which")
        if operation == "check" and found.grounded and not found.declined:
            found = replace(found, text=f"Yes.\n{found.text}")  # "is supervision mentioned anywhere in it?"
        return found

    # -- direct answers ----------------------------------------------------------------------

    def show_all(self, p: RoleProfile, topic: str, sections: Sequence[CompetenceSection] = ()) -> Suggestion:
        name = with_article(p)
        if topic == "training":
            return Suggestion("Show all training", f"What training does {name} need?")
        if topic == "experience":
            return Suggestion("All experience required", f"What experience does {name} need?")
        if len(sections) == 1:
            title = SECTION_TITLES[sections[0]].split()[0]
            return Suggestion(f"List {title.lower()} competences", f"List the {title.lower()} competences of {name}")
        return Suggestion("List all competences", f"List all the competences of {name}")

    # -- answer kinds -------------------------------------------------------------------------

    def finish(
        self,
        q: Question,
        profiles: Sequence[RoleProfile],
        write: Callable[[compose.Writer], None],
        suggestions: Sequence[Suggestion] = (),
        table: tuple[tuple[str, ...], ...] = (),
    ) -> Answer:
        w = compose.Writer(self.kb, asked=(p.role for p in q.roles.profiles))
        write(w)
        if q.roles.unknown:
            w.add()
            w.add(f"There is no template for {', '.join(q.roles.unknown)}.")
        text, citations = w.citations.finish(w.text())
        return Answer(text, citations, tuple(p.role for p in profiles), q.topic, False, tuple(suggestions)[:3], table)

    # -- helpers ----------------------------------------------------------------------------

    def theme_of(self, q: Question, strict: bool = False) -> list[str]:
        """The words a question narrows its topic by; `strict`: only words the templates use."""
        names = self.name_words
        theme = []
        # "the nurse in the GUM clinic": a job noun naming the person asked about, not what is asked
        # ... but what follows "about" is the subject ("anything about supporting the team leaders?")
        about = _ABOUT.search(q.text)
        asked_of = q.text[: about.start()] if about else q.text
        people = {m.group(1).lower() for m in _THE_PERSON.finditer(asked_of)} if q.roles.profiles else set()
        role_side = set(words(asked_of))
        first_named = set(words(q.roles.profiles[0].short_name)) if q.roles.profiles else set()
        said = f" {' '.join(words(q.text))} "
        # "is Mental Health First Aid ...?": an entry whose words are a role's too
        named_entry = next((e for e in self.entry_names if f" {e} " in said), "")
        if named_entry:  # the entry, as the template names it: its words are a role's too ("mental health")
            return [named_entry]
        for word in words(q.text):
            if word in people:
                continue
            word = word.removesuffix("'s")  # "the manager's competences": the manager, a role word
            singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
            if (
                word in THEME_STOP
                or singular in THEME_STOP
                or word in names
                # "do transport assistants do basic life support?": the role asked about, not the subject
                or (singular in names and (word in role_side or singular in first_named))
                or len(word) < 4
                or word.isdigit()
            ):
                continue
            if any(n.startswith(word) for n in names if len(n) > len(word)):
                continue  # "the team leader in community rehab": a shortened name of the role's area, not a theme
            theme.append(singular if singular in THEMES and word not in THEMES else word)
        if "health" in words(q.text) and "safety" in words(q.text):
            theme = [t for t in theme if t not in ("health", "safety")] + ["health and safety"]
        if re.search(r"\bIT\b", q.text):  # information technology, not the pronoun
            theme.append("digital")
        # Words the templates themselves use count too ("chair meetings" is not every competence about
        # meetings); other words ("carries out", "managing") only narrow nothing and are left out.
        kept = []
        for t in dict.fromkeys(theme):
            if t in THEMES or t in self.vocabulary or t[:6] in self.stems:
                kept.append(t)
            elif _stem(t) in self.by_stem:  # "chairing" -> "chair", "managing" -> "manage"
                kept.append(self.by_stem[_stem(t)])
        # "safeguarding level 3": a level that is not the role's own is part of what is asked
        levels = {p.level for p in q.roles.profiles}
        numbers = [m.group(1) for m in re.finditer(r"\blevel\s*(\d)\b", q.text, re.I) if int(m.group(1)) not in levels]
        if strict or operation_of(q.text) == "count":  # "total ... core plus role specific": no theme
            return kept[:3] + numbers[:1] if kept else []
        chosen = kept[:3] or theme[:3]
        return chosen + numbers[:1] if chosen else chosen

    def _phrase_grounded(self, phrase: str) -> bool:
        """Whether the templates use `phrase` ("the team's rota"), as one word or as these words in a row."""
        found = words(phrase.replace("-", " "))
        if len(found) == 1:
            return self.grounded(found[0])
        return f" {' '.join(found)} " in self.corpus

    def grounded(self, word: str) -> bool:
        """Whether the templates use `word`, a word of the same stem ('chairing', 'chair') or one of its
        synonyms ('alone', 'lone')."""
        word = word.lower()
        return self._used(word) or any(self._used(t) for t in THEMES.get(word, ()))  # "alone": lone working

    def _used(self, word: str) -> bool:
        return word in self.template_words or (len(word) >= 5 and word[:5] in self.known_stems) or word.isdigit()

    def _topic_of_theme(self, q: Question, profiles: Sequence[RoleProfile]) -> str | None:
        """'competences' or 'training' when some template has an entry naming the question's theme."""
        theme = self.theme_of(q, strict=True)
        if not theme:
            return None
        candidates = list(profiles) or list(self.kb.profiles)
        if operation_of(q.text) == "check":
            candidates += [p for p in self.kb.profiles if p not in candidates]
        asked = {w for w in words(q.text) if w.isdigit() or w == "level" or w not in THEME_STOP}

        def overlap(text: str) -> int:
            return len(asked & set(words(text)))

        titles = [c.title for p in candidates for c in select(p, [], None, theme)]
        entries = [text for p in candidates for _, text in compose.matching_items(p, theme)]
        if not titles and not entries:
            return None
        # The entry that shares more of the question's words decides: "safeguarding level 3" is the
        # training entry "Safeguarding (Level 3)", not the competence "Support the safeguarding of individuals".
        best_title = max(map(overlap, titles), default=-1)
        best_entry = max(map(overlap, entries), default=-1)
        return "training" if best_entry > best_title else "competences"

    def _onboarding_theme(self, q: Question, p: RoleProfile) -> list[str]:
        """The subject an onboarding question is about, if the template says something on it: all the
        question's theme words, else the single one that finds the most entries."""
        # "I'm the director": the asker's own job is not the subject
        theme = [t for t in self.theme_of(q, strict=True) if t.rstrip("s") not in JOB_NOUNS]
        if not theme or themes.count(p, theme, entries_only=True):
            return theme
        found = sorted(((themes.count(p, [t]), t in THEMES, t) for t in theme), reverse=True)
        return [found[0][2]] if found and found[0][0] else []

    def principle_of(self, text: str) -> str | None:
        found = principle_in(text, self.principle_phrases)
        # "the health and safety training", "is the E&D training the same?": a theme of the training, unless
        # "training" is in a quoted title ('Peer training and mentoring') or the principle's own name
        rest = " ".join(w for w in words(_QUOTED_TEXT.sub(" ", text)) if not found or w not in found.split())
        return None if found and _TRAINING_NOT_COMPETENCES.search(rest) else found

    def follow_ups(self, p: RoleProfile, topic: str) -> tuple[Suggestion, ...]:
        """Up to three next questions about role `p`; button titles are short, the questions name the role."""
        name = with_article(p)
        options = {
            "training": Suggestion("Training", f"What training does {name} need?"),
            "experience": Suggestion("Experience needed", f"What experience does {name} need?"),
            "competences": Suggestion("Core competences", f"What are the core competences for {name}?"),
            "scope": Suggestion("What the role does", f"What does {name} do?"),
            "level": Suggestion("Career framework level", f"What level is {name}?"),
        }
        order = [t for t in ("experience", "training", "competences", "scope", "level") if t != topic]
        out = [options[t] for t in order][:2]
        others = [o for o in self.kb.profiles if o.role != p.role]
        if others:
            out.append(
                Suggestion(
                    f"Compare with {initials(others[0])}",
                    f"Compare the {p.short_name.lower()} and {others[0].short_name.lower()}",
                )
            )
        return tuple(out[:3])


_FACT_SEEKING = re.compile(r"^\s*(?:who|why|whom)\b(?!.*\b(?:wrote|developed|published|made)\b)", re.I)


_LEVEL_AND_BAND = re.compile(
    r"(?=.*\bband(?:s|ing)?\b)(?=.*\b(?:levels?|career framework|agenda for change|afc|that|it)\b)", re.I
)
_SALARY = re.compile(
    r"\b(?:salary|salaries|wages?|earnings?|paid at|pay (?:band|scale|grade|rise|point)"
    r"|(?:the|their|my|what is|hourly|annual|basic|starting|rate of) pay|get paid|paid (?:monthly|weekly)|pay ?day)\b"
    r"(?! for (?:the |their |my |a |an )?(?:training|course|courses|cpd|learning|qualification))",
    re.I,
)
# "who pays for the training?": the CPD funding row, not pay
_TRAINING_COSTS = re.compile(
    r"\b(?:fund\w*|pays? for|paid for|cost\w*) (?:the |their |my |a |an )?(?:training|course|cpd)", re.I
)
_PRICE = re.compile(
    r"\bhow much\b[^?.]{0,80}\b(?:cost|costs|charge|charged|fees?)\b|\b(?:tuition|course) fees?\b|\bfees\b"
    r"|\bwho pays for (?:the |a |my )?dbs\b|\bdbs (?:check )?(?:cost|fee|price)s?\b|\bprices?\b",
    re.I,
)
_LOCAL_CONTACT = re.compile(
    r"\b(?:who|person|someone)\b[^?.]{0,40}\b(?:contact|ask|speak to|talk to)\b[^?.]{0,40}"
    r"\b(?:(?:at|in) (?:my|our|the) (?:trust|organisation|hospital|ward|team)|locally|to book)\b"
    # "who do I speak to about swapping my rota?", "the named lead I should contact": a person to ask, not a role
    r"|\bwho (?:do|should|can|could|would) (?:i|we)\b[^?.]{0,20}\b(?:contact|ask|speak|talk|email|call|phone)\b"
    r"|\b(?:i|we) (?:should|need to|can|could) (?:contact|speak to|talk to|call|email|phone)\b",
    re.I,
)
# A fact of the asker's own organisation, or of clinical practice, that no template holds: "what's the trust's policy
# on restraint?", "who is the current clinical director for our ICS?", "what's the max dose under the PGD?"
_LOCAL_FACTS = re.compile(
    r"\b(?:trust|trust's|trusts|organisation's|organization's|board's|our|local|ward|team's|service's)\s+(?:own\s+)?"
    r"(?:policy|policies|procedures?|protocols?|sops?|guidelines?)\s+(?:on|for|about|around)\b"
    r"|\bwho(?:'s| is| are)\s+(?:the\s+)?(?:current|present|acting|interim)\b|\bwho(?:'s| is| are)\s+(?:our|my)\s+"
    r"(?![^?]*\b(?:accountable|reports?|responsible|manage[sd]?|supervises?|leads?)\b)\w+"
    r"|\b(?:max(?:imum)?|minimum|what|which|usual|starting)\s+(?:\w+\s+)?(?:doses?|dosages?|dosing)\b|\b\d+\s?mg\b",
    re.I,
)
_INTERVIEW = re.compile(r"\binterview questions?\b|\bquestions to ask (?:at|in) (?:the |an )?interview\b", re.I)
# "what's the NOS code for 'Manage lone workers'?": the templates list each standard by its title only
_NOS_CODE = re.compile(
    r"\b(?:nos|competence|standard|sfh)s?\s+(?:codes?|ref(?:erence)? numbers?|numbers?)\b"
    r"|\bcodes?\s+(?:for|of)\s+(?:the\s+)?(?:nos|competences?|standards?|['‘’\"“”])",
    re.I,
)
# "'Manage lone workers'": an entry's title quoted
_QUOTED = re.compile(r"['‘’\"“”][^'‘’\"“”]{8,}['‘’\"“”]")
# "what Agenda for Change band is the ACP?": a role's band (not how levels and bands relate)
_ROLE_BAND = re.compile(
    r"\b(?:what|which)\s+(?:agenda for change\s+|afc\s+|nhs\s+|pay\s+)?band\b(?![^?]*\b(?:levels?|same|equivalent"
    r"|relate|map|correspond|match)\b)",
    re.I,
)
# What the subject follows: "... say about X", "where does X appear?"
_ABOUT = re.compile(
    r"\b(?:about|on|around|regarding|concerning)\b"
    r"|\bwhere (?:does|do|is|are)\b(?=[^?]*\b(?:appear|appears|mentioned|come up|comes up|feature|features)\b)",
    re.I,
)
_PRODUCE = re.compile(
    r"^\s*(?:can|could|would|will) you (?:please )?(?:write|draft|create|make|produce|generate|book|send|email|suggest"
    r"|come up with|think of|design)\b",
    re.I,
)
# Employment terms no role profile template covers
_NEVER_IN_TEMPLATES = re.compile(
    r"\b(?:annual leave|holidays?|sick (?:leave|pay)|pensions?|notice period|overtime|mileage|expenses|parking"
    r"|dress code|uniform|shift patterns?|rota patterns?|rota|probation(?:ary)? period|part[- ]time|full[- ]time"
    r"|flexible working"
    r"|working hours|hours (?:a|per) week|work(?:ing)? from home|home working|maternity|sickness absence"
    r"|interview questions?|nights|night shifts?|weekends"
    r"|(?:agency|bank) (?:or (?:agency|bank) )?(?:staff|workers?))\b",
    re.I,
)
_CONTENT_TOPICS = ("training", "competences", "experience")
# Terms of employment no template has, whatever else the question names ("a lease car with the SM job?")
_BENEFITS = re.compile(
    r"\b(?:lease cars?|car (?:user|allowance)s?|(?:travel|mileage|uniform|london|area|on-call|shift) allowances?"
    r"|benefits package|staff benefits)\b",
    re.I,
)
_PAY = re.compile(r"\b(?:salary|salaries|pay|paid|wages?|earn|earns|money)\b", re.I)
_THE_PERSON = re.compile(
    rf"\b(?:the|our|my|this|that|their|your)\s+(?:[\w&-]+\s+){{0,2}}?({'|'.join(sorted(JOB_NOUNS))})s?\b", re.I
)
_TRAINING_NOT_COMPETENCES = re.compile(
    r"^(?!.*\b(?:competen|nos\b|standards\b|comps?\b)).*\b(?:training|learning|courses?)\b", re.I
)
_QUOTED_TEXT = re.compile(r"['\"\u2018\u201c][^'\"\u2019\u201d]{3,}['\"\u2019\u201d]")
# "... and the formal qualification?", "what formal qualification does my template point to?": the formal
# endorsed learning as well as the qualification the experience asks for
_FORMAL_TOO = re.compile(r"\bformal (?:qualification|learning|endorsed)", re.I)
# "do either of them ...?", "which of those ...": the roles or entries the conversation is on
_OF_THEM = re.compile(r"\b(?:both|either|each|all|any|neither|none) of (?:them|those|these)\b", re.I)
_IT = re.compile(r"\b(?:it|that|that one|this one|they|those|these)\b", re.I)
_BACK_REFERENCE = re.compile(r"\b(?:of|from|in|among) (?:those|these|them|that list|this list)\b", re.I)
# "which one is last in the table?", "what's the first one?": an entry of the list just given
_ORDINAL = re.compile(
    r"\bwhich (?:one|item|entry|competence|course)? ?(?:is|comes) (?:the )?(first|last|final|second|third)\b"
    r"|\b(?:the|which) (first|last|final|second|third) (?:one|item|entry)\b"
    r"|\b(first|last) (?:one )?(?:in|on) the (?:table|list)\b",
    re.I,
)
# "which of those don't appear in the EW's informal learning?": of the last list, what another role lacks
_NOT_IN_OTHER = re.compile(
    r"\bwhich (?:of (?:those|them|these)|ones?)\s+(?:do ?n[o'’]?t|does ?n[o'’]?t|do not|does not|are ?n[o'’]?t|are not"
    r"|is ?n[o'’]?t|is not)\s+(?:(?:appear|show up|feature|come up|exist|get listed|listed|included)\s+)?"
    r"(?:in|on|for|under)\s+(?P<rest>.+?)\W*$",
    re.I,
)
# "which one is the NICE one?", "which one mentions PREVENT?" (which of those are core, mandatory, or about a
# theme is answered by the place or theme asked)
_PICK = re.compile(
    r"\bwhich (?:one|entry|item|reference)\s+(?:is|mentions?|covers?|is about|says?|has|refers? to)\s+(?:the\s+)?"
    r"(?P<what>[\w&' -]{2,40}?)(?:\s+one)?\s*\??\s*$",
    re.I,
)
_MENTION = re.compile(
    r"\b(?:mentions?|says?|refers? to|talks? about|words? it|deals? with|covers?|involves?|handles?)\b", re.I
)
_ROLES_WORD = re.compile(r"\b(?:roles?|templates?|jobs?|posts?)\b", re.I)
_LEVELS = re.compile(r"\blevels?\b|\bsenior\b|\bjunior\b", re.I)
_SIMILAR = re.compile(r"\b(?:similar|the same|equivalent|likewise|too|as well|also|like that|that)\b", re.I)
# "the one below it", "the role above that", "the next level up", "one level down": of the conversation's role
_RELATIVE = re.compile(
    r"\bthe (?:one|role|post|job|template|profile) (?P<way>below|above|under|over|beneath)"
    r" (?:it|that|this|them|that one)\b"
    r"|\b(?:the )?next (?:role |level |one )?(?P<way2>up|down)\b"
    r"|\bone level (?P<way3>up|down|below|above|higher|lower)\b",
    re.IGNORECASE,
)
# "is any other role at the same level?", "which others are on the same level?"
_SAME_LEVEL = re.compile(r"\b(?:at|on|of) the same (?:career framework )?level\b", re.I)
_SAME_AREA = re.compile(r"\b(?:in|within|of) the same (?:service|area|team|pathway)(?: of work)?\b", re.I)
# A follow-up that widens what was just asked ("now add the role-specific ones too", "widen that to ...")
_WIDEN = re.compile(
    r"\b(?:add|adding|include|including)\b[^?]*\b(?:too|as well|also)\b|\b(?:widen|broaden|expand)\b"
    r"|\beverything else\b|^\W*(?:now |ok,? |and )?(?:add|plus) (?:the|in)\b",
    re.IGNORECASE,
)
_OTHER_ROLE = re.compile(r"\b(?:the )?other (?:role|one|job|post|profile|template)\b", re.IGNORECASE)
WHICH_ROLE = direct.WHICH_ROLE


def _no_count(focus: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in focus if w != "how many")


# How a question hedges what it asks: never its subject ("is the EW meant to manage budgets?")
_HEDGES = frozenset("meant supposed expected allowed ever able need needs".split())
_NAMES_ABSENT = re.compile(
    r"(?:mentions|do not mention|does not mention|has no entry naming|no training entry names) (?P<what>[^.,\[\n:;]+)",
    re.IGNORECASE,
)
# "... what the template says about team": the subject of an answer to the message as a whole
_NAMES_SUBJECT = re.compile(
    r"(?:what the template says about|competences about|template lists) (?P<what>[^.,\[\n:;]+)", re.I
)


def _names_words_of(answer: Answer, context: str, ask: str, whole: bool = False) -> bool:
    """Whether the answer says the templates do not name words the asker wrote only as context, or, for the
    message read as a whole (`whole`), takes only such words for its subject ("I'm new to the team as ...")."""
    only_context = set(words(context)) - set(words(ask)) - THEME_STOP
    if any(set(words(m.group("what"))) & only_context for m in _NAMES_ABSENT.finditer(answer.text)):
        return True
    subjects = [set(words(m.group("what"))) - THEME_STOP for m in _NAMES_SUBJECT.finditer(answer.text)] if whole else []
    # "Housing officer here. Does ...?" read whole: "lists housing officer remit homelessness" takes who is asking
    # for part of its subject
    asker = asker_words(context) - set(words(ask)) - THEME_STOP
    return any(subject and (subject <= only_context or subject & asker) for subject in subjects)


def _support(answer: Answer) -> float:
    """How well the templates support an answer to one reading of a question: fully when it answers, or
    declines what no template covers (pay, an unknown role); a little less when it gives the passages nearest
    in meaning rather than what the reading names; little when its subject is not something the templates
    speak of; not at all when nothing was found."""
    if answer.grounded:
        return 0.9 if answer.nearest else 1.0
    return 0.0 if answer.declined else 0.3


# Vague words that say where or how something is mentioned, not what: no help to keyword search.
_VAGUE = frozenset(
    "stuff things bits come comes coming up where say says mention mentions mentioned appear appears appearing"
    " feature features featured crop crops deal deals dealing".split()
)
