"""The project's exception family. Edges (CLI, HTTP) translate these into one clear line."""

from __future__ import annotations


class RolebotError(Exception):
    """Base class for every error rolebot raises on purpose."""


class TemplateError(RolebotError):
    """A template file could not be read or parsed; names the file, the line and the reason."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        self.file = file
        self.reason = reason
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {reason}")


class NotATemplateError(TemplateError):
    """The file was read, but it is another kind of document (a job advert, a letter), not a role profile."""


class KnowledgeError(RolebotError):
    """The knowledge folder as a whole is unusable (missing, empty, or no template parsed)."""
