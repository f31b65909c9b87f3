"""Spelling correction against the templates' own vocabulary."""

from __future__ import annotations

import pytest

from bot.answering.spelling import Speller


@pytest.fixture(scope="module")
def speller(kb) -> Speller:
    words = [
        w
        for p in kb.profiles
        for text in (p.role, *(f"{c.title} {c.function} {c.section_title}" for c in p.competences))
        for w in text.replace("/", " ").split()
    ]
    return Speller(words)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("does the stratigic manger need to chair meetigns", "does the strategic manager need to chair meetings"),
        ("how many core competnces", "how many core competences"),
        ("wich role", "which role"),
        ("rolespecific competances", "role specific competences"),
    ],
)
def test_two_and_three_misspellings_at_once(speller: Speller, typed: str, meant: str) -> None:
    assert speller.correct(typed) == meant


@pytest.mark.parametrize(
    "kept",
    ["is there parking at the office", "what is the salary", "paramedic", "NVQ and DBS", "the EW and SM", "staring"],
)
def test_real_words_abbreviations_and_initials_stay(speller: Speller, kept: str) -> None:
    assert speller.correct(kept) == kept


def test_vocabulary_comes_from_the_templates_not_from_a_list_of_roles() -> None:
    assert Speller(["navigator"]).correct("navigater") == "navigator"
    assert Speller([]).correct("navigater") == "navigater"


def test_contractions_stay_whole_and_possessives_are_mended(speller: Speller) -> None:
    assert speller.correct("which core competences does the SM have that the EW doesn't?").endswith("doesn't?")
    assert speller.correct("the stratigic manger's training") == "the strategic manager's training"


def test_run_together_words_with_a_typo_in_the_second(speller: Speller) -> None:
    assert speller.correct("lonewroking") == "lone working"
