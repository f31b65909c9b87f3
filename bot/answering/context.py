"""What the composers see of the engine: the conversation's state, the question's vector, and the
knowledge with the few shared helpers every composer uses (`Context`). Composers are typed against this
module, never the engine, so that the engine can import them all and nothing imports it back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.passages import Passage
from index.store import Index
from knowledge.records import CompetenceSection, KnowledgeBase, RoleProfile

from .answer import Answer, Suggestion
from .compose import Writer
from .understanding import Question


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
    # The last question, in the words of the templates and of questions only (no names, nothing else the
    # asker wrote): what "and the SM?" asks again of another role.
    ask: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "roles": list(self.roles),
            "topic": self.topic,
            "subtopics": list(self.subtopics),
            "theme": list(self.theme),
            "focus": list(self.focus),
            "ask": self.ask,
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
            str(data.get("ask") or "")[:500],
        )


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


class Vector(Protocol):
    """The question's embedding, made on first use."""

    def get(self) -> np.ndarray | None: ...


class Context(Protocol):
    """The knowledge and the helpers composers share (the engine is one)."""

    kb: KnowledgeBase
    index: Index
    name_words: set[str]

    def finish(
        self,
        q: Question,
        profiles: Sequence[RoleProfile],
        write: Callable[[Writer], None],
        suggestions: Sequence[Suggestion] = (),
        table: tuple[tuple[str, ...], ...] = (),
    ) -> Answer: ...

    def follow_ups(self, p: RoleProfile, topic: str) -> tuple[Suggestion, ...]: ...

    def show_all(self, p: RoleProfile, topic: str, sections: Sequence[CompetenceSection] = ()) -> Suggestion: ...

    def starter_questions(self) -> tuple[Suggestion, ...]: ...

    def theme_of(self, q: Question, strict: bool = False) -> list[str]: ...

    def principle_of(self, text: str) -> str | None: ...

    def grounded(self, word: str) -> bool: ...

    def keyword_query(self, text: str) -> str: ...

    def entry_vectors(self, role: str) -> list[tuple[Passage, np.ndarray]]: ...
