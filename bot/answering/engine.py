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
from knowledge.records import CompetenceSection, KnowledgeBase, RoleProfile
from knowledge.text import normalise

from . import compose
from .answer import Answer
from .competences import THEMES, compare, competences, principle_names, principles, progression, select
from .understanding import Question, RoleFinder, RoleMatch, rewrite, understand, words

MAX_QUESTION_CHARS = 2000
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
    ones kind kinds type types sort thing things area areas work working worker workers manager
    managers engagement strategic liaison diversion service services nhs which what's whats i'm im
    it's there's does need list lists listed anything else other more most best first go going make
    made like same different between compare comparison versus vs side by and/or eg e.g etc
    mandatory statutory informal formal endorsed cpd frequency funding method qualification
    qualifications experience experiences required requires dbs vetting agree agreed discuss decide
    arrange book find apply ask speak talk meet sign check plan planned done doing expected expect
    should could would shall total overall altogether entire whole full complete recommend recommended
    suggest suggested wanting want wants someone somebody best good useful helpful relevant important
    going getting become becoming move moving keep keeping stay read begin terms regard regards respect
    """.split()
)


# Words of a follow-up that adds no content of its own ("and what about the strategic manager?").
_FOLLOW_UP_FILLER = frozenset(
    """
    and or what about how for a an the of is it its it's they them their that this same also too please ok
    okay then so whats what's tell me more one role roles job jobs for their theirs there
    how many number are in total altogether list them those these items entries things other now next
    """.split()
)


@dataclass(frozen=True)
class ConversationState:
    """What a conversation is about: the role(s) in focus and the last topic."""

    roles: tuple[str, ...] = ()
    topic: str | None = None
    subtopics: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()  # "safeguarding" in "which competences are about safeguarding?"

    def to_dict(self) -> dict[str, object]:
        return {
            "roles": list(self.roles),
            "topic": self.topic,
            "subtopics": list(self.subtopics),
            "theme": list(self.theme),
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
        )
        return answer, new_state

    def retrieval_text(self, question: str) -> str:
        """What to embed for a question: its words less the role mentions (roles filter instead)."""
        stripped = self.finder.without_roles(rewrite(" ".join(question.split())))
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
        return self.finder.without_roles(text)

    def starter_questions(self) -> tuple[str, ...]:
        names = [p.short_name.lower() for p in self.kb.profiles]
        first = names[0] if names else "engagement worker"
        last = names[-1] if names else first
        return (
            f"What training does {_article(first)} {first} need?",
            f"What experience does {_article(last)} {last} need?",
            "What roles do you know about?",
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
            text = " ".join([q.text, *state.theme])
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
        if topic == "free" and profiles and self._principle(q.text):
            q = replace(q, topic="competences")
            topic = "competences"
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
            return self._compare(q, profiles or list(self.kb.profiles))
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
        fallback: list[RoleProfile] = []
        lead = ""
        if theme and len(profiles) > 1 and not q.roles.profiles and _WHICH_ROLE.search(q.text):
            # "which role needs root cause analysis training?": the roles whose template lists it
            listing = [
                p
                for p in profiles
                if (q.topic == "training" and compose.matching_items(p, theme))
                or (q.topic == "competences" and select(p, sections, principle, theme))
            ]
            if listing and len(listing) < len(profiles):
                names = " and ".join(f"**{p.short_name}**" for p in listing)
                lead = f"Of the {len(profiles)} role templates, {names} {'lists' if len(listing) == 1 else 'list'} it:"
                profiles = listing
            elif listing:
                lead = f"{'Both' if len(profiles) == 2 else f'All {len(profiles)}'} role templates list it:"

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

    # -- answer kinds -------------------------------------------------------------------------

    def _finish(
        self,
        q: Question,
        profiles: Sequence[RoleProfile],
        write: Callable[[compose.Writer], None],
        suggestions: Sequence[str] = (),
        table: tuple[tuple[str, ...], ...] = (),
    ) -> Answer:
        w = compose.Writer(self.kb)
        write(w)
        if q.roles.unknown:
            w.add()
            w.add(f"There is no template for {', '.join(q.roles.unknown)}.")
        text, citations = w.citations.finish(w.text())
        return Answer(text, citations, tuple(p.role for p in profiles), q.topic, False, tuple(suggestions)[:3], table)

    def _compare(self, q: Question, profiles: list[RoleProfile]) -> Answer:
        if len(profiles) < 2:
            profiles = list(self.kb.profiles)
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
            r"\bskills for health\b|\bexpert reference\b|\bwhen (?:was|were)\b|\bdate\b|\bversion\b|"
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

        def write(w: compose.Writer) -> None:
            w.add(preface or "Here is what the role profile templates say:")
            for hit in relevant:
                p = by_role.get(hit.passage.role or "")
                where = f"{p.short_name}, {hit.passage.section}" if p else hit.passage.section
                w.add(f"- {hit.passage.quote} ({where}) {w.cite(p, hit.passage.source, hit.passage.quote)}")

        cited_roles = [by_role[r] for r in dict.fromkeys(h.passage.role for h in relevant) if r in by_role]
        return self._finish(q, cited_roles, write, suggestions=self.starter_questions())

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
            f"I'm starting as {_article(p.short_name)} {p.short_name.lower()}" for p in self.kb.profiles
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

    def _theme(self, q: Question) -> list[str]:
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
        known = [t for t in theme if t in THEMES]
        return known or theme[:3]

    def _principle(self, text: str) -> str | None:
        norm = normalise(text)
        for name in sorted(self.principles, key=len, reverse=True):
            if name and re.search(rf"\b{re.escape(name)}\b", norm) and len(name) > 4:
                return name
        return None

    def _follow_ups(self, p: RoleProfile, topic: str) -> tuple[str, ...]:
        name = p.short_name.lower()
        article = _article(name)
        options = {
            "training": f"What training does {article} {name} need?",
            "experience": f"What experience does {article} {name} need?",
            "competences": f"What are the core competences for {article} {name}?",
            "scope": f"What does {article} {name} do?",
            "level": f"What level is {article} {name}?",
        }
        order = [t for t in ("experience", "training", "competences", "scope", "level") if t != topic]
        out = [options[t] for t in order][:2]
        others = [o for o in self.kb.profiles if o.role != p.role]
        if others:
            out.append(f"Compare the {name} and {others[0].short_name.lower()}")
        return tuple(out[:3])


_FACT_SEEKING = re.compile(r"^\s*(?:who|why|whom)\b(?!.*\b(?:wrote|developed|published|made)\b)", re.I)
_DEFINITION_Q = re.compile(r"^\s*(?:what|who)\s+(?:is|are)\s+(?:a |an |the )?(?P<term>[^?]{3,60}?)\s*\??\s*$", re.I)


_OTHER_ROLE = re.compile(r"\b(?:the )?other (?:role|one|job|post|profile|template)\b", re.IGNORECASE)
_WHICH_ROLE = re.compile(
    r"\b(?:which|what) (?:roles?|jobs?|profiles?|templates?|posts?)\b|\bwho (?:needs?|has|have|does|should|must)\b",
    re.IGNORECASE,
)


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
