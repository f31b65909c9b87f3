"""Words and small helpers the answering modules share: the stop list for themes, role names with
their article and initials, the topics and competence sections a question names."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.records import CompetenceSection, RoleProfile

ROLE_TOPICS = ("training", "experience", "level", "scope", "competences", "onboarding")


THEME_STOP = frozenset(
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
    prioritise prioritize priorities priority focus focusing induction onboarding cover covering starter
    starters joiner joiners newcomer never ever before already previously worked suggest suggests
    it's there's does need list lists listed anything else other more most best first go going make
    made like same different between compare comparison versus vs side by and/or eg e.g etc
    mandatory statutory informal formal endorsed cpd frequency funding method qualification
    qualifications experience experiences required requires dbs vetting agree agreed discuss decide
    arrange book find apply ask speak talk meet sign check plan planned done doing expected expect
    should could would shall total overall altogether entire whole full complete recommend recommended
    suggest suggested wanting want wants someone somebody best good useful helpful relevant important
    anywhere somewhere everywhere anything everything something added filled populated completed entered section
    sections
    name names
    box boxes table tables across well too separately individually respectively common otherwise particular
    particularly item items entry entries loaded available held stored uploaded
    relevance
    going getting become becoming move moving keep keeping hold holds holding stay read begin terms regard
    regards respect
    responsible responsibility responsibilities carry carries carried setting anyone anybody
    true false correct wrong makes making long
    similar equivalent likewise itself themselves himself herself actually really exactly specifically even
    identical identically alike
    two three four five six seven eight nine ten eleven twelve
    """.split()
)


def article(name: str) -> str:
    return "an" if name[:1].lower() in "aeiou" else "a"


def with_article(p: RoleProfile) -> str:
    """'an engagement worker'"""
    name = p.short_name.lower()
    return f"{article(name)} {name}"


def initials(p: RoleProfile) -> str:
    """'EW' for Engagement Worker; a one-word name stays whole."""
    parts = [w for w in p.short_name.split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in parts) if len(parts) > 1 else p.short_name


def topics_in(text: str) -> set[str]:
    from .understanding import topics_of

    return set(topics_of(text))


_SECTION_WORDS: dict[CompetenceSection, str] = {
    "core": r"core|common",
    "role-specific": r"role[- ]specific|specific to (?:the|this|that) role|specialist",
    "locality-specific": r"locality|local",
}
# "not the core ones", "non-core", "other than the core", "apart from the core": that part is set aside
_SECTION_NOT = (
    r"(?:\bnot (?:in |from |among |part of )?(?:the |any |its )?|\bnon-?\s?"
    r"|\b(?:other than|apart from|except(?: for)?|excluding|besides|outside) (?:the |its |their )?)"
)

# "specific to the SM": the role's own table, when no other table is named ("the core ones specific to the SM"
# are its core ones)
_SPECIFIC_TO = re.compile(
    r"\bspecific to (?!(?:the |this |that |an? |my |our )?(?:local|area|trust|organi[sz]ation|service)\b)\w"
)


def sections_named(text: str) -> list[CompetenceSection]:
    """The competence tables a question names; one it sets aside ("not the core ones") is left out, and a
    question that only sets parts aside means the others."""
    lowered = text.lower()
    named: list[CompetenceSection] = []
    negated: list[CompetenceSection] = []
    for section, pattern in _SECTION_WORDS.items():
        if re.search(_SECTION_NOT + rf"(?:{pattern})\b", lowered):
            negated.append(section)
        elif re.search(rf"\b(?:{pattern})\b", lowered):
            named.append(section)
    if not named and _SPECIFIC_TO.search(lowered):
        named.append("role-specific")  # "health and safety competences specific to the SM (not the core ones)"
    if negated and not named:
        return [s for s in _SECTION_WORDS if s not in negated]
    return named


def stem(word: str) -> str:
    """A crude stem for matching a question's word to the templates' ('chairing' and 'chair')."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_ROOT_ENDINGS = ("ations", "ation", "ions", "ion", "ings", "ing", "ers", "er", "ed", "es", "s", "ly", "al", "e")


@lru_cache(maxsize=8192)
def root(word: str) -> str:
    """A word's root, to tell words of one family ("interpreters", "interpreting"; "custody", "custodial")
    from words that only start alike ("doctor", "doctorate")."""
    word = word.lower().removesuffix("'s")
    for _ in range(4):  # to where no ending is left: "commissioning" and "commission" meet
        cut = next((e for e in _ROOT_ENDINGS if word.endswith(e) and len(word) - len(e) >= 4), None)
        if cut is None:
            break
        word = word[: -len(cut)]
    return word[:-1] + "i" if word.endswith("y") else word
