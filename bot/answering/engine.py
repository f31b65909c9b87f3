"""The answering engine: question + conversation state -> cited `Answer` + new state.

    >>> engine = Engine(kb, index, embedder)
    >>> answer, state = engine.answer("what training does an engagement worker need?")
    >>> answer.citations[0].name
    'Engagement Worker template: Continuing Professional Development'

Questions about a known field are answered from the records, completely. Anything else goes to
hybrid retrieval and is answered only above a relevance threshold; below it the engine says the
templates don't cover it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from index.embedder import Embedder
from index.store import Hit, Index
from knowledge.records import COMPETENCE_SECTIONS, CompetenceSection, Field, KnowledgeBase, RoleProfile, SourceRef
from knowledge.text import normalise

from . import comparing, compose, direct, themes
from .answer import Answer, Suggestion
from .competences import (
    SECTION_TITLES,
    THEMES,
    compare,
    competences,
    group_source,
    principle_names,
    principles,
    progression,
    select,
)
from .compose import KIND_TITLES
from .direct import operation_of
from .spelling import Speller
from .understanding import Question, RoleFinder, RoleMatch, rewrite, understand, words

MAX_QUESTION_CHARS = 2000
SHORT_LIST = 8  # a yes/no on a list this short shows the whole list
SHARED_CITED = 3  # framework text shared by templates: cite it in this many of them
VECTOR_CACHE_SIZE = 4096  # embeddings of recent questions (1.5 KB each with MiniLM)
# Calibrated on tests/eval with the packaged MiniLM (see README, "Retrieval"): a free-form hit is
# relevant when it is close in meaning, or contains the question's words and is not far in meaning.
RELEVANCE_COSINE = (0.55, 0.0)  # (cosine, coverage): close in meaning alone
RELEVANCE_CLOSE = (0.45, 0.3)  # close in meaning and sharing some of the question's words
RELEVANCE_COVERED = (0.8, 0.15)  # (coverage, cosine)
RELEVANCE_MIXED = (0.6, 0.30)
SIDE_BY_SIDE_LIMIT = 3
ROLE_TOPICS = ("training", "experience", "level", "scope", "competences", "onboarding")
_SELF_INTRODUCTION = frozenset("i i'm im am me my work working worked as currently now new a an hi hello".split())
THEMED_TOPICS = ("training", "competences")  # answers narrowed by a theme a follow-up can carry

_THEME_STOP = frozenset(
    """
    a an the and or of to in on for with what which who whom whose how why when where is are was
    were be been do does did doing done have has had need needs needed require requires required
    requirement requirements must should would could can will shall may might i me my we our you
    your they them their he she it its this that these those there here any all some both each every
    either about from into as at by than then so if not no yes please tell show list give get got
    want know let explain describe mean means meaning role roles job post position person people
    someone somebody staff new starting start started join joining level levels template templates
    profile profiles competence competences nos standard standards national occupational skill
    skills training train trained course courses learning learn study development cpd core specific
    locality role-specific underpinning principle principles function functions reference under
    count number many much also just really actually include includes included including cover
    covers covered relate relates related relating around regarding involve involves involving one
    ones kind kinds type types sort thing things area areas part work working worker workers manager
    managers service services nhs which what's whats i'm im week weeks month months day days year years
    monday tuesday wednesday thursday friday today tomorrow soon signing sign few next through stuff
    prioritise prioritize priorities priority focus focusing induction onboarding cover covering
    it's there's does need list lists listed anything else other more most best first go going make
    made like same different between compare comparison versus vs side by and/or eg e.g etc
    mandatory statutory informal formal endorsed cpd frequency funding method qualification
    qualifications experience experiences required requires dbs vetting agree agreed discuss decide
    arrange book find apply ask speak talk meet sign check plan planned done doing expected expect
    should could would shall total overall altogether entire whole full complete recommend recommended
    suggest suggested wanting want wants someone somebody best good useful helpful relevant important
    going getting become becoming move moving keep keeping stay read begin terms regard regards respect
    responsible responsibility responsibilities carry carries carried setting anyone anybody
    """.split()
)


# Words of a follow-up that adds no content of its own ("and what about the strategic manager?").
_FOLLOW_UP_FILLER = frozenset(
    """
    and or what about how for a an the of is it its it's they them their that this same also too please ok
    okay then so whats what's tell me more one role roles job jobs for their theirs there
    how many number are in total altogether list them those these items entries things other now next
    mean means meaning practice explain does do level is that this
    """.split()
)


@dataclass(frozen=True)
class ConversationState:
    """What a conversation is about: the role(s) in focus and the last topic."""

    roles: tuple[str, ...] = ()
    topic: str | None = None
    subtopics: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()  # "safeguarding" in "which competences are about safeguarding?"
    # The rest of the last question's frame, as words a follow-up carries: its sections ("core"),
    # principle, and "how many" when it asked for a count.
    focus: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "roles": list(self.roles),
            "topic": self.topic,
            "subtopics": list(self.subtopics),
            "theme": list(self.theme),
            "focus": list(self.focus),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> ConversationState:
        if not isinstance(data, dict):
            return cls()
        topic = data.get("topic")
        return cls(
            _strings(data.get("roles")),
            str(topic) if isinstance(topic, str) else None,
            _strings(data.get("subtopics")),
            _strings(data.get("theme")),
            _strings(data.get("focus")),
        )


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


class VectorNeeded(Exception):
    """The question needs retrieval and `answer(..., embed=False)` has no vector for `text`: embed it
    (batched, off the event loop) and answer again with the vector."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _LazyVector:
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


class Engine:
    """Answers questions from one knowledge base and its index."""

    def __init__(self, kb: KnowledgeBase, index: Index, embedder: Embedder | None = None) -> None:
        self.kb = kb
        self.index = index
        self.embedder = embedder
        self.finder = RoleFinder(kb.profiles)
        self.principles = principle_names(kb.profiles)
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
        self.speller = Speller(
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
        )
        self.by_stem: dict[str, str] = {}
        for w in sorted(self.vocabulary):
            self.by_stem.setdefault(_stem(w), w)
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

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
        question = self.speller.correct(rewrite(question, self.finder.shorthand))  # shorthand first: "stat and mand"
        lazy = _LazyVector(self, question, embed, vector)
        q = understand(question, self.finder)
        q = self._with_context(q, state)
        answer = self._dispatch(q, state, lazy)
        # The conversation stays on the role the question is about (named, or carried from earlier), even
        # when the answer cites another role's template ("the EW template doesn't; the SM's does").
        focus = tuple(p.role for p in q.roles.profiles)
        if not focus and not q.roles.everyone and not _WHICH_ROLE.search(q.text):
            focus = state.roles
        roles = focus or answer.roles or state.roles
        new_state = ConversationState(
            roles,
            answer.topic if answer.topic in (*ROLE_TOPICS, "compare") else state.topic,
            q.subtopics or (state.subtopics if answer.topic == state.topic else ()),
            tuple(self._theme(q)) if answer.topic in THEMED_TOPICS else (),
            self._focus(q) if answer.topic in THEMED_TOPICS else (),
        )
        return answer, new_state

    def _focus(self, q: Question) -> tuple[str, ...]:
        words_ = [
            {"core": "core", "role-specific": "role specific", "locality-specific": "locality"}[s]
            for s in _sections(q.text)
        ]
        principle = self._principle(q.text)
        if principle:
            words_.append(principle)
        if operation_of(q.text) == "count":
            words_.append("how many")
        return tuple(words_)

    def retrieval_text(self, question: str) -> str:
        """What to embed for a question: its words less the role mentions (roles filter instead)."""
        stripped = self.finder.without_roles(
            self.speller.correct(rewrite(" ".join(question.split()), self.finder.shorthand))
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

    def _remember(self, text: str, vector: np.ndarray) -> None:
        self._vectors[text] = vector
        self._vectors.move_to_end(text)
        while len(self._vectors) > VECTOR_CACHE_SIZE:
            self._vectors.popitem(last=False)

    def keyword_query(self, text: str) -> str:
        """The keyword side of retrieval for an understood question: its words less role mentions."""
        return " ".join(t for t in self.finder.without_roles(text).split() if t.lower().strip("?.,!") not in _VAGUE)

    def starter_questions(self) -> tuple[Suggestion, ...]:
        if not self.kb.profiles:
            return (Suggestion("What can you do?", "help"),)
        first, last = self.kb.profiles[0], self.kb.profiles[-1]
        return (
            Suggestion(f"{_initials(first)} training", f"What training does {_with_article(first)} need?"),
            Suggestion(f"{_initials(last)} experience", f"What experience does {_with_article(last)} need?"),
            Suggestion("Roles you know", "What roles do you know about?"),
        )

    # -- understanding in context -----------------------------------------------------------

    def _with_context(self, q: Question, state: ConversationState) -> Question:
        """'and the strategic manager?' carries the last topic over; a question with its own content
        (e.g. 'what is the salary of an engagement worker?') does not."""
        if _OTHER_ROLE.search(q.text) and not q.roles.profiles and state.roles:
            others = [p for p in self.kb.profiles if p.role not in state.roles]
            if len(others) == 1:  # "and the other role?" when there is exactly one other
                q = replace(q, roles=RoleMatch(profiles=(others[0],)))
        if q.topic != "free" or not state.topic:
            return q
        if not self._content_words(q.text):
            # "how many are there?" after "which competences are about safeguarding?": same theme.
            text = " ".join([q.text, *state.theme, *state.focus])
            return replace(q, text=text, topic=state.topic, subtopics=state.subtopics)
        return q

    def _content_words(self, text: str) -> list[str]:
        """The question's words less role mentions and follow-up filler ('and what about ...?')."""
        return [w for w in words(self.keyword_query(text)) if w not in _FOLLOW_UP_FILLER]

    def _only_roles(self, text: str) -> bool:
        return all(w in _SELF_INTRODUCTION for w in self._content_words(text))

    def _profiles(self, q: Question, state: ConversationState) -> list[RoleProfile]:
        if q.roles.everyone:
            return list(self.kb.profiles)
        if q.roles.profiles:
            return list(q.roles.profiles)
        if _WHICH_ROLE.search(q.text):  # "which role needs X?" asks across roles, whatever was discussed
            return list(self.kb.profiles)
        return [p for p in self.kb.profiles if p.role in state.roles]

    # -- dispatch -----------------------------------------------------------------------------

    def _dispatch(self, q: Question, state: ConversationState, vector: _LazyVector) -> Answer:
        topic = q.topic
        if topic == "help":
            return self._help()
        if topic == "roles":
            return self._roles()
        profiles = self._profiles(q, state)
        if q.roles.unknown and not q.roles.profiles:
            return self._unknown_role(q.roles.unknown)
        operation = operation_of(q.text)
        named = comparing.labelled_fields(q.text.lower(), profiles or self.kb.profiles)
        if named and topic not in ("compare", "onboarding") and operation != "count":
            # "what does the EW template say about APEL and progression?": that field, as the template has it
            return self._fields(q, profiles or list(self.kb.profiles), [f.key for f in named])
        if self._principle(q.text) and (
            (topic == "free" and profiles) or topic in ("training", "experience", "progression", "level", "scope")
        ):
            # "how many ... under Education, Learning and Research": the principle's words are not training
            q = replace(q, topic="competences")
            topic = "competences"
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
            return self._principles(q, profiles)
        if topic == "framework" or (topic == "free" and not profiles):
            return self._framework(q, vector, profiles)
        if topic == "free":
            return self._retrieve(q, vector, profiles)
        if topic == "compare":
            return self._compare(q, profiles or list(self.kb.profiles), state)
        if topic == "progression":
            return self._progression(q, state, vector)
        if topic in ("training", "experience", "competences") and _FACT_SEEKING.search(q.text):
            found = self._retrieve(q, vector, profiles)
            if not found.declined:
                return found
        if not profiles:
            if len(self.kb.profiles) <= SIDE_BY_SIDE_LIMIT:
                profiles = list(self.kb.profiles)
            else:
                return self._which_role(q)
        if topic == "onboarding":
            if len(profiles) != 1:
                return self._which_role(q, onboarding=True)
            # "what core competences should I sign off for my new EW?", "how will my learning be reviewed?":
            # the part of the template asked about; "my new EW will do lone visits": what it says on that
            asked = [t for t in ("competences", "training", "experience", "scope", "level") if t in _topics_in(q.text)]
            if asked:
                return self._about_roles(replace(q, topic=asked[0]), profiles, vector)
            theme = self._onboarding_theme(q, profiles[0])
            if theme:

                def write_theme(w: compose.Writer) -> None:
                    themes.about_theme(w, profiles[0], theme)

                follow_ups = self._follow_ups(profiles[0], "onboarding")
                return self._finish(replace(q, topic="competences"), profiles, write_theme, suggestions=follow_ups)
            return self._finish(
                q,
                profiles,
                lambda w: compose.onboarding(w, profiles[0]),
                suggestions=self._follow_ups(profiles[0], "onboarding"),
            )
        return self._about_roles(q, profiles, vector)

    def _about_roles(self, q: Question, profiles: list[RoleProfile], vector: _LazyVector) -> Answer:
        theme = self._theme(q)
        if (
            q.topic == "scope"
            and any(t in THEMES for t in theme)
            and re.search(r"^\s*(?:does|do|is|will|would|can)\b", q.text, re.I)
        ):
            q = replace(q, topic="competences")
        focus = _experience_focus(q.text)
        sections = _sections(q.text)
        principle = self._principle(q.text)
        if principle:  # the principle's own words are not a theme as well
            theme = [t for t in theme if t not in principle.split()]
        check = bool(re.search(r"^\s*(?:does|do|is|are|must|should|will)\b", q.text, re.I))
        operation = operation_of(q.text)
        plain_check = q.topic == "competences" and not theme and not principle
        if operation == "check" and q.topic in ("training", "experience", "competences") and not plain_check:
            return self._check(q, profiles, theme, focus, sections, principle)
        if operation == "count" and q.topic == "competences" and not q.roles.everyone:
            return self._count(q, profiles, theme, sections, principle)
        if operation == "count" and q.topic == "training" and q.subtopics and not theme:
            return self._count_training(q, profiles)
        fallback: list[RoleProfile] = []
        lead = ""
        asks_which = _WHICH_ROLE.search(q.text) and (not q.roles.profiles or q.roles.everyone)
        if (theme or focus) and len(profiles) > 1 and asks_which:
            # "which role needs root cause analysis training?": the roles whose template lists it
            listing = [
                p
                for p in profiles
                if (
                    q.topic == "training"
                    and any(e.names_all(theme) for e in direct.training_evidence(p, theme, q.subtopics)[0])
                )
                or (q.topic == "competences" and select(p, sections, principle, theme))
                or (q.topic == "experience" and direct.experience_evidence(p, focus, theme))
            ]
            if listing and len(listing) < len(profiles):
                names = " and ".join(f"**{p.short_name}**" for p in listing)
                lead = f"{names}: only {'its template lists' if len(listing) == 1 else 'their templates list'} it."
                profiles = listing
            elif listing:
                lead = f"{'Both' if len(profiles) == 2 else f'All {len(profiles)}'}: every role template lists it."

        def write(w: compose.Writer) -> None:
            if lead:
                w.add(lead)
            for p in profiles:
                if q.topic == "training":
                    compose.training(
                        w,
                        p,
                        q.subtopics,
                        [t for t in theme if t not in ("safeguarding",)]
                        + (["safeguarding"] if "safeguarding" in theme else []),
                        matches_only=bool(lead),
                    )
                elif q.topic == "experience":
                    compose.experience(w, p, focus)
                elif q.topic == "level":
                    compose.level(w, p, self.kb.general, bands=bool(re.search(r"\bband", q.text, re.I)))
                elif q.topic == "scope":
                    compose.scope(w, p)
                elif q.topic == "competences" and not competences(w, p, sections, principle, theme, q.count, check):
                    fallback.append(p)

        answer = self._finish(q, profiles, write, suggestions=self._follow_ups(profiles[0], q.topic))
        if operation == "check" and plain_check:  # "are there any locality specific competences?"
            listed = any(select(p, sections, None, []) for p in profiles)
            answer = replace(answer, text=f"{'Yes' if listed else 'No'}.\n{answer.text}")
        if fallback and len(fallback) == len(profiles):
            missing = (
                f"No competence in the {' and '.join(p.short_name for p in profiles)} template mentions"
                f" {' '.join(theme)}."
            )
            asked = {p.role for p in profiles}
            others = [p for p in self.kb.profiles if p.role not in asked and select(p, sections, principle, theme)]
            if others:

                def write_others(w: compose.Writer) -> None:
                    w.add(f"{missing} The {' and '.join(p.short_name for p in others)} template lists:")
                    for p in others:
                        competences(w, p, sections, principle, theme, q.count, False)

                return self._finish(q, others, write_others, suggestions=self._follow_ups(others[0], q.topic))
            found = self._retrieve(q, vector, profiles, preface=f"{missing} Elsewhere the template says:")
            return replace(found, text=f"{missing}\n\n{found.text}") if found.declined else found
        return answer

    # -- direct answers ----------------------------------------------------------------------

    def _check(
        self,
        q: Question,
        profiles: list[RoleProfile],
        theme: list[str],
        focus: str | None,
        sections: list[CompetenceSection],
        principle: str | None,
    ) -> Answer:
        """A yes/no question: 'Yes.' or 'No.' first, then the lines of the template that show it."""
        if q.topic == "experience":
            theme = [t for t in theme if t not in _EXPERIENCE_WORDS]

        def evidence(p: RoleProfile) -> tuple[list[direct.Evidence], list[Field]]:
            if q.topic == "training":
                return direct.training_evidence(p, theme, q.subtopics)
            if q.topic == "experience":  # "recruiting for the SM: is DBS needed?": recruiting is the context
                return direct.experience_evidence(p, focus, [t for t in theme if t not in _RECRUITING]), []
            found = direct.competence_evidence(p, sections, principle, theme)
            if q.broad and theme:  # "is there anything on lone working?": the training entries too
                found += [e for e in direct.training_evidence(p, theme, ())[0] if e.names_all(theme)]
            return found, []

        # Say what was asked in the asker's words ("immediate life support"), not only the words matched.
        asked = [
            w
            for w in words(self.keyword_query(q.text))
            if w not in _THEME_STOP
            and w not in self.name_words
            and len(w) >= 3
            and not w.isdigit()
            and not (q.topic == "experience" and w in _RECRUITING)
        ]
        found = {p.role: evidence(p) for p in profiles}
        unnamed = q.topic == "training" and not theme and bool(asked) and not q.subtopics
        if unnamed:  # "CPR training": none of the question's words is in the templates, so nothing names it
            found = {role: ([], fields) for role, (_, fields) in found.items()}
        having = [p for p in profiles if any(not e.blank for e in found[p.role][0])]
        if q.topic == "training" and theme:
            # "Immediate Life Support" is not "Basic Life Support": only an entry naming every word asked
            # (also those no template uses: "mental health first aid") is a yes
            named = [*theme, *(w for w in asked if w not in theme and not any(t.startswith(w[:4]) for t in theme))]
            # "accreditation or credits": either will do
            either = re.search(r"\w \bor\b \w", q.text) is not None
            exact = [p for p in having if either or any(e.names_all(named) for e in found[p.role][0])]
            # "hand hygiene training": the competence that names it answers too
            as_competence = {
                p.role: [e for e in direct.competence_evidence(p, (), None, theme) if e.names_all(theme)]
                for p in profiles
            }
            trained_elsewhere = any(
                e.names_all(theme)
                for o in self.kb.profiles
                if o not in profiles
                for e in direct.training_evidence(o, theme, q.subtopics)[0]
            )
            if not exact and not trained_elsewhere and any(as_competence.values()):
                return self._as_competence(q, profiles, as_competence, " ".join(theme))
            if not exact and having:
                return self._related(q, having, found, " ".join(named))
            having = exact
            for p in having:
                found[p.role] = (found[p.role][0] + as_competence[p.role][:2], found[p.role][1])
        shown = [*asked[:4], *(f"level {t}" for t in theme if t.isdigit())]  # "safeguarding level 3"
        what = direct.what_it_is(q.topic, shown if (theme or unnamed) and asked else theme, focus, q.subtopics)
        # Where it is not in the asked templates, the other templates that do list it (evidence found once)
        elsewhere = {
            p.role: evidence(p)[0] for p in self.kb.profiles if p not in profiles and not having and not unnamed
        }
        others = [p for p in self.kb.profiles if any(not e.blank for e in elsewhere.get(p.role, []))]
        more: list[Suggestion] = []

        def write(w: compose.Writer) -> None:
            if having and len(having) == len(profiles):
                w.add(
                    "Yes."
                    if len(profiles) == 1
                    else f"Yes: {'both' if len(profiles) == 2 else 'all'} templates list it."
                )
            elif having:
                names = " and ".join(p.short_name for p in having)
                w.add(f"Only the {names} template{'s list' if len(having) > 1 else ' lists'} it.")
            else:
                w.add("No.")
            for p in profiles:
                lines, fields = found[p.role]
                if lines and all(e.blank for e in lines):
                    w.add(f"The **{p.short_name}** template leaves this blank:")
                    direct.write_evidence(w, p, lines)
                elif lines and p not in having:  # entries naming only part of it
                    w.add(f"The **{p.short_name}** template has no entry naming {what}; related:")
                    direct.write_evidence(w, p, lines, 2)
                elif lines:
                    w.add(f"The **{p.short_name}** template lists {what}:")
                    left = direct.write_evidence(w, p, lines, direct.EVIDENCE_LINES if len(profiles) == 1 else 2)
                    if left:
                        everything = self._show_all(p, q.topic)
                        w.add(f"- …and {left} more (ask: {everything.question})")
                        more.append(everything)
                    short = [f for f in fields if 1 < len(f.items) <= SHORT_LIST]
                    if q.subtopics and len(short) == 1 and len(lines) < len(short[0].items):
                        # "is data protection on the stat and mand list?": the whole (short) list, for context
                        f = short[0]
                        label = compose.short_label(f.label)
                        w.add(
                            f"- The whole list: {'; '.join(i.text for i in f.items)}"
                            f" {w.cite(p, f.source, f'{f.label}: {f.value}', label)}"
                        )
                else:
                    blank = [f for f in fields if f.is_blank and not theme and not unnamed]
                    if blank:
                        name = compose.short_label(blank[0].label).lower()
                        w.add(
                            f"{name[0].upper()}{name[1:]}: the {p.short_name} template leaves this blank"
                            f" {w.cite(p, blank[0].source, None, name)}"
                        )
                    else:
                        where = direct.looked_in(w, p, q.topic, fields, sections)
                        if q.topic == "competences":
                            w.add(f"No competence in the {p.short_name} template mentions {what} {where}")
                            # "chair meetings": those naming part of it ("Represent one's own agency at meetings")
                            near = [
                                e
                                for t in (theme if len(theme) > 1 else [])
                                for e in direct.competence_evidence(p, sections, principle, [t])
                            ]
                            if near:
                                w.add("Related:")
                                direct.write_evidence(w, p, near, 3)
                        elif q.topic == "training":
                            w.add(f"The {p.short_name} template's training sections do not mention {what} {where}")
                        else:
                            w.add(f"The {p.short_name} template does not ask for {what}. It asks for:")
                            # all it asks for, the kind asked about ("DBS": vetting) first
                            shown = direct.experience_evidence(p, None, [])
                            shown.sort(key=lambda e: not (focus and e.text.startswith(KIND_TITLES.get(focus, "-"))))
                            direct.write_evidence(w, p, shown)
            for p in others[:2]:
                w.add(f"The **{p.short_name}** template does:")
                direct.write_evidence(w, p, elsewhere[p.role], 2)

        follow = self._follow_ups(profiles[0], q.topic)
        cited = profiles + others[:2]
        return self._finish(q, cited, write, suggestions=(*more, *follow))

    def _as_competence(
        self, q: Question, profiles: list[RoleProfile], found: dict[str, list[direct.Evidence]], what: str
    ) -> Answer:
        """No training entry names it, but a competence does: a yes, said as what it is."""
        having = [p for p in profiles if found[p.role]]

        def write(w: compose.Writer) -> None:
            lead = "Yes" if len(having) == len(profiles) else f"Only the {' and '.join(p.short_name for p in having)}"
            w.add(f"{lead}, as a competence: no training entry names {what}, but the template lists:")
            for p in having:
                if len(profiles) > 1:
                    w.add(f"**{p.short_name}**:")
                direct.write_evidence(w, p, found[p.role], 3)

        return self._finish(replace(q, topic="competences"), having, write, self._follow_ups(having[0], "training"))

    def _related(
        self,
        q: Question,
        profiles: list[RoleProfile],
        found: dict[str, tuple[list[direct.Evidence], list[Field]]],
        what: str,
    ) -> Answer:
        """No entry names all of it, some name part of it: 'No, not in those words' and the related ones."""

        def write(w: compose.Writer) -> None:
            w.add(f"No, not in those words: no training entry names {what}. Related entries:")
            for p in profiles:
                lines = sorted(found[p.role][0], key=lambda e: not e.blank)  # a blank field says most
                if len(profiles) > 1:
                    w.add(f"**{p.short_name}**:")
                direct.write_evidence(w, p, lines, 3)

        return self._finish(q, profiles, write, suggestions=self._follow_ups(profiles[0], q.topic))

    def _count(
        self,
        q: Question,
        profiles: list[RoleProfile],
        theme: list[str],
        sections: list[CompetenceSection],
        principle: str | None,
    ) -> Answer:
        """'How many ...?': the number first, then the breakdown (and the titles when they are few)."""

        def write(w: compose.Writer) -> None:
            for i, p in enumerate(profiles):
                line = direct.count_line(p, sections, principle, theme)
                if len(profiles) > 1:
                    line = f"**{p.short_name}**: {line}"
                chosen = select(p, sections, principle, theme)
                marks = " ".join(
                    dict.fromkeys(
                        w.cite(p, group_source(rows), rows[0].title)
                        for s in (sections or COMPETENCE_SECTIONS)
                        if (rows := [c for c in chosen if c.section == s])
                    )
                )
                w.add(f"{line} {marks}".strip())
                if chosen and (principle or theme) and len(chosen) <= 8:
                    direct.write_evidence(w, p, direct.competence_evidence(p, sections, principle, theme), 8)
                elif chosen:
                    groups: dict[str, int] = {}
                    for c in chosen:
                        groups[c.principle] = groups.get(c.principle, 0) + 1
                    w.add(
                        "By underpinning principle: " + "; ".join(f"{k} ({n})" for k, n in groups.items()) + f" {marks}"
                    )
                if i < len(profiles) - 1:
                    w.add()

        suggestions = (
            self._show_all(profiles[0], "competences", sections),
            *self._follow_ups(profiles[0], "competences"),
        )
        return self._finish(replace(q, topic="competences"), profiles, write, suggestions=suggestions)

    def _count_training(self, q: Question, profiles: list[RoleProfile]) -> Answer:
        """'How many stat and mand topics?': the number of entries first, then the entries."""

        def write(w: compose.Writer) -> None:
            for p in profiles:
                lines, fields = direct.training_evidence(p, [], q.subtopics)
                name = compose.short_label(fields[0].label).lower() if fields else "training"
                if not lines:
                    where = direct.looked_in(w, p, "training", fields, [])
                    w.add(f"0: the {p.short_name} template leaves {name} blank {where}")
                    continue
                w.add(f"{len(lines)} entries of {name} in the {p.short_name} template:")
                direct.write_evidence(w, p, lines, 12)

        return self._finish(q, profiles, write, suggestions=self._follow_ups(profiles[0], "training"))

    def _show_all(self, p: RoleProfile, topic: str, sections: Sequence[CompetenceSection] = ()) -> Suggestion:
        name = _with_article(p)
        if topic == "training":
            return Suggestion("Show all training", f"What training does {name} need?")
        if topic == "experience":
            return Suggestion("All experience required", f"What experience does {name} need?")
        if len(sections) == 1:
            title = SECTION_TITLES[sections[0]].split()[0]
            return Suggestion(f"List {title.lower()} competences", f"List the {title.lower()} competences of {name}")
        return Suggestion("List all competences", f"List all the competences of {name}")

    # -- answer kinds -------------------------------------------------------------------------

    def _finish(
        self,
        q: Question,
        profiles: Sequence[RoleProfile],
        write: Callable[[compose.Writer], None],
        suggestions: Sequence[Suggestion] = (),
        table: tuple[tuple[str, ...], ...] = (),
    ) -> Answer:
        w = compose.Writer(self.kb)
        write(w)
        if q.roles.unknown:
            w.add()
            w.add(f"There is no template for {', '.join(q.roles.unknown)}.")
        text, citations = w.citations.finish(w.text())
        return Answer(text, citations, tuple(p.role for p in profiles), q.topic, False, tuple(suggestions)[:3], table)

    def _compare(self, q: Question, profiles: list[RoleProfile], state: ConversationState | None = None) -> Answer:
        if len(profiles) < 2:
            profiles = list(self.kb.profiles)
        sections, principle = _sections(q.text), self._principle(q.text)
        theme = [t for t in self._theme(q, strict=True) if not principle or t not in principle.split()]
        aspects = comparing.aspects_of(q.text, sections, principle, theme, profiles)
        if not aspects and state is not None and state.topic in ROLE_TOPICS:
            # "does the strategic manager get the same list?": the list the conversation is about
            carried = " ".join((q.text, state.topic, *state.subtopics, *state.focus))
            aspects = comparing.aspects_of(carried, _sections(carried), principle, list(state.theme), profiles)
        if aspects:
            lacking = None
            named = list(q.roles.profiles)
            if len(named) == 2 and _LACKS.search(q.text):  # "... that the EW doesn't (have)?"
                lacking = named[1]
                profiles = named
            check = operation_of(q.text) == "check"
            rows: tuple[tuple[str, ...], ...] = ()

            def write_aspects(w: compose.Writer) -> None:
                nonlocal rows
                rows = comparing.compare_aspects(w, profiles, aspects, q.text, check, lacking)

            follow_ups = self._follow_ups(profiles[-1], "compare")
            found = self._finish(replace(q, topic="compare"), profiles, write_aspects, suggestions=follow_ups)
            return replace(found, table=rows)
        aspect = next(
            (t for t in ("training", "experience", "competences", "level", "scope") if t in _topics_in(q.text)),
            "overview",
        )
        table: tuple[tuple[str, ...], ...] = ()

        def write(w: compose.Writer) -> None:
            nonlocal table
            table = compare(w, profiles, aspect)

        answer = self._finish(
            replace(q, topic="compare"),
            profiles,
            write,
            suggestions=self._follow_ups(profiles[-1], "compare"),
        )
        return replace(answer, table=table)

    def _progression(self, q: Question, state: ConversationState, vector: _LazyVector) -> Answer:
        mentioned = list(q.roles.profiles)
        if len(mentioned) >= 2:
            source, target = mentioned[0], mentioned[1]
            if re.search(
                rf"\bto\b.*{re.escape(source.short_name.split()[0].lower())}", q.text.lower()
            ) and not re.search(r"\bfrom\b", q.text.lower()):
                source, target = target, source
        elif len(mentioned) == 1:
            target = mentioned[0]
            current = [p for p in self.kb.profiles if p.role in state.roles and p.role != target.role]
            # With no current role known, the step up is from the role below (never from a role above).
            below = [p for p in self.kb.profiles if p.level < target.level]
            source_candidates = current or ([max(below, key=lambda p: p.level)] if below else [])
            if not source_candidates:
                return self._about_roles(replace(q, topic="experience"), [target], vector)
            source = source_candidates[0]
        else:
            return self._which_role(q)
        return self._finish(
            replace(q, topic="progression"),
            [source, target],
            lambda w: progression(w, source, target),
            suggestions=self._follow_ups(target, "progression"),
        )

    def _principles(self, q: Question, profiles: list[RoleProfile]) -> Answer:
        """'What are the underpinning principles?': the ones each template groups its competences by."""
        chosen = profiles or list(self.kb.profiles)

        def write(w: compose.Writer) -> None:
            w.add("The templates list competences (National Occupational Standards) by underpinning principle.")
            for p in chosen:
                principles(w, p)

        return self._finish(replace(q, topic="competences"), chosen, write)

    def _framework(self, q: Question, vector: _LazyVector, profiles: list[RoleProfile]) -> Answer:
        lowered = q.text.lower()
        if re.search(
            r"\bwho (?:wrote|writes|developed|published|made|produced|created|owns)\b|\bpublish|"
            r"\bskills for health\b|\bexpert reference\b|\bwhen (?:was|were)\b|\bdates?\b|\bversions?\b|"
            r"\bdeveloped (?:with|by|in collaboration)\b|\bwho\b.*\b(?:wrote|written|developed|published)\b|"
            r"\bstatus\b|\bup to date\b|\bhow old\b|\blatest\b",
            lowered,
        ):
            chosen = profiles or list(self.kb.profiles)

            def write(w: compose.Writer) -> None:
                w.add("About the templates:")
                for p in chosen:
                    made = f"published by {p.publisher}" if p.publisher else "publisher not stated"
                    w.add(
                        f"- **{p.short_name}**: {' '.join(x for x in (p.status, p.date) if x) or 'undated'};"
                        f" {made}; {p.developed_with.lower() if p.developed_with else ''}"
                        f" {w.cite(p, p.title_source)}".replace(";  [", " [")
                    )

            return self._finish(replace(q, topic="framework"), chosen, write)
        if re.search(r"\breferences?\b|\bsources?\b|\bbased on\b", lowered) and not re.search(r"\bfunction", lowered):
            chosen = profiles or list(self.kb.profiles)

            def write_refs(w: compose.Writer) -> None:
                for p in chosen:
                    w.heading(p, "references listed in the template")
                    for ref in p.references:
                        w.add(f"- {ref.text} {w.cite(p, ref.source)}")

            return self._finish(replace(q, topic="framework"), chosen, write_refs)
        return self._retrieve(
            replace(q, topic="framework" if q.topic == "framework" else q.topic),
            vector,
            profiles,
            general_only=not profiles,
        )

    def _retrieve(
        self,
        q: Question,
        lazy: _LazyVector,
        profiles: Sequence[RoleProfile],
        kinds: set[str] | None = None,
        preface: str | None = None,
        general_only: bool = False,
    ) -> Answer:
        roles: set[str] | None = {p.role for p in profiles} if profiles else None
        if general_only:
            roles = set()
        query = self.keyword_query(q.text)
        vector = lazy.get()
        hits = self.index.search(query, vector, roles=roles, k=8, kinds=kinds)
        if general_only and not any(_relevant(h) for h in hits):
            hits = self.index.search(query, vector, roles=None, k=8, kinds=kinds)
        relevant = _without_containers(_definitions_first(q.text, [h for h in hits if _relevant(h)]))
        others = {p.role for p in self.kb.profiles} - roles if roles else set()
        if not relevant and others:
            # "does the EW need to chair meetings?": not in that template, but in another role's
            hits = self.index.search(query, vector, roles=others, k=8, kinds=kinds)
            relevant = _without_containers([h for h in hits if _relevant(h) and h.passage.role])
            names = " and ".join(p.short_name for p in profiles)
            preface = f"The {names} template doesn't mention that. Another role's template does:"
        if not relevant:
            return self._decline(q, profiles)
        best = max(h.cosine for h in relevant)
        relevant = [h for h in relevant if h.cosine >= best - 0.12 or h.coverage >= RELEVANCE_COVERED[0]][:5]
        by_role = {p.role: p for p in self.kb.profiles}

        if (
            preface is None
            and operation_of(q.text) == "check"
            and any(
                h.coverage >= RELEVANCE_COVERED[0] and h.passage.role in {p.role for p in profiles} for h in relevant
            )
        ):
            preface = "Yes. The template says:"  # a yes/no question whose words the template itself uses
        elif preface and preface.startswith("The ") and operation_of(q.text) == "check":
            preface = "No. " + preface

        def write(w: compose.Writer) -> None:
            w.add(preface or "Here is what the role profile templates say:")
            for hit in relevant:
                p = by_role.get(hit.passage.role or "")
                where = f"{p.short_name}, {hit.passage.section}" if p else hit.passage.section
                markers = " ".join(w.cite(o, s, hit.passage.quote) for o, s in self._places(hit, p))
                w.add(f"- {hit.passage.quote} ({where}) {markers}")

        cited_roles = list(
            {o.role: o for h in relevant for o, _ in self._places(h, by_role.get(h.passage.role or "")) if o}.values()
        )
        return self._finish(q, cited_roles, write, suggestions=self.starter_questions())

    def _places(self, hit: Hit, p: RoleProfile | None) -> list[tuple[RoleProfile | None, SourceRef]]:
        """Where a retrieved passage is written: its own template, or for framework text shared by
        templates every template it appears in (up to SHARED_CITED), each cited as itself."""
        if p is not None or not hit.passage.id.startswith("general#"):
            return [(p, hit.passage.source)]
        n = int(hit.passage.id.split("#", 1)[1])
        if n >= len(self.kb.general):
            return [(None, hit.passage.source)]
        by_file = {p.title_source.file: p for p in self.kb.profiles}
        return [(by_file.get(s.file), s) for s in self.kb.general[n].sources[:SHARED_CITED]]

    def _decline(self, q: Question, profiles: Sequence[RoleProfile]) -> Answer:
        roles = "; ".join(f"{p.short_name} (level {p.level})" for p in self.kb.profiles)
        text = (
            "The role profile templates don't cover that. For each role they cover: the experience required,"
            " the scope of the role, the career framework level, the competences (National Occupational"
            " Standards), indicative learning and development, statutory and mandatory learning, and CPD."
            f"\n\nRoles with a template: {roles}."
        )
        return Answer(text, (), tuple(p.role for p in profiles), q.topic, True, self.starter_questions())

    def _unknown_role(self, unknown: Sequence[str]) -> Answer:
        roles = self._role_lines()
        text = (
            f"There is no role profile template for {', '.join(unknown)}, so I can't answer for that role."
            f" The roles I have templates for are:\n{roles}"
        )
        return Answer(text, (), (), "unknown-role", True, self.starter_questions())

    def _role_lines(self) -> str:
        return "\n".join(f"- {p.short_name} ({p.role}), career framework level {p.level}" for p in self.kb.profiles)

    def _which_role(self, q: Question, onboarding: bool = False) -> Answer:
        roles = ", ".join(p.short_name for p in self.kb.profiles)
        text = f"Which role do you mean? I have templates for: {roles}."
        if onboarding:
            text = f"Welcome! Which role are you starting in? I have templates for: {roles}."
        suggestions = tuple(
            Suggestion(
                f"I'm {_with_article(p)}" if len(p.short_name) < 18 else p.short_name,
                f"I'm starting as {_with_article(p)}",
            )
            for p in self.kb.profiles
        )[:3]
        return Answer(text, (), (), q.topic, False, suggestions)

    def _help(self) -> Answer:
        roles = self._role_lines()
        text = (
            "I answer questions about NHS role profiles from the Skills for Health templates, citing the template"
            " and section for every statement: experience required, scope of the role, career framework level,"
            " competences, training, CPD, and comparisons between roles. New in post? Tell me your role and I'll"
            f" give you a checklist.\n\nRoles I know:\n{roles}"
        )
        return Answer(text, (), (), "help", False, self.starter_questions())

    def _roles(self) -> Answer:
        w = compose.Writer(self.kb)
        w.add(f"I have role profile templates for {len(self.kb.profiles)} roles:")
        for p in self.kb.profiles:
            src = next((f.source for f in p.basic_information if f.key == "role"), p.title_source)
            w.add(
                f"- **{p.short_name}**: {p.role}, career framework level {p.level}, {p.area_of_work} {w.cite(p, src)}"
            )
        text, citations = w.citations.finish(w.text())
        return Answer(
            text, citations, tuple(p.role for p in self.kb.profiles), "roles", False, self.starter_questions()
        )

    # -- helpers ----------------------------------------------------------------------------

    def _theme(self, q: Question, strict: bool = False) -> list[str]:
        """The words a question narrows its topic by; `strict`: only words the templates use."""
        names = self.name_words
        theme = []
        for word in words(q.text):
            if word in _THEME_STOP or word in names or len(word) < 4 or word.isdigit():
                continue
            singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
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

    def _topic_of_theme(self, q: Question, profiles: Sequence[RoleProfile]) -> str | None:
        """'competences' or 'training' when some template has an entry naming the question's theme."""
        theme = self._theme(q, strict=True)
        if not theme:
            return None
        candidates = list(profiles) or list(self.kb.profiles)
        if operation_of(q.text) == "check":
            candidates += [p for p in self.kb.profiles if p not in candidates]
        asked = {w for w in words(q.text) if w.isdigit() or w == "level" or w not in _THEME_STOP}

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

    def _fields(self, q: Question, profiles: list[RoleProfile], keys: list[str]) -> Answer:
        found = [f for p in profiles for f in (*p.basic_information, *p.learning) if f.key in keys]

        def write(w: compose.Writer) -> None:
            if operation_of(q.text) == "check":  # "any accreditation for EW learning?"
                w.add("Yes." if any(not f.is_blank for f in found) else "No: the template leaves it blank.")
            for p in profiles:
                w.heading(p, "as the template has it")
                for key in keys:
                    f = next((f for f in (*p.basic_information, *p.learning) if f.key == key), None)
                    if f is not None:
                        w.field(p, f)

        return self._finish(replace(q, topic="training"), profiles, write, self._follow_ups(profiles[0], "training"))

    def _onboarding_theme(self, q: Question, p: RoleProfile) -> list[str]:
        """The subject an onboarding question is about, if the template says something on it: all the
        question's theme words, else the single one that finds the most entries."""
        theme = self._theme(q, strict=True)
        if not theme or themes.count(p, theme, entries_only=True):
            return theme
        found = sorted(((themes.count(p, [t]), t in THEMES, t) for t in theme), reverse=True)
        return [found[0][2]] if found and found[0][0] else []

    def _principle(self, text: str) -> str | None:
        norm = normalise(text)
        for name in sorted(self.principles, key=len, reverse=True):
            if name and re.search(rf"\b{re.escape(name)}\b", norm) and len(name) > 4:
                return name
        return None

    def _follow_ups(self, p: RoleProfile, topic: str) -> tuple[Suggestion, ...]:
        """Up to three next questions about role `p`; button titles are short, the questions name the role."""
        name = _with_article(p)
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
                    f"Compare with {_initials(others[0])}",
                    f"Compare the {p.short_name.lower()} and {others[0].short_name.lower()}",
                )
            )
        return tuple(out[:3])


_FACT_SEEKING = re.compile(r"^\s*(?:who|why|whom)\b(?!.*\b(?:wrote|developed|published|made)\b)", re.I)
_DEFINITION_Q = re.compile(r"^\s*(?:what|who)\s+(?:is|are)\s+(?:a |an |the )?(?P<term>[^?]{3,60}?)\s*\??\s*$", re.I)


_RECRUITING = {"recruiting", "recruit", "recruitment", "hiring", "advert", "post", "vacancy", "applicants"}
_LACKS = re.compile(r"\b(?:does ?n[o']t|does not|do ?n[o']t|has ?n[o']t|lacks?|is ?n[o']t in)\b", re.I)
_OTHER_ROLE = re.compile(r"\b(?:the )?other (?:role|one|job|post|profile|template)\b", re.IGNORECASE)
_WHICH_ROLE = direct.WHICH_ROLE


def _without_containers(hits: list[Hit]) -> list[Hit]:
    """Drop a whole field when one of its items is also a hit (the item says it more precisely)."""
    return [
        h
        for h in hits
        if not any(
            o is not h
            and o.passage.source == h.passage.source
            and o.passage.quote in h.passage.quote
            and len(o.passage.quote) < len(h.passage.quote)
            for o in hits
        )
    ]


def _definitions_first(question: str, hits: list[Hit]) -> list[Hit]:
    """For 'what is X?', passages that open with X (they define it) come first."""
    match = _DEFINITION_Q.match(question)
    if not match:
        return hits
    term = normalise(match.group("term"))
    defining = [h for h in hits if normalise(h.passage.quote).startswith(term)]
    return defining + [h for h in hits if h not in defining]


def _article(name: str) -> str:
    return "an" if name[:1].lower() in "aeiou" else "a"


def _stem(word: str) -> str:
    """A crude stem for matching a question's word to the templates' ('chairing' and 'chair')."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_EXPERIENCE_WORDS = frozenset(
    """dbs vetting vetted clearance clearence cleared check checks background criminal record before prior
    starting start joining first""".split()
)
# Vague words that say where or how something is mentioned, not what: no help to keyword search.
_VAGUE = frozenset("stuff things bits come comes coming up where say says mention mentions mentioned".split())


def _with_article(p: RoleProfile) -> str:
    """'an engagement worker'"""
    name = p.short_name.lower()
    return f"{_article(name)} {name}"


def _initials(p: RoleProfile) -> str:
    """'EW' for Engagement Worker; a one-word name stays whole."""
    parts = [w for w in p.short_name.split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in parts) if len(parts) > 1 else p.short_name


def _relevant(hit: Hit) -> bool:
    return (
        hit.cosine >= RELEVANCE_COSINE[0]
        or (hit.cosine >= RELEVANCE_CLOSE[0] and hit.coverage >= RELEVANCE_CLOSE[1])
        or (hit.coverage >= RELEVANCE_COVERED[0] and hit.cosine >= RELEVANCE_COVERED[1])
        or (hit.coverage >= RELEVANCE_MIXED[0] and hit.cosine >= RELEVANCE_MIXED[1])
    )


def _topics_in(text: str) -> set[str]:
    from .understanding import topics_of

    return set(topics_of(text))


def _experience_focus(text: str) -> str | None:
    lowered = text.lower()
    if re.search(r"\bdbs\b|vetting|criminal record|disclosure|clearance|background check", lowered):
        return "vetting"
    if re.search(r"qualif|nvq|diploma|degree|certificate", lowered):
        return "qualification"
    return None


def _sections(text: str) -> list[CompetenceSection]:
    lowered = text.lower()
    found: list[CompetenceSection] = []
    if re.search(r"\bcore\b|\bcommon\b", lowered):
        found.append("core")
    if re.search(r"\brole[- ]specific\b|\bspecific to (?:the|this|that) role\b|\bspecialist\b", lowered):
        found.append("role-specific")
    if re.search(r"\blocality\b|\blocal\b", lowered):
        found.append("locality-specific")
    return found
