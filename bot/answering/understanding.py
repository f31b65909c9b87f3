"""Understanding a question: which role(s) it is about and what it asks.

Roles are recognised from the knowledge, never from a fixed list: titles and short names (with
typos), initials ("EW"), career framework levels ("level 4"), "both roles", and distinctive words
("manager" when only one template is a manager). A job title with no template ("peer support
worker") is reported as unknown. Topics are recognised from staff wording ("stat and mand",
"courses", "how often", "qualifications", "DBS").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from knowledge.records import RoleProfile

# Job nouns: a phrase ending in one of these names a role.
_JOB_NOUNS = (
    "worker|manager|nurse|practitioner|officer|assistant|lead|leader|coordinator|co-ordinator|therapist"
    "|doctor|consultant|director|administrator|clinician|psychologist|psychiatrist|paramedic|pharmacist"
    "|midwife|apprentice|technician|receptionist|secretary|supervisor|navigator|mentor|advocate|analyst"
    "|commissioner|specialist|counsellor|physiotherapist|surgeon|volunteer|trainee|student|porter|clerk"
    "|sergeant|constable|inspector|solicitor|magistrate|judge|gp|hca|chaplain|dietitian|radiographer"
)
_JOB_NOUN_SET = frozenset(_JOB_NOUNS.split("|"))
# Words before a job noun that do not make it a job title ("which role leads the team?")
_NOT_QUALIFIERS = frozenset(
    """role roles job jobs post posts template templates profile profiles which what who whose each every one
    ones actually really usually mostly mainly only just basically also even still""".split()
)
JOB_NOUNS = _JOB_NOUN_SET
# A title may be several job nouns in a row ("nurse practitioner", "support worker lead").
_JOB_PHRASE = re.compile(rf"((?:[a-z&'-]+\s+){{0,3}}?)((?:(?:{_JOB_NOUNS})s?\s+)*(?:{_JOB_NOUNS}))s?\b")
# Job nouns that name a profession on their own ("what training does a nurse need?"); the others
# ("lead", "officer", "advocate") need a qualifier before they name a role.
_PROFESSIONS = frozenset(
    """
    nurse doctor paramedic pharmacist midwife physiotherapist psychologist psychiatrist radiographer
    dietitian surgeon gp hca receptionist porter chaplain counsellor therapist clinician apprentice
    """.split()
)
# Words before a job noun that do not make it a different job.
_GENERIC_MODIFIERS = frozenset(
    """
    a an the my our your their this that new newly senior junior experienced current future as be
    become becoming being am is are was were to for of and or with what which who how does do did
    can will would should i we you they he she it me us them if want wants like get got start
    starting started join joining joined work working hire hiring recruit recruiting recruitment
    employ need needs about any each every both all compare between versus vs from into l&d l d
    service nhs trust team's other another
    alongside beside under over through via by at on in than like against among across within without
    after before behind near towards toward per
    report reports reporting refer refers referring liaise liaises liaising contact contacts ask tell
    talk speak meet see supervise supervises supervised manage manages managed
    """.split()
)
# Words of role titles that are ordinary content too ("service audits"): never stripped as role mentions.
_SHARED_WORDS = frozenset({"and", "of", "the", "for", "in", "service", "services", "team", "role"})
# Short English words that lower-case initials must never be taken for.
_SHORT_WORDS = frozenset(
    """
    a i am an as at be by do go he if in is it me my no of on or so to up us we ok hi ah oh eh
    all and any are but can did for get got had has her him his how its may new not now one our out
    own see she the too two use was way who why yes yet you also each does done into just like made
    make many more most much must need only over same some such take than that them then they this
    very want were what when will with your
    """.split()
)
_DOCUMENT_WORDS = frozenset({"template", "templates", "profile", "profiles", "document", "documents"})
_IGNORED_PHRASES = (
    "line manager",
    "manager's",
    "case worker",
    # seniority, not a title: "which is the most senior role?"
    "most senior",
    "more senior",
    "most junior",
    "more junior",
    # a person the asker knows, not a role: "my manager said ...", "her manager told her ..."
    *(f"{whose} {who}" for whose in ("my", "our", "your", "her", "his", "their") for who in ("manager", "boss")),
)
# "become a senior?": a word only one title has, standing for it
_BARE_TITLE_WORD = re.compile(r"\b(?:a|an|the)\s+([a-z]+)(?:\s+(?:one|role|post|version))?\s*(?:[?.!,;]|$)")
# "the crisis support worker and the senior one in terms of ...": the title that word makes of another title
_MODIFIER_ONE = re.compile(r"\bthe\s+([a-z]+)\s+(?:one|role|post|version)\b")
# "crisis support worker vs senior:", "... and the senior?": a title's modifier alone, after the title it modifies
_MODIFIER_AFTER = re.compile(
    r"\b(?:vs\.?|versus|and|or|compared (?:to|with)|against)\s+(?:the\s+|a\s+)?([a-z]+)\s*(?:[?.!,;:]|$)"
)
_GROUP = re.compile(
    r"\b(?:both|all|each|the two|the three|the|our|of the)\s+(?:of\s+)?(?:the\s+)?(?:two\s+|three\s+)?"
    r"(?P<what>[a-z&][a-z& -]{1,40}?)\s+(?:roles|posts|jobs|templates|profiles)\b"
    # "which roles are in mental health crisis services?"
    r"|\b(?:roles|posts|jobs|templates|profiles)\s+(?:are\s+)?(?:in|within)\s+(?:the\s+)?"
    r"(?P<where>[a-z&][a-z& -]{1,40}?)(?=\s*(?:[,?.;!]|$))"
)
_ALL_ROLES = re.compile(
    r"\b(?:both|all|each|every|either)\s+(?:of\s+)?(?:the\s+|these\s+|those\s+|your\s+)?"
    r"(?:(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+)?(?:role\s+)?"
    r"(?:roles?|profiles?|templates?|jobs?|posts?|them)\b(?![- ]specific)"
    # "any of the templates", "any roles": not "any role specific competences", "any job experience"
    r"|\bany\s+(?:of\s+(?:the\s+|these\s+|those\s+|your\s+)?)?(?:\w+\s+)?(?:roles|profiles|templates)\b"
    r"|\bacross\s+(?:all\s+)?(?:the\s+)?(?:(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+)?"
    r"(?:roles|profiles|templates)\b"
    r"|\bboth\b|\b(?:the\s+)?two\s+roles\b|\bevery\s*one\b"
    # "is there anything in the profiles about ...?", "where in these templates ...?"
    r"|\b(?:in|from)\s+(?:the|these|those|your)\s+(?:role\s+)?(?:profiles|templates)\b",
    re.IGNORECASE,
)
_QUOTED_PHRASE = re.compile(r"['\"\u2018\u201c]([^'\"\u2019\u201d]{3,80})['\"\u2019\u201d]")
_BOTH_OF_THOSE = re.compile(
    r"\b(?:both|either|each)\b(?!\s+(?:of\s+)?(?:the\s+)?(?:roles?|templates?|profiles?|jobs?|posts?))", re.I
)
# A span of levels: "from level 2 up to level 5", "levels 6-9", "between level 3 and level 5"
_LEVEL_SPAN = re.compile(
    r"\b(?:(?:career\s+framework\s+)?levels?\s*([1-9])\s*(?:-|–|to|up to|through)\s*(?:level\s*)?([1-9])\b"
    r"|between (?:career\s+framework\s+)?levels?\s*([1-9]) and (?:level\s*)?([1-9])\b)",
    re.IGNORECASE,
)
_LEVEL = re.compile(
    r"\b(?:career\s+framework\s+)?(?:level|lvl|l)\s*(\d{1,2})\b(?!\s*(?:nvq|diploma|qualification|safeguarding|"
    r"training|certificate|award|course|\)|-))",
    re.IGNORECASE,
)


# Numbers as words, one to twelve in order: "level two", "held for at least two years"
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_DIGITS = {w: str(i) for i, w in enumerate(NUMBER_WORDS, start=1)}
# A number word where it counts: "level two", "three years" ("sixty credits" is not read)
_SPELLED_NUMBER = re.compile(
    rf"(?:\blevel\s+(?P<n>{'|'.join(NUMBER_WORDS)})\b)"
    rf"|(?:\b(?P<n2>{'|'.join(NUMBER_WORDS)})\s+(?:years?|months?|weeks?|days?|hours?|times|credits?)\b)",
    re.IGNORECASE,
)


def _as_digits(m: re.Match[str]) -> str:
    number = m.group("n") or m.group("n2")
    return m.group(0).replace(number, _DIGITS[number.lower()])


# Words after which "level N" names a role's level ("a level 4", "is it level 8", "career framework level 7").
# Words before "level N" that make it name a role beside one named by its title ("the EW and the level 8
# role"); after others ("is the EW a level 3 post?", "the SM level 7?") it is said of the role named.
_LEVEL_NAMING = frozenset("the and or with vs versus than from to".split())
_LEVEL_INTRODUCERS = frozenset(
    """a an the at is are was for framework career of to from as what which any all both each every this that
    and or in on with their my our your its role roles job post i am be being become""".split()
)


def words(text: str) -> list[str]:
    """Lower-case words; an apostrophe inside a word stays ("manager's"), quotes around words go."""
    return [w for w in (t.strip("'") for t in re.findall(r"[a-z0-9&']+", text.lower().replace("’", "'"))) if w]


@dataclass(frozen=True)
class RoleMatch:
    profiles: tuple[RoleProfile, ...] = ()
    unknown: tuple[str, ...] = ()
    everyone: bool = False
    ambiguous: bool = False  # a title several templates fit ("a support worker"): `profiles` are all of them
    # a title said with a level its template does not have ("the level 5 engagement worker"): (role, level said)
    misleveled: tuple[tuple[RoleProfile, int], ...] = ()


class RoleFinder:
    """Finds the roles a question names, using the profiles it knows."""

    def __init__(self, profiles: tuple[RoleProfile, ...]) -> None:
        self.profiles = profiles
        self.shorthand = area_shorthand(profiles)
        # Each area of work's first two words, when no other template's area shares them.
        opening = [(words(p.area_of_work)[:2], p) for p in profiles if len(words(p.area_of_work)) >= 2]
        self.areas = [(a, p) for a, p in opening if sum(a == b for b, _ in opening) == 1]
        # What the templates list (competences, learning): job nouns used there are content, not roles.
        self.content = " ".join(
            " ".join(words(text))
            for p in profiles
            for text in (
                *(f"{c.title} {c.function}" for c in p.competences),
                *(i.text for f in (*p.cpd, *p.learning) for i in f.items),
            )
        )
        self.content_words = frozenset(self.content.split())
        # The words of what the templates' learning lists, the courses ("safeguarding", "handling"): "at level 3"
        # after one is the course's level; words every kind of entry uses are not courses
        learned = {w for p in profiles for f in (*p.cpd, *p.learning) for i in f.items for w in words(i.text)}
        listed = {w for p in profiles for c in p.competences for w in words(c.title)}
        self.course_words = frozenset(w for w in learned - listed if len(w) >= 4) | frozenset(
            {"safeguarding", "nvq", "diploma", "qualification", "certificate", "award", "course", "training"}
        )
        self.title_heads = frozenset(words(p.short_name)[-1] for p in profiles if p.short_name)
        self.aliases: list[tuple[str, RoleProfile]] = []
        self.initials: dict[str, list[RoleProfile]] = {}  # "SM": every template whose name it abbreviates
        self.distinct: dict[str, RoleProfile] = {}
        area_words: set[str] = set()
        for p in profiles:
            area_words.update(words(p.area_of_work))
            for alias in {p.short_name.lower(), p.role.lower()}:
                self.aliases.append((" ".join(words(alias)), p))
            initials = "".join(w[0] for w in p.short_name.split() if w[:1].isalpha()).upper()
            if len(initials) >= 2:
                self.initials.setdefault(initials, []).append(p)
        counts: dict[str, set[str]] = {}
        for p in profiles:
            for w in words(p.short_name):
                if len(w) >= 4 and w not in area_words:
                    counts.setdefault(w, set()).add(p.role)
        for w, roles in counts.items():
            if len(roles) == 1:
                self.distinct[w] = next(p for p in profiles if p.role in roles)
        self.generic = _GENERIC_MODIFIERS | area_words
        self.area_words = frozenset(w for w in area_words if len(w) >= 4 and w != "service")
        self.role_words = {w for alias, _ in self.aliases for w in alias.split()} - _SHARED_WORDS | set(self.distinct)
        self._alias_targets = _Targets(alias for alias, _ in self.aliases)
        titles = sorted({alias for alias, _ in self.aliases if " " in alias}, key=len, reverse=True)
        spelled = "|".join(r"\s+".join(map(re.escape, t.split())) for t in titles) or "(?!)"
        self._alias_possessive = re.compile(rf"\b({spelled})[’']s\b", re.IGNORECASE)

    def initials_in(self, token: str) -> RoleProfile | None:
        """The role a token abbreviates: "EW", "SMs", "EW's", and in lower case ("ew", "sms")."""
        named = self.abbreviated(token)
        return named[0] if named else None

    def abbreviated(self, token: str) -> list[RoleProfile]:
        """Every role a token abbreviates ("SM": a Strategic Manager and a Service Manager)."""
        if token.islower():
            if len(token) > 5 or token in _SHORT_WORDS:  # a future "TO" or "IT" role is not "to" or "it"
                return []
            token = token.upper()
        for form in (token, re.sub(r"'[sS]$", "", token), re.sub(r"[sS]$", "", token)):
            if form in self.initials:
                return self.initials[form]
        return []

    def without_roles(self, text: str) -> str:
        """The question without its role mentions (they filter retrieval; as words they only add noise)."""
        role_words = self.role_words
        text = _LEVEL.sub(" ", text)
        kept = [
            t
            for t in re.findall(r"\S+", text)
            if not (
                words(t)
                and all(
                    w in role_words
                    or w.rstrip("s") in role_words
                    or any(_close(w, r) for r in role_words if len(w) >= 6)
                    for w in words(t)
                )
            )
        ]
        kept = [t for t in kept if self.initials_in(t.strip("?!.,;:'\"()")) is None]
        if len(kept) < len(re.findall(r"\S+", text)):
            # "the SM template", "the engagement worker's profile": the role's own document, not a topic
            kept = [t for t in kept if t.strip("?!.,;:'\"()").lower() not in _DOCUMENT_WORDS]
        return " ".join(kept)

    def numbers_asked(self, text: str, levels: Collection[int]) -> list[str]:
        """The numbers a question asks about, less the level of a role it asks of (`levels`) said as one
        ("the level 4 EW", "is it level 8?"): 'safeguarding adults level 3', 'held for 2 years', '60 credits';
        spelled out after "level" or before a unit ("level two", "three years") as digits."""
        text = _SPELLED_NUMBER.sub(_as_digits, text)
        role_levels = {
            m.span(1)
            for m in _LEVEL.finditer(text)
            if int(m.group(1)) in levels
            and (
                not (before := words(text[: m.start()]))
                or before[-1] in _LEVEL_INTRODUCERS
                or self._is_role_token(before[-1])  # "is the EW level 4?"
            )
        }
        return [m.group(0) for m in re.finditer(r"\b\d{1,3}\b", text) if m.span() not in role_levels]

    def _is_role_token(self, token: str) -> bool:
        bare = token.strip("?!.,;:'\"()")
        ws = [w.removesuffix("'s") for w in words(bare)]
        return bool(ws) and (
            all(w in self.role_words or w.rstrip("s") in self.role_words for w in ws)
            or self.initials_in(bare) is not None
        )

    def with_roles(self, text: str, titles: str) -> str:
        """`text` asked of other roles: its role mentions replaced by `titles` ("When was the EW template
        last revised?" -> "When was the Team Leader template last revised?"); without a mention, `titles`
        is added at the end."""
        tokens = re.findall(r"\S+", _LEVEL.sub(" ", text))
        out: list[str] = []
        replaced = False
        for token in tokens:
            if not self._is_role_token(token):
                out.append(token)
            elif not replaced:
                tail = re.search(r"(?:'s|’s)?[?!.,;:]*$", token)
                out.append(titles + (tail.group(0) if tail else ""))
                replaced = True
            elif token[-1:] in "?!.":
                out[-1] += token[-1]  # a later mention goes; the sentence keeps its end
        if not replaced:
            return f"{' '.join(out).rstrip(' ?.!')} for the {titles}?"
        return " ".join(out)

    def _prefix_shared(self, short: str) -> bool:
        """Whether more than one title word starts with `short` ("eng" is only "engagement")."""
        return sum(w.startswith(short) for w in self.distinct) > 1

    def _group(self, lowered: str) -> list[RoleProfile]:
        """The templates a group names by their area or a word of their titles: "both crisis roles", "the
        liaison and diversion roles", "all the support worker posts"."""
        for m in _GROUP.finditer(lowered):
            group = m.group("what") or m.group("where")
            named = [w for w in words(group) if w not in ("and", "of", "the", "two", "three")]
            if not named:
                continue
            fits = [
                p
                for p in self.profiles
                if all(
                    any(_close(w, t) or t.startswith(w) for t in words(f"{p.short_name} {p.area_of_work}"))
                    for w in named
                )
            ]
            if len(fits) >= 2:
                return fits
        return []

    def _fitting(self, lowered: str) -> list[RoleProfile]:
        """The templates whose short name ends with a job title the text names ('support worker',
        'practitioner'), when more than one does: the title is ambiguous between them."""
        for match in _JOB_PHRASE.finditer(lowered):
            tail = words(match.group(0))[-3:]
            for size in range(len(tail), 0, -1):
                wanted = [w.rstrip("s") if w.rstrip("s") in _JOB_NOUN_SET else w for w in tail[-size:]]
                fits = [p for p in self.profiles if words(p.short_name)[-size:] == wanted]
                if len(fits) > 1:
                    return fits
        return []

    def find(self, text: str) -> RoleMatch:
        # "which roles have 'Manage lone workers'?": an entry the templates list, quoted, names no role
        text = _QUOTED_PHRASE.sub(
            lambda m: " " if f" {' '.join(words(m.group(1)))} " in f" {self.content} " else m.group(0), text
        )
        # "the service manager's competences": a title's possessive names it ("my manager's" does not)
        text = self._alias_possessive.sub(lambda m: m.group(1), text)
        for phrase in _IGNORED_PHRASES:
            text = re.sub(rf"\b{re.escape(phrase)}s?\b", " ", text, flags=re.IGNORECASE)
        lowered = text.lower()
        tokens = words(text)
        found: dict[str, tuple[int, RoleProfile]] = {}
        ambiguous = False

        def note(p: RoleProfile, at: int) -> None:
            if p.role not in found or at < found[p.role][0]:
                found[p.role] = (at, p)

        spans: list[tuple[int, int, RoleProfile]] = []
        at_alias = _fuzzy_find_many(tokens, self._alias_targets)
        for alias, p in self.aliases:
            at = at_alias.get(alias)
            if at is not None:
                spans.append((at, at + len(alias.split()), p))
                # every other place it is written: "the senior crisis support worker and the crisis support worker"
                size = len(alias.split())
                spans += [
                    (i, i + size, p)
                    for i in range(at + 1, len(tokens) - size + 1)
                    if " ".join(tokens[i : i + size]) == alias
                ]
        for at, end, p in spans:
            # the most specific title: "senior crisis support worker" is not also a "crisis support worker"
            if not any(o is not p and a <= at and end <= e and e - a > end - at for a, e, o in spans):
                note(p, at)
        raw = re.findall(r"[A-Za-z0-9&']+", text)
        for i, token in enumerate(raw):
            named = self.abbreviated(token)
            # "senior CSW": the Senior Crisis Support Worker, a title whose first word is said before the initials
            longer = [
                p
                for p in self.abbreviated(f"{raw[i - 1][0]}{token}".upper() if i and token.isupper() else "")
                if words(p.short_name)[0] == raw[i - 1].lower()
            ]
            for abbreviated in longer or named:
                note(abbreviated, i)
        for m in _BARE_TITLE_WORD.finditer(lowered):  # "what would I need to become a senior?"
            if m.group(1) in self.distinct and m.group(1) not in self.area_words:
                note(self.distinct[m.group(1)], len(words(lowered[: m.start()])))
        for m in [*_MODIFIER_ONE.finditer(lowered), *_MODIFIER_AFTER.finditer(lowered)]:
            # "the senior one", "crisis support worker vs senior": Senior + a title some template has
            senior = self.distinct.get(m.group(1))
            rest = [w for w in words(senior.short_name) if w != m.group(1)] if senior else []
            if senior and any(words(o.short_name) == rest for o in self.profiles if o is not senior):
                note(senior, len(words(lowered[: m.start()])))
        if not found:  # "the secure estate template": an area of work only one template has
            for area, p in self.areas:
                at = _fuzzy_find(tokens, area)
                if at is not None:
                    note(p, at)
        unknown: list[str] = []
        professions: list[str] = []  # a bare profession is unknown only when no known role is named
        found_before = bool(found)
        said_of: set[str] = set()
        by_levels: set[str] = set()
        misleveled: list[tuple[RoleProfile, int]] = []
        for match in _LEVEL.finditer(text):
            level = int(match.group(1))
            before = words(text[: match.start()])
            at = len(before)
            by_level = [p for p in self.profiles if p.level == level]
            if before and before[-1] not in _LEVEL_INTRODUCERS and not by_level:
                continue  # "safeguarding level 3", "NVQ level 3": the level of a course, not of a role
            if len(before) >= 2 and before[-1] == "at" and before[-2] in self.course_words:
                continue  # "which roles specify safeguarding at level 3?": a course's level too
            if found and before and before[-1] not in _LEVEL_NAMING:
                continue  # "is the EW a level 3 post?": a level said of the role named, not another role
            titled = [p for i, p in found.values() if at + 2 <= i <= at + 3]
            if titled:  # "the level 4 engagement worker": the level of the title that follows it
                # "the level 5 engagement worker": the title names the role; the level said is a slip
                misleveled += [(p, level) for p in titled if p.level != level]
                continue
            for p in by_level:
                if p.role not in found and before and before[-1] not in _LEVEL_NAMING:
                    said_of.add(p.role)  # dropped if a title names a role after all ("... worker is level 5")
                by_levels.add(p.role)
                note(p, at)
            ambiguous = ambiguous or (len(by_level) > 1 and not found_before)
            if not by_level and 1 <= level <= 9:
                unknown.append(f"level {level}")
        for match in _LEVEL_SPAN.finditer(text):  # "from level 2 up to level 5", "the level 6 to 9 roles"
            if (ahead := words(text[: match.start()])[-1:]) and ahead[0] in self.course_words:
                continue  # "NVQ level 2 to 3": a course's levels
            if match.group(3) and re.search(r"\b(?:differ|difference|compare|comparison|versus|vs)", text, re.I):
                continue  # "the difference between level 2 and level 8": those two levels
            low, high = sorted(int(n) for n in match.groups() if n)
            at = len(words(text[: match.start()]))
            for p in self.profiles:
                if low <= p.level <= high:
                    by_levels.add(p.role)
                    note(p, at + p.level - low)  # in order of level
            ambiguous = False  # each of those levels' roles is asked about
            unknown = [u for u in unknown if not (u.startswith("level ") and low <= int(u.split()[1]) <= high)]
        for match in _JOB_PHRASE.finditer(lowered):
            if match.group(2).startswith("lead") and re.match(r"\s+to\b", lowered[match.end() :]):
                continue  # "which roles in the family lead to registration?": a verb, not a "family lead"
            nouns = [w.rstrip("s") if w.rstrip("s") in _JOB_NOUN_SET else w for w in words(match.group(2))]
            while len(nouns) > 1 and nouns[-1] not in self.title_heads and nouns[-2] in self.title_heads:
                nouns.pop()  # "does the senior crisis worker mentor new staff?": "mentor" is what the worker does
            phrase = " ".join([*words(match.group(1)), *nouns])
            modifiers = [
                m for m in _adjacent_modifiers(words(match.group(1)), self.generic) if m not in _NOT_QUALIFIERS
            ]
            *leading, head = nouns
            modifiers += leading
            at = len(words(lowered[: match.start()]))
            known = _fuzzy_find_many(words(phrase), self._alias_targets)
            if known:
                continue
            if modifiers and any(
                re.search(r"\b" + r"\s+".join(rf"{re.escape(w[:5])}\w*" for w in [*modifiers[i:], head]), self.content)
                for i in range(len(modifiers))
            ):
                continue  # "(have) managing lone workers" is a competence, not a "lone worker" role
            if modifiers:
                # a typo, or an abbreviation ("strat manager"), of a distinctive word of a known title
                close = [self.distinct[w] for m in modifiers for w in self.distinct if _close(m, w)]
                if close:  # "advanced practitioner": the Advanced Clinical Practitioner, when it is one
                    fits = [p for p in close if words(p.short_name)[-1] == head]
                    if len(fits) == 1:
                        note(fits[0], at)
                    continue
                named = [
                    self.distinct[w]
                    for m in modifiers
                    for w in self.distinct
                    if (_abbreviates(m, w) or (len(m) >= 3 and w.startswith(m) and not self._prefix_shared(m)))
                    and words(self.distinct[w].short_name)[-1] == head
                ]
                if named:
                    note(named[0], at)
                    continue
                unknown.append(" ".join([*modifiers, head]))
            elif head in self.distinct and not found:
                # "a rehabilitation assistant": an assistant of another area is no template's title
                other_area = [
                    w
                    for w in words(match.group(1))[-2:]
                    if w in self.area_words and w not in words(self.distinct[head].area_of_work)
                ]
                if other_area:
                    unknown.append(" ".join([*other_area, head]))
                else:
                    note(self.distinct[head], at)
            elif head in _PROFESSIONS:
                professions.append(head)
            # the words of an area right before the job noun ("the crisis worker"), not across a verb ("which other
            # services does the manager ...")
            elif (
                area_said := set(_adjacent_modifiers(words(match.group(1)), _GENERIC_MODIFIERS)) & self.area_words
            ) and head not in self.distinct:
                in_area = [
                    p
                    for p in self.profiles
                    if words(p.short_name)[-1] == head and area_said <= set(words(f"{p.area_of_work} {p.short_name}"))
                ]
                said = set(words(match.group(1)))
                if len(in_area) > 1 and (titled := [p for p in in_area if said & set(words(p.short_name)) - area_said]):
                    in_area = titled  # "the senior crisis worker": the one whose title has the word said
                if in_area:  # "the crisis worker": the workers of that area, each of them when there are several
                    for p in in_area:
                        note(p, at)
                    ambiguous = ambiguous or len(in_area) > 1
                else:  # "a liaison and diversion practitioner": a job in the area that no template has
                    unknown.append(" ".join([*(w for w in words(match.group(1)) if w not in _NOT_QUALIFIERS), head]))
        if said_of and set(found) - by_levels:  # "senior crisis worker is level 5 isnt it": the level is a claim
            found = {role: pair for role, pair in found.items() if role not in said_of}
        if not found:
            unknown += professions
        if not found and not unknown:
            for i, token in enumerate(tokens):
                if token in self.content_words:
                    continue  # "manage lone workers": words the templates list, not a misspelled role
                for w, p in self.distinct.items():
                    if len(token) >= 5 and _close(token, w):
                        note(p, i)
        everyone_said = _ALL_ROLES.search(text)
        # "the EW and the SCSW are both level 4 - ...": both of those named, not every role
        everyone = everyone_said is not None and not (
            len(found) >= 2 and re.match(r"(?:both|either|each|the\s+two|two)\b", everyone_said.group(0), re.I)
        )
        group = self._group(lowered)
        # "both crisis roles", "the L&D roles": those templates; not when a role outside the group is named too
        # ("the transport assistant and the clinical practitioner templates" is two templates, not a group)
        if group and len(group) < len(self.profiles) and not set(found) - {p.role for p in group}:
            found = {p.role: (i, p) for i, p in enumerate(group)}
            everyone = False
        if found:
            unknown = [u for u in unknown if not u.startswith("level ")]
        elif not everyone and not unknown:
            # "a support worker" where two templates are support workers: each of them, never one silently
            for i, p in enumerate(self._fitting(lowered)):
                note(p, i)
            ambiguous = bool(found)
        # "for the service manager, not the strategic manager": a role named only to rule it out
        excluded = {role for role, (at, _) in found.items() if _ruled_out(tokens[:at])}
        if excluded:
            found = {role: pair for role, pair in found.items() if role not in excluded}
        ordered = sorted(found.values(), key=lambda pair: pair[0])
        return RoleMatch(
            profiles=tuple(p for _, p in ordered),
            unknown=tuple(dict.fromkeys(unknown)),
            everyone=everyone,
            ambiguous=ambiguous,
            misleveled=tuple(misleveled),
        )


def _ruled_out(before: list[str]) -> bool:
    """Whether the words before a role mention rule it out: 'not the', 'rather than', 'instead of an'."""
    tail = [w for w in before[-3:] if w not in ("the", "a", "an")]
    return bool(tail) and (tail[-1] == "not" or tail[-2:] in (["rather", "than"], ["instead", "of"], ["other", "than"]))


def _adjacent_modifiers(before: list[str], generic: frozenset[str] | set[str]) -> list[str]:
    """The words right before a job noun that name a kind of job ('peer support' worker)."""
    out: list[str] = []
    for word in reversed(before):
        if word in generic:
            break
        out.insert(0, word)
    return out


def _abbreviates(short: str, word: str) -> bool:
    return len(short) >= 5 and len(word) > len(short) and word.startswith(short)


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 5:
        return False
    return _similar(a, b, 0.85)


def _similar(a: str, b: str, threshold: float) -> bool:
    """difflib's ratio(a, b) >= threshold. rapidfuzz's Indel ratio (2 * longest common subsequence /
    total length) is never below difflib's (whose matching blocks are a common subsequence), so it
    rules most pairs out in C first; difflib decides the rest, as before."""
    if fuzz.ratio(a, b) < threshold * 100 - 1e-6:
        return False
    return SequenceMatcher(None, a, b).ratio() >= threshold


class _Targets:
    """Distinct role aliases grouped by their number of words, for `_fuzzy_find_many`."""

    def __init__(self, aliases: Iterable[str]) -> None:
        self.by_size: dict[int, list[str]] = {}
        for alias in dict.fromkeys(aliases):
            self.by_size.setdefault(len(alias.split()), []).append(alias)


def _fuzzy_find_many(tokens: list[str], targets: _Targets) -> dict[str, int]:
    """`_fuzzy_find(tokens, alias.split())` for every alias at once, with the same results (alias ->
    index, for those found): each window of the question is compared with all aliases of its size in
    one rapidfuzz call, which keeps only those difflib could find close enough (see `_similar`).
    With 200 templates (about 300 aliases) this is what made a question cost 0.2 s."""
    found: dict[str, int] = {}
    for n, aliases in targets.by_size.items():
        fuzzy = [a for a in aliases if len(a) >= 8]
        first: dict[int, dict[str, int]] = {}  # window size -> alias -> first index
        for size in {n, n - 1} - {0}:
            threshold = 0.88 if size == n else 0.93
            at = first.setdefault(size, {})
            exact = set(aliases)
            for i in range(0, len(tokens) - size + 1):
                window = " ".join(tokens[i : i + size])
                if window in exact and window not in at:
                    at[window] = i
                for alias, _, _ in process.extract(
                    window, fuzzy, scorer=fuzz.ratio, score_cutoff=threshold * 100 - 1e-6, limit=None
                ):
                    if (
                        alias not in at
                        and window[:1] == alias[:1]
                        and SequenceMatcher(None, window, alias).ratio() >= threshold
                    ):
                        at[alias] = i
        for alias in aliases:  # the first size (in _fuzzy_find's order) where it was found
            for size in {n, n - 1} - {0}:
                if alias in first.get(size, {}):
                    found[alias] = first[size][alias]
                    break
    return found


def _fuzzy_find(tokens: list[str], alias: list[str]) -> int | None:
    """Index where `alias` appears in `tokens`, allowing small typos (also a missing space)."""
    n = len(alias)
    target = " ".join(alias)
    for size in {n, n - 1} - {0}:
        for i in range(0, len(tokens) - size + 1):
            window = " ".join(tokens[i : i + size])
            if window == target:
                return i
            # a typo keeps a title's first letter: "for crisis support workers" is not "senior crisis support worker"
            if len(target) >= 8 and window[:1] == target[:1] and _similar(window, target, 0.88 if size == n else 0.93):
                return i
    return None


# -- topics -------------------------------------------------------------------------------------

_REWRITES = (
    (r"\bwhats\b", "what is"),
    (r"\bteh\b", "the"),
    (r"\bstat(?:utory)?\s*(?:and|&|/|n)?\s*(?:mand(?:atory)?|man)\b", "statutory and mandatory"),  # "stat man"
    (r"\bmand(?:atory)?\s+training\b", "mandatory training"),
    (r"\bquals?\b", "qualifications"),
    (r"\blvl\b", "level"),
    (r"\b(?:trng|trg)\b", "training"),
    (r"\bmtgs?\b", "meetings"),
    (r"\s*\by/n\b\??", "? yes or no"),
    (r"\blrn(?:in)?g?\b", "learning"),
    (r"\bcompetenc(?:ies|y)\b", "competences"),
    (r"\bcompetance?s?\b", "competences"),
    (r"\bcomps?\b", "competences"),
    (r"\bmgrs?\b", "manager"),
    (r"\brole spec\b", "role specific"),
    (r"\b(?:traning|trainning|trainig|trainng|traing|trianing)\b", "training"),
    (r"\bexperiance|experince\b", "experience"),
    (r"\bsafegaurding|safeguading\b", "safeguarding"),
    (r"\bR\s*&\s*D\b", "research and development"),
    (r"\bH\s*&\s*S\b", "health and safety"),
    (r"\bE\s*&\s*D\b", "equality and diversity"),
    # NHS services by their everyday short names, in the words a template's area of work uses
    (r"\bA\s*&\s*E\b", "emergency"),
    (r"\bGUM\b", "sexual health"),
    (r"\bIC[SB]\b", "integrated care"),
    (r"\bUTC\b", "urgent care"),
    (r"\bCPR\b", "basic life support"),
    (r"(?<=\w) re:? (?=\w)", " about "),  # "wat does sm do re incidents"
    (r"(?<=[a-z]{3}) n (?=[a-z]{3})", " and "),  # "health n safety", "violence n aggression"
    (r"\brefs\b", "references"),
    # "do they go out on their own?", "visit people's homes by themselves": working alone, as the templates say
    # (not "she went to the clinic on her own")
    (
        r"\b((?:work(?:s|ing)?|go(?:es|ing)? out|out|visit(?:s|ing)?|being|be|left|travel(?:s|ling)?|driv(?:e|es|ing))"
        r"(?:\s+[\w']+){0,2}?)\s+(?:(?:on|by) (?:their|his|her|my|your|our|its) own|by (?:them|him|her|my|your|our)"
        r"sel(?:f|ves))\b",
        r"\1 alone",
    ),
    (r"\bexp\b\.?", "experience"),
    (r"\breqs?\b\.?", "required"),
    # staff shorthand for job titles: "transport asst", "service mgr"
    (r"\basst\b\.?", "assistant"),
    (r"\bmgr\b\.?", "manager"),
    # "what about the team leader - same again": the last question asked again, not a comparison
    # (not "same again for lone working": the last question with another subject)
    (r"[\s,–-]*\bsame again\b(?=\s*(?:please|pls)?\s*[?.!]*\s*$|\s+for\s+(?:the\s+)?other\b)", " again"),
    # "is any formal endorsed learning named for the TA?": "named" as a verb, not the Named Role
    (r"\bnamed (?=(?:for|in|under|anywhere|by)\b)", "listed "),
)

TOPIC_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "help",
        r"^\s*(?:hi|hello|hey|hiya|good (?:morning|afternoon)|help|thanks?|thank you|cheers)\b[\s!.?]*$"
        r"|what can you (?:do|help|answer)|who are you|how do(?:es)? (?:you|this bot) work",
    ),
    (
        "roles",
        r"(?:which|what) (?:role )?(?:roles|jobs|templates|profiles)\b"
        r"|list (?:the |all (?:the )?|all of the )?(?:role )?(?:roles|templates|profiles)"
        r"|how many (?:role )?(?:profile )?(?:templates|roles|profiles)\b"
        r"|how many of (?:the |these |those |your )?(?:(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) )?"
        r"(?:(?:loaded|role|shipped|available) ){0,2}(?:roles|templates|profiles|jobs)\b"
        r"|\b(?:roles|templates|profiles) in (?:the )?order of\b"
        r"|roles? (?:do you|can you) (?:cover|know|have)|(?:which|what) roles? (?:are|is) (?:there|covered|available)"
        r"|do you (?:have|know|cover) (?:a |any )?(?:template|profile)s?\b",
    ),
    (
        "onboarding",
        r"\bi'?m (?:a |the )?new\b|\bi am (?:a |the )?new\b|\bnew (?:starter|joiner|in post|to the (?:role|team))\b"
        r"|\bnew job\b|\bread first\b|\bstart with\b|\bwhat (?:should|do) i (?:do|prepare|read) first\b|\bprepare\b"
        r"|\b(?:starting|start|begin|beginning|joining|join|started|joined)\b.{0,40}\bas (?:an? |the )?\w"
        r"|where (?:do|should) i (?:begin|start)|\bonboard|\binduction\b|first (?:day|week|month)s?\b"
        r"|\bchecklist\b|getting started"
        # the manager's side: "my new EW starts next month, what should I go through with them?"
        r"|\bmy new\b.{0,40}\b(?:starts?|starting|joins?|joining|begins?|beginning)\b"
        r"|\bstarts? (?:next|on|in|this)\b"
        r"|\bnew(?: [\w'/&-]+){1,5} (?:starts?|starting|joins?|joining|begins?)\b"
        r"|\binduct|\bgo through with (?:them|him|her)\b|\bsign(?:ing)? (?:them |him |her )?off\b"
        r"|\bjust (?:got|been given|been offered|accepted) (?:the |a |an |my )?.{0,60}\b(?:job|role|post|position)\b",
    ),
    (
        "progression",
        r"\bprogress(?:ion)?\b|\bstep up\b|\bpromot(?:ion|ed)\b|\bcareer (?:path|ladder|step)"
        # "go to court" is no career move: what is moved to is a role, a level or a post
        rf"|\b(?:move|moving|go|going|get|getting) (?:up )?(?:from .+ )?(?:to|into) (?:a |an |the )?(?!.*\bcompar)"
        rf"(?:[\w&'-]+ ){{0,3}}(?:{_JOB_NOUNS}|role|job|post|level|band|position)s?\b"
        r"|\bbecome (?:a|an)\b|\bnext step",
    ),
    (
        "compare",
        r"\bcompar|\bdifferen|\bdiffer\b|\bvs\.?\b|\bversus\b|\bside by side\b|\bin common\b|\bshare[ds]?\b"
        r"|\bboth\b.*\b(?:need|have|require)|\bsame\b|\bidentical\b|\balike\b"
        r"|\bthat (?:the |an? )?[\w ]{1,40}? (?:does ?n[o'’]?t|does not|do ?n[o'’]?t|has ?n[o'’]?t)\b"
        r"|\bthat (?:are|is) ?(?:n[o'’]t|not) (?:in|on|listed (?:in|for)) (?:the |an? )?[\w ]{1,40}?'?s?\b"
        r"|\b(?:those|these)\b.*\b(?:also|too|as well)\b|\b(?:also|too|as well)\b.*\b(?:those|these)\b"
        r"|\bmore senior\b|\bmost senior\b|\bhigher level\b",
    ),
    (
        "experience",
        r"\bbefore (?:starting|i start|they start|you start|joining)\b|\bprerequisite|\bentry requirements?\b"
        r"|\brequirements for (?:the |this |that |an? )?(?:role|job|post)\b"
        r"|\bexperience\b|\bqualifi|\bdbs\b|\bvetting\b|\bcriminal record|\bbackground check|\bcriteria\b"
        r"|\brequirements? (?:to|for) (?:apply|the (?:job|post|role))|\bperson spec|\bhir(?:e|ing)\b"
        # "recruiting an EW" asks what the post requires; "budgets and recruiting staff" is a duty of the role
        r"|\brecruit(?!\w*\s+(?:and\s+\w+\s+)?(?:staff|colleagues|people|workers|the team|their team|new staff"
        r"|a team)\b)"
        r"|\beligib|\bapply for\b|\bessential\b|\bnvq\b|\bdiploma\b|\bdegree\b|\bshortlist|\binterview"
        r"|\bdisclosure\b|\bclearance\b|\bbackground\b|\bdoctorate\b|\bmasters?\b|\bmaster's\b|\bphd\b",
    ),
    (
        "training",
        r"\btrain|\bcourses?\b|\blearning\b|\blearn\b|\bstudy\b|\bcpd\b|\bprofessional development"
        r"|\bstatutory\b|\bmandatory\b|\bcompulsory\b|\bappraisal\b|\bupskill|\be-?learning\b|\bmodules?\b"
        r"|\bworkshops?\b|\baccredit|\bendorsed\b|\bawarding body\b|\bcredits?\b|\bapel\b|\bfund(?:ing|ed)?\b"
        r"|\bpay for\b|\bhow often\b|\bfrequency\b|\bregist(?:ration|ered|er)\b|\bprofessional body\b|\bmembership\b"
        r"|\bprevent\b|\bwrap\b"
        r"|\b(?:learning|development|progress)\b.{0,20}\b(?:assessed|reviewed|checked|appraised|monitored)\b"
        r"|\bkeep (?:my |their |up )?(?:skills|knowledge|competence)|\bmaintain (?:my |their )?competence",
    ),
    (
        "level",
        r"\bautonomy\b|\bexpected of (?:someone|somebody|people|staff|me|a|an)\b|\bdecision[- ]making\b"
        r"|\bwhat level\b|\bwhich level\b|\blevel (?:is|are) (?:it|they|the|this|that|an?)\b"
        r"|\bhow senior\b|\bseniority\b|\blevel descriptor|\bdescriptor\b|\bwhat does level \d+ mean"
        r"|\bwhat is (?:a |the )?level \d+\b|\bwhat level\b|\bcareer framework level\b(?! \d)|\blevel of autonomy"
        r"|\bdefinition of the level\b|'s (?:career framework )?level\b(?! \d)"
        r"|\b(?:their|its|the role's) level\b(?! \d)|\bhow much responsibility\b"
        r"|\blevel \d+ (?:definition|descriptor)\b|\bexpected to know\b|^[\w\s'&]{0,40}\blevel\W*$"
        r"|\bwhat (?:mean|means)\b.{0,20}\blevel\b|\bmeaning of (?:career framework )?level\b"
        r"|\bwhat (?:does|do) (?:career framework )?level \d+\b.{0,25}\bmean\b"
        r"|\bwhat (?:does|do) (?:that|this|the|their|its|his|her) level (?:\w+ )?mean\b"
        # a level said of a role: "is the EW a level 3 post?", "the SM is level 7, isn't it?"
        r"|\bis\s+(?:at\s+)?(?:an?\s+)?(?:career framework\s+)?level\s+\d+"
        r"(?!\s*(?:nvq|diploma|qualification|safeguarding|training|certificate|award|course|credits?)\b)"
        r"|\ban?\s+(?:career framework\s+)?level\s+\d+\s+(?:post|role|job|position)\b"
        r"|^\W*(?:is|are|isn'?t)\b[^?]{0,60}\blevel\s+\d+\W*$",
    ),
    (
        "competences",
        r"\bcompetences?\b|\bnos\b|\bnational occupational standards?\b|\bstandards?\b|\bskills\b"
        r"|\bcore\b|\brole[- ]specific\b|\blocality[- ]specific\b|\blocality (?:ones|comps|bits)\b"
        r"|\bunderpinning principle|\breference function"
        r"|\bprinciples?\b",
    ),
    (
        "scope",
        r"\bwhat (?:the|this|that) (?:role|job|post) is\b.{0,30}\babout\b|\bin a nutshell\b|\bthere to do\b"
        r"|\b(?:my|the|their|his|her) (?:role|job|post) is (?:all )?about\b"
        r"|\bwhat (?:is|are) .{0,30}\bfor\?|\btarget (?:group|population)|\bclient group|\bservice users?\b"
        r"|\bwho (?:do|does|will|would) .{0,40}"
        r"\b(?:support|help|see)\b|\bwho (?:is|are) .{0,30}\bfor\b|"
        r"\bwhat (?:does|do|would|will) (?:an? |the )?.{0,60}\b(?:do|doing)\b|\bduties\b|\bresponsibilit"
        r"|\bwhat (?:an?|the|our|my|their) [\w'& -]{2,60}? (?:does|do)\b(?! not)"  # "... what an EW DOES all day"
        r"|\ball day\b"
        r"|\bscope\b|\bday[- ]to[- ]day\b|\bjob description\b|\brole involve|\binvolve\b|\bpurpose\b"
        r"|\bwhere (?:does|do|will|would|is|are) (?:an? |the |my |our )?[\w ]{0,40}?\b(?:work|based|working)\b"
        r"|\bwho (?:does|do|will|would) (?:an? |the |my |our )?[\w ]{0,40}?\b(?:work (?:with|alongside)|report to)\b"
        r"|\bwhat (?:is|are) [^?]{0,60}\bresponsible for\b"
        r"|\b(?:role|job|post) (?:actually |really )?(?:involves|entails|covers)\b"
        r"|\btell me about\b|\bdescribe\b|\bmain tasks\b|\bexpected to\b|\bwhat is (?:an? |the )?.{0,40}"
        r"\b(?:role|job)\b|\bwhat'?s (?:an? |the )?.{0,40}\b(?:role|job)\b|\bwho (?:do|does|will) .{0,40}work with"
        r"|\bchallenge|\bsummar|\boverview\b|\bwhat kind of work\b|\bjob\b.*\babout\b",
    ),
    (
        "framework",
        r"\btransferable roles?\b|\bcareer framework\b|\bhealth functional map\b|\bksf\b"
        r"|\bknowledge and skills framework\b|\bagenda for change\b|\bband\s*\d*\b|\bwho (?:wrote|writes|"
        r"developed|published|made|produced|created|owns)\b|\bskills for health\b|\breferenc(?:es?|ed)\b"
        r"|\bsources?\b|\bwhen (?:was|were)\b|\bdate\b|\bversion\b|\bstatus\b|\bup to date\b|\btemplates?\b"
        r"|\bpublish|\bexpert reference\b|\bwhat (?:is|are) (?:a |the )?(?:nos|national occupational)",
    ),
)
_COMPILED = tuple((topic, re.compile(pattern, re.IGNORECASE)) for topic, pattern in TOPIC_PATTERNS)

TRAINING_FIELDS = (
    (
        "frequency",
        r"\bhow often\b|\bhow long\b|\bcycle\b|\bfrequen|\bevery (?:year|two years)|\bonce a year|\bannual(?:ly)?\b"
        r"|\bhow regularly",
    ),
    ("funding", r"\bfund|\bpay for\b|\bwho pays\b|\bcost|\bpaid for\b|\bbudget for\b"),
    (
        "impact_method",
        r"\bimpact\b|\bcaptur|\bevidence\b|\brecord (?:my|their|the) learning|\bmeasur|\bevaluat"
        r"|\bassess(?:ed|es)?\b.{0,20}\blearning",
    ),
    (
        "statutory_mandatory",
        r"\bstatutory\b|\bmandatory\b|\bcompulsory\b|\bmust[- ]do\b|\brequired training\b",
    ),
    (
        "formal_endorsed",
        r"\bformal\b|\baccredit|\bendorsed\b|\bawarding body\b|\bcredits?\b|\bapel\b"
        r"|\bregist(?:ration|ered|er)\b|\bprofessional body\b|\bmembership\b"
        r"|\bqualification (?:to gain|i can get|at the end)",
    ),
    (
        "cpd",
        r"\bcpd\b|\bcontinuing professional|\bprofessional development\b|\bappraisal\b|\bkeep .{0,20} up to date"
        r"|\b(?:learning|development|progress)\b.{0,20}\b(?:assessed|reviewed|checked|appraised|monitored)\b"
        r"|\bmaintain (?:my |their )?competence|\bkeep (?:my |their |up )?(?:skills|knowledge|competence)",
    ),
    ("informal", r"\binformal\b|\bcourses?\b|\bworkshops?\b|\be-?learning\b|\bmodules?\b|\bshort courses?\b"),
)
_TRAINING_FIELDS = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in TRAINING_FIELDS)


# Politeness and request wrappers around the question itself; "can you tell me whether X" asks "X?".
_FILLER = (
    r"^\s*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))(?: there)?\b[\s,!.]*",
    r"\b(?:thanks|thank you)(?: so much| very much)?(?: for your help(?: earlier)?)?[\s!.,]*(?:$|(?=\w))",
    r"\b(?:sorry|apologies)(?: to bother you| if this is a silly question| for the long question)?[\s,]*(?:but\b)?",
    r"\b(?:i )?hope you(?:'re| are) (?:having a good day|well|keeping well|doing well)[\s,!.]*",
    r"\bmany thanks[\s!.]*|\bcheers[\s!.]*$",
    r"\bone more thing(?: if that'?s ok)?[\s,!.]*|\bquick one[\s,!.]*|\bif it'?s not too much trouble[\s,]*",
    r"\bi was (?:just |kind of )?wondering(?: if| whether)?\b|\bi'?d (?:really )?appreciate it if\b"
    r"|\b(?:and )?(?:i )?wondered (?=if\b|whether\b)",
    r"\b(?:can|could|would) you (?:please |possibly |just |kindly )?(?:tell|let) me (?:know )?(?:whether|if)\b",
    r"\b(?:can|could|would) you (?:please |possibly |just |kindly )?(?:tell|let) me (?:know )?",
    r"\bso basically\b|\b(?:kind of|like)\b(?= what)|\bin a nutshell\b",
    # "has to do information governance like everyone else, yeah?": the asker's comparison, not the subject
    r",?\s*\b(?:like|same as|as with|just like) (?:everyone|everybody|all the others|the others|the rest|all the rest"
    r"|every other role|all the other roles)(?: else)?\b",
    # where to look is not what is asked: "can the ACP prescribe according to the template?"
    r"\b(?:according to|as per|going by|based on) (?:the|their|his|her|its|this|that|my|our)"
    r" (?:role )?(?:template|profile)s?\b",
)
# "do the templates say anything about X": about X in every template (not about the templates themselves)
_TEMPLATES_SAY = re.compile(
    r"\b(?:(?P<aux>do|does|did) )?(?:the|both|these|either) templates? (?:actually |even )?"
    r"(?:say|says|mention|mentions|list|lists|include|includes|cover|covers)(?: anything| something)?(?: about| on)?\b",
    re.IGNORECASE,
)


# "does the EW template actually say anything about X?": the role's template, asked about X
_ROLE_TEMPLATE_SAYS = re.compile(
    r"\b(templates?|profiles?) (?:actually |even |really )?(?:say|says|mention|mentions|list|lists|include|includes)"
    r"(?: anything| something)?(?: about| on)?\b",
    re.IGNORECASE,
)


def without_filler(question: str) -> str:
    """The question without greetings, thanks and 'can you tell me whether' around it."""
    text = question
    for pattern in _FILLER:
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    text = " ".join(text.split()).strip(" ,")
    return text if len(words(text)) >= 2 else question


def rewrite(question: str, shorthand: Sequence[tuple[str, str]] = ()) -> str:
    """Staff shorthand in template words ('stat and mand' -> 'statutory and mandatory'); `shorthand`
    adds the loaded templates' own (see `area_shorthand`)."""
    for pattern, repl in (*_REWRITES, *shorthand):
        question = re.sub(pattern, repl, question, flags=re.IGNORECASE)
    return question


def area_shorthand(profiles: Sequence[RoleProfile]) -> list[tuple[str, str]]:
    """Initials of the templates' areas of work, as staff write them: "L&D" for "Liaison and Diversion"."""
    out: dict[str, str] = {}
    for p in profiles:
        core = [w for w in re.findall(r"[A-Za-z]+", p.area_of_work) if w.lower() not in ("and", "of", "the")]
        if words(p.area_of_work)[-1:] == ["service"] and len(core) > 2:
            # "Patient Transport Service": staff say "PTS" as well
            out.setdefault(rf"\b{''.join(w[0] for w in core)}\b", " ".join(w.lower() for w in core))
            core = core[:-1]  # "Liaison and Diversion Service": staff say "L&D"
        if len(core) == 2:  # "L&D", "L and D"
            pattern = rf"\b{core[0][0]}\s*(?:&|and)\s*{core[1][0]}\b"
            out.setdefault(pattern, f"{core[0].lower()} and {core[1].lower()}")
        elif len(core) >= 3:  # "MHTR"
            out.setdefault(rf"\b{''.join(w[0] for w in core)}\b", " ".join(w.lower() for w in core))
    return list(out.items())


@dataclass(frozen=True)
class Question:
    text: str
    topic: str
    subtopics: tuple[str, ...] = ()
    roles: RoleMatch = field(default_factory=RoleMatch)
    count: bool = False
    broad: bool = False  # names no part of the template ("is there anything on lone working?"): look in all


def topics_of(text: str) -> list[str]:
    return [topic for topic, pattern in _COMPILED if pattern.search(text)]


# "do I need a degree to ...?", "is a qualification required to ...?": whether something is asked for
_YES_NO_NEED = re.compile(
    r"^\W*(?:do|does|would|will|must|is|are)\b[^?]{0,40}\b(?:need|needs|needed|require[sd]?|have to|must)\b", re.I
)


def training_fields(text: str) -> tuple[str, ...]:
    found = tuple(name for name, pattern in _TRAINING_FIELDS if pattern.search(text))
    if "informal" in found and len(found) > 1 and not re.search(r"\binformal\b", text, re.IGNORECASE):
        # "statutory and mandatory courses": the courses of the field named, not informal learning too
        found = tuple(name for name in found if name != "informal")
    return found


def understand(question: str, finder: RoleFinder, context_roles: Sequence[RoleProfile] = ()) -> Question:
    """What `question` asks; `context_roles`: roles the message names outside its question ("we're
    recruiting an EW. What does the template ask for?"), taken when the question names none."""
    text = rewrite(without_filler(question), finder.shorthand)
    if _TEMPLATES_SAY.search(text):  # "do the templates say anything about X?": X, in every template

        def plain(m: re.Match[str]) -> str:  # "does the template say X?" asks yes/no; "what does ..." does not
            if re.search(r"\b(?:which|how many|what|none|all|any|each) of\s*$", text[: m.start()], re.I):
                return m.group(0)  # "which of the templates mention X?": which templates, not "which of about X"
            asks = (
                (
                    m.group("aux")
                    # "what experience does the template say ...": a question word earlier in the clause
                    and not re.search(
                        r"\b(?:what|whats|what's|which|how|where|when|why|who)\b[^.?!]*$", text[: m.start()], re.I
                    )
                )
                or re.search(r"\b(?:whether|if)\W*$", text[: m.start()], re.I)
            )
            return " is there anything about " if asks else " about "

        # "does the template list ...?" (one template) is the conversation's; "do the templates ...?" is every one
        said = _TEMPLATES_SAY.search(text)
        plural = said is not None and re.search(
            r"\btemplates\b|\b(?:both|these|either) template\b", said.group(0), re.I
        )
        stripped = _TEMPLATES_SAY.sub(plain, text)
        roles = finder.find(stripped)
        if not roles.profiles:
            everyone = not context_roles and bool(plural)
            roles = RoleMatch(profiles=tuple(context_roles), unknown=roles.unknown, everyone=everyone)
        text = " ".join(stripped.split())
    else:
        text = _ROLE_TEMPLATE_SAYS.sub(r"\1 about", text)
        roles = finder.find(text)
        if context_roles and not roles.profiles and (not roles.everyone or _BOTH_OF_THOSE.search(text)):
            # "The EW and the SCSW are both level 4 - is it worded the same in both?": the two named before
            roles = RoleMatch(profiles=tuple(context_roles), unknown=roles.unknown)
    topics = topics_of(text)
    topic = _choose(topics, text, roles)
    if topic == "free" and re.search(r"\bwho (?:pays|funds)\b", text, re.IGNORECASE):
        topic = "training"  # "... credits, level, and who pays?": the funding row of the CPD part
    subtopics = training_fields(text) if topic in ("training",) else ()
    count = bool(re.search(r"\bhow many\b|\bnumber of\b|\bcount\b", text, re.IGNORECASE))
    return Question(text, topic, subtopics, roles, count)


_DEFINITION = re.compile(
    r"\b(?:what|explain|define|meaning|mean)\b.{0,30}\b(?:transferable roles?|career framework|national occupational"
    r" standards?|nos|locality[- ]specific|core competences?|role[- ]specific competences?|health functional map|ksf"
    r"|knowledge and skills framework|underpinning principles?|reference functions?|level descriptors?"
    r"|agenda for change|bands?|the template)\b",
    re.IGNORECASE,
)


_ACROSS = re.compile(r"\b(?:two|both|all|each|the) (?:templates|roles|profiles)\b|\bbetween (?:the )?templates\b")


def _choose(topics: list[str], text: str, roles: RoleMatch) -> str:
    if not topics:
        return "free"
    lowered = text.lower()
    # "which roles are there?" lists the roles; "which roles need PREVENT training?" is about training
    if "roles" in topics and not {"training", "experience", "competences", "level", "scope"} & set(topics):
        return "roles"
    across = "compare" in topics and bool(_ACROSS.search(lowered))  # "different between the two templates"
    if (
        not roles.profiles
        and not roles.everyone
        and not across
        and (_DEFINITION.search(text) or re.search(r"\btemplates?\b", lowered))
        and not re.search(r"\b(?:i|my|me)\b", lowered)
        # "what does that one have in its locality specific section?": the role the conversation is on
        and not re.search(r"\b(?:its|their|his|her|that one|this one)\b", lowered)
    ):
        return "framework"
    present = set(topics)
    if "help" in present and len(words(text)) <= 6:
        return "help"
    if "onboarding" in present and not ({"progression", "compare"} & present and len(roles.profiles) > 1):
        return "onboarding"
    if "progression" in present and (
        len(roles.profiles) > 1
        or "from" in lowered
        # "do I need a degree to become a strategic manager?": what that role asks for, not a move between two
        or (len(roles.profiles) == 1 and not ({"experience", "training"} & present and _YES_NO_NEED.search(text)))
    ):
        return "progression"
    if "compare" in present and (len(roles.profiles) > 1 or roles.everyone or across):
        return "compare"
    # "qualifications" usually means the experience required, unless it is about formal learning.
    if (
        "competences" in present
        and "training" in present
        and re.search(r"\bcompetences\b", lowered)  # "keep my competence" is about learning
        and not re.search(
            r"\btrain|\bcourses?\b|\blearning\b|\bcpd\b|\bstatutory|\bmandatory|\bformal|\baccredit", lowered
        )
    ):
        present.discard("training")  # "appraisal prep: list the role specific competences": competences asked
    if "experience" in present and "training" in present:
        if re.search(r"\btrain|\bcourses?\b|\blearning\b|\bcpd\b|\bstatutory|\bmandatory|\bformal|\baccredit", lowered):
            return "training"
        return "experience"
    for topic in ("experience", "training", "level"):
        if topic in present:
            return topic
    if (
        "competences" in present
        and "framework" in present
        and re.search(
            r"\bwhat (?:is|are|does) (?:a |an |the )?(?:nos|national occupational standards?|locality|core|"
            r"transferable|career framework|underpinning|reference function)",
            lowered,
        )
        and not roles.profiles
    ):
        return "framework"
    for topic in ("competences", "scope", "framework", "compare", "progression", "help", "onboarding"):
        if topic == "progression" and not re.search(r"\b(?:roles?|jobs?|posts?|levels?|careers?)\b", lowered):
            continue  # "what's the weather going to be like?" is not about moving up
        if topic in present:
            return topic
    return "free"
