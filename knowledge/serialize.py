"""Plain-dict (JSON-ready) views of the records, for `rolebot knowledge --json` and golden files."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .records import KnowledgeBase, RoleProfile


def profile_to_dict(profile: RoleProfile) -> dict[str, Any]:
    data = asdict(profile)
    data["competence_counts"] = {
        section: len(profile.competences_in(section)) for section in ("core", "role-specific", "locality-specific")
    }
    return data


def knowledge_to_list(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [profile_to_dict(p) for p in kb.profiles]
