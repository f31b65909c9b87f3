"""Role-profile templates turned into structured, sourced records.

>>> from knowledge import load_knowledge
>>> kb = load_knowledge()
>>> kb.profiles[0].level
4
"""

from .errors import KnowledgeError, NotATemplateError, RolebotError, TemplateError
from .loader import default_dir, fingerprint, load_knowledge
from .parser import parse_template
from .records import (
    Competence,
    ExperienceItem,
    Field,
    FileReport,
    GeneralPassage,
    Item,
    KnowledgeBase,
    Paragraph,
    RoleProfile,
    SourceRef,
    Warning,
)

__all__ = [
    "Competence",
    "ExperienceItem",
    "Field",
    "FileReport",
    "GeneralPassage",
    "Item",
    "KnowledgeBase",
    "KnowledgeError",
    "NotATemplateError",
    "Paragraph",
    "RoleProfile",
    "RolebotError",
    "SourceRef",
    "TemplateError",
    "Warning",
    "default_dir",
    "fingerprint",
    "load_knowledge",
    "parse_template",
]
