"""Yes/no answers: "Yes." or "No." first, then the entries that support it, each cited; where it is
not in the asked template, the templates that do list it."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from knowledge.records import CompetenceSection, Field, RoleProfile

from . import compose, direct, retrieving, themes
from .answer import Answer, Suggestion
from .competences import SECTION_TITLES, names_theme, theme_terms
from .compose import KIND_TITLES, qualifier
from .understanding import Question, words
from .wording import THEME_STOP, root

if TYPE_CHECKING:
    from .context import Context

SHORT_LIST = 8  # a yes/no on a list this short shows the whole list


_RECRUITING = {"recruiting", "recruit", "recruitment", "hiring", "advert", "post", "vacancy", "applicants"}


_EXPERIENCE_WORDS = frozenset(
    """dbs vetting vetted clearance clearence cleared check checks background criminal record before prior
    starting start joining first""".split()
)


CHAT_NOISE = frozenset(
    "lol haha pls plz thx thanks cheers tbh btw imo yeah yep nope okay hiya gonna wanna gotta kinda sorta ppl hav per"
    " u ur r abt tho".split()
)


ASKING_WORDS = frozenset(
    """her his him she he hers them they asked ask asking supposed made make sent told allowed able ref refs
    reference sit sits included part particular certain without appoint appointed appointing""".split()
)


def check(
    engine: Context,
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
    # "is the SM's statutory and mandatory row actually blank?": whether the field is blank is what is asked
    asks_blank = bool(BLANK.search(q.text))
    if asks_blank:
        theme = [t for t in theme if engine.grounded(t) and not BLANK.search(t)]

    seen: dict[str, tuple[list[direct.Evidence], list[Field]]] = {}

    def evidence(p: RoleProfile) -> tuple[list[direct.Evidence], list[Field]]:
        """What `p`'s template has on it, found once per template and answer."""
        if p.role not in seen:
            seen[p.role] = find(p)
        return seen[p.role]

    def find(p: RoleProfile) -> tuple[list[direct.Evidence], list[Field]]:
        if q.topic == "training":
            return direct.training_evidence(p, theme, q.subtopics)
        if q.topic == "experience":  # "recruiting for the SM: is DBS needed?": recruiting is the context
            return direct.experience_evidence(p, focus, [t for t in theme if t not in _RECRUITING]), []
        found = direct.competence_evidence(p, sections, principle, theme)
        if q.broad and theme:  # "is there anything on lone working?": the training entries too
            found += [e for e in direct.training_evidence(p, theme_terms(theme), ())[0] if names_theme(e.text, theme)]
        return found, []

    # Say what was asked in the asker's words ("immediate life support"), not only the words matched.
    asked = [
        w
        for w in words(engine.keyword_query(q.text))
        if w not in THEME_STOP
        and w not in engine.name_words
        and len(w) >= 3
        and not w.isdigit()
        and not (q.topic == "experience" and w in _RECRUITING)
        and not (asks_blank and (BLANK.search(w) or not engine.grounded(w)))
    ]
    # Chat noise is not what is asked ("do they hav to do hand hygine?? lol", "supervise ppl per the template")
    asked = [w for w in asked if not (not engine.grounded(w) and ("'" in w or w in CHAT_NOISE))]
    # Who is asked and how ("can she be asked to ...", "is he supposed to ..."), and a role's area shortened
    # ("a community rehab team leader"), are not what is asked about
    asked = [
        w
        for w in asked
        if w not in ASKING_WORDS
        and w.rstrip("s") not in engine.name_words  # "can transport assistants be made to ...": the role
        and not (len(w) >= 4 and any(n.startswith(w) and n != w for n in engine.name_words))
    ]
    # Words no template uses: the subject of a "No", or a misread question (then another reading is tried)
    ungrounded = [w for w in asked if not engine.grounded(w)]
    found = {p.role: evidence(p) for p in profiles}
    unnamed = q.topic == "training" and not theme and bool(asked) and not q.subtopics
    if unnamed:  # "CPR training": none of the question's words is in the templates, so nothing names it
        found = {role: ([], fields) for role, (_, fields) in found.items()}
    having = [p for p in profiles if any(not e.blank for e in found[p.role][0])]
    if q.topic == "competences" and ungrounded and theme:
        having = []  # "a driving licence and access to a car": no entry names what no template says
    elif q.topic == "competences" and theme and having:
        # "can a CSW detain someone under the Mental Health Act if they're at risk?": its entries on risk name
        # neither "detain" nor "act", so they are no yes
        said = {root(w) for p in having for e in found[p.role][0] for w in words(e.text)}
        if len([w for w in asked if w not in theme and root(w) not in said and engine.grounded(w)]) >= 2:
            having = []
    if q.topic == "training" and theme:
        # "Immediate Life Support" is not "Basic Life Support": only an entry naming every word asked
        # (also those no template uses: "mental health first aid") is a yes
        named = [*theme, *(w for w in asked if w not in theme and not any(t.startswith(w[:4]) for t in theme))]
        # "accreditation or credits": either will do
        either = re.search(r"\w \bor\b \w", q.text) is not None
        exact = [p for p in having if either or any(e.names_all(named) for e in found[p.role][0])]
        # "hand hygiene training": the competence that names it answers too
        by_competence = {
            # and the words asked that no template uses: "basic life support" is not any entry naming "support"
            p.role: [e for e in direct.competence_evidence(p, (), None, theme) if e.names_all([*theme, *ungrounded])]
            for p in profiles
        }
        trained_elsewhere = any(
            e.names_all(theme) for o in engine.kb.profiles if o not in profiles for e in evidence(o)[0]
        )
        if not exact and not trained_elsewhere and any(by_competence.values()):
            return as_competence(engine, q, profiles, by_competence, " ".join(theme))
        if not exact and having:
            return related(engine, q, having, found, " ".join(named))
        having = exact
        for p in having:
            found[p.role] = (found[p.role][0] + by_competence[p.role][:2], found[p.role][1])
    shown = [*asked[:4], *(f"level {t}" for t in theme if t.isdigit())]  # "safeguarding level 3"
    if any(" " in t for t in theme):  # an entry named as the template names it ("mental health first aid")
        shown = theme
    what = direct.what_it_is(q.topic, shown if (theme or unnamed) and asked else theme, focus, q.subtopics)
    # Where it is not in the asked templates, the other templates that do list it
    elsewhere = {p.role: evidence(p)[0] for p in engine.kb.profiles if p not in profiles and not having and not unnamed}
    others = [p for p in engine.kb.profiles if any(not e.blank for e in elsewhere.get(p.role, []))]
    more: list[Suggestion] = []

    alternative = (
        q.topic == "experience"
        and bool(_MUST.search(q.text))
        and bool(_QUALIFICATION.search(q.text))
        and any(
            e.text.startswith(KIND_TITLES["qualification"])
            and re.search(r"\bor equivalent\b|\bor (?:a )?willingness to\b", e.text, re.I)
            for p in having
            for e in found[p.role][0]
        )
    )
    blank_in = [p for p in profiles if not any(not e.blank for e in found[p.role][0]) and _left_blank(found[p.role])]

    def write(w: compose.Writer) -> None:
        if asks_blank and blank_in:
            if len(blank_in) == len(profiles):
                w.add("Yes, the template leaves it blank." if len(profiles) == 1 else "Yes: each leaves it blank.")
            else:
                w.add(f"Only the {' and '.join(p.short_name for p in blank_in)} template leaves it blank.")
        elif asks_blank and having:
            w.add("No, it is not blank.")
        elif having and len(having) == len(profiles) and alternative:
            # "must she hold a management qualification?": not if the template accepts equivalent experience
            said = " ".join(e.text for p in having for e in found[p.role][0])
            willing = re.search(r"\bwillingness to\b", said, re.I)
            equivalent = re.search(r"\bor equivalent\b", said, re.I)
            instead = (
                "equivalent experience, or a willingness to work towards it,"
                if willing and equivalent
                else "a willingness to complete it"
                if willing
                else "equivalent experience"
            )
            w.add(f"No, not necessarily: the template accepts {instead} instead.")
        elif having and len(having) == len(profiles):
            # the limit on what was asked, not on everything the field says ("any experience?": a plain yes)
            but = qualifier(
                [
                    e.text
                    for p in having
                    for e in found[p.role][0]
                    if (theme and e.names_all(theme)) or (focus and e.text.startswith(KIND_TITLES.get(focus, "-")))
                ],
                theme,
            )
            w.add(
                f"Yes{but}."
                if len(profiles) == 1
                else f"Yes: {'both' if len(profiles) == 2 else 'all'} templates list it{but}."
            )
        elif having:
            names = " and ".join(p.short_name for p in having)
            # "is it in both templates?": no; "is it in any of them?": yes
            lead = "No: only" if _EVERY.search(q.text) else "Yes: only" if _ANY.search(q.text) else "Only"
            w.add(f"{lead} the {names} template{'s list' if len(having) > 1 else ' lists'} it.")
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
                    everything = engine.show_all(p, q.topic)
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
                    same = p.learning_field(blank[0].key) if blank[0] in p.cpd else None
                    if same is not None and not same.is_blank and len(blank) == 1:
                        # "is the diploma also under formal endorsed learning in the CPD bit?": no; it is listed
                        # under the indicative learning, a field of the same name
                        w.add(
                            f"- Under indicative learning and development it lists: {same.value}"
                            f" {w.cite(p, same.source, f'{same.label}: {same.value}', compose.short_label(same.label))}"
                        )
                else:
                    where = direct.looked_in(w, p, q.topic, fields, sections)
                    elsewhere_in = direct.competence_evidence(p, (), principle, theme) if sections and theme else []
                    if q.topic == "competences" and elsewhere_in:
                        # "is 'Manage budgets' one of the SM's core competences?": no, but it is in another section
                        asked_in = " or ".join(SECTION_TITLES[s].lower() for s in sections)
                        w.add(f"Not among the {asked_in} {where}; the template has:")
                        direct.write_evidence(w, p, elsewhere_in, 3)
                    elif q.topic == "competences":
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
                    elif (
                        q.topic == "training"
                        and q.subtopics
                        and theme
                        and (listed_in := direct.training_evidence(p, theme, ())[0])
                    ):
                        # "is MHFA mandatory for the CSW?": no, but the template lists it under another heading
                        place = direct.what_it_is(q.topic, (), None, q.subtopics)
                        w.add(f"Not in its {place} {where}; the template lists it elsewhere:")
                        for e in listed_in[:3]:
                            under = f" (under {e.group})" if e.group else ""
                            w.add(f"- {e.text}{under} {w.cite(p, e.source, e.quote, e.group)}")
                    elif q.topic == "training":
                        w.add(f"The {p.short_name} template's training sections do not mention {what} {where}")
                        statutory = p.cpd_field("statutory_mandatory")
                        if statutory and 1 < len(statutory.items) <= SHORT_LIST and len(profiles) == 1:
                            # "has to do information governance, yeah?": what its mandatory list does hold
                            label = compose.short_label(statutory.label)
                            w.add(
                                f"- Its {label.lower()}: {'; '.join(i.text for i in statutory.items)}"
                                f" {w.cite(p, statutory.source, f'{statutory.label}: {statutory.value}', label)}"
                            )
                    else:
                        w.add(f"The {p.short_name} template does not ask for {what}. It asks for:")
                        # all it asks for, the kind asked about ("DBS": vetting) first
                        shown = direct.experience_evidence(p, None, [])
                        shown.sort(key=lambda e: not (focus and e.text.startswith(KIND_TITLES.get(focus, "-"))))
                        direct.write_evidence(w, p, shown)
        for p in others[:2]:
            w.add(f"The **{p.short_name}** template does:")
            left = direct.write_evidence(w, p, elsewhere[p.role], 2)
            if left:  # never a silently shortened list
                everything = engine.show_all(p, q.topic)
                w.add(f"- …and {left} more (ask: {everything.question})")
                more.append(everything)

    follow = engine.follow_ups(profiles[0], q.topic)
    cited = profiles + others[:2]
    answer = engine.finish(q, cited, write, suggestions=(*more, *follow))
    subject = [w for w in asked if engine.grounded(w)]
    said_elsewhere = bool(subject) and q.topic != "experience" and any(_not_searched(p, subject) for p in profiles)
    # "are the NOS in their template levelled?": words only the shared introduction uses are answered there
    introduction = bool(subject) and all(retrieving.in_introduction_only(engine.index, w) for w in subject)
    if not having and not blank_in and (((ungrounded or asks_blank) and not others) or said_elsewhere or introduction):
        # a "No" about words no template uses, or about what the template does say in another part ("does the
        # TA need a driving licence?": its experience required): perhaps a misreading; another may do better
        answer = replace(answer, grounded=False)
    return answer


_MUST = re.compile(
    r"\b(?:must|have to|has to|need|needs|required?|requires|absolutely|essential|necessary|already(?: hold)?|mandatory"
    r"|rules? (?:her|him|them)? ?out)\b",
    re.IGNORECASE,
)
_QUALIFICATION = re.compile(
    r"\bqualifi|\bdegree\b|\bnvq\b|\bdiploma\b|\bdoctorate\b|\bmasters?\b|\bmaster's\b|\bmsc\b|\bphd\b", re.I
)


def _not_searched(p: RoleProfile, subject: list[str]) -> bool:
    """Whether `p`'s experience required or description names every word of `subject`: parts a competence
    or training check does not look in ("does the TA need a driving licence?")."""
    return any(names_theme(i.text, subject) for i in p.experience_items) or bool(
        themes.sentences((*p.scope, *p.level_descriptor), subject)
    )


_EVERY = re.compile(r"\b(?:both|all|each|every)\b", re.IGNORECASE)
# "do any of the templates mention dementia?", "do either of them ...?": one is enough for a yes
_ANY = re.compile(
    r"\b(?:any|either) of (?:the|them|those|these)\b|\b(?:do|does) (?:any|either)\b|\bany other\b", re.IGNORECASE
)
BLANK = re.compile(
    r"\b(?:blank|empty|left out|unfilled|nothing (?:in|under|listed|filled)"
    r"|(?:do ?n[o']?t|does ?n[o']?t|do not|does not) (?:have|list|give|name)"
    r" (?:anything|any(?:thing)? (?:listed|filled))"
    r"|(?:have|has|list|lists) nothing)\b",
    re.IGNORECASE,
)


def _left_blank(found: tuple[list[direct.Evidence], list[Field]]) -> bool:
    lines, fields = found
    return any(e.blank for e in lines) or any(f.is_blank for f in fields)


def as_competence(
    engine: Context, q: Question, profiles: list[RoleProfile], found: dict[str, list[direct.Evidence]], what: str
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

    return engine.finish(replace(q, topic="competences"), having, write, engine.follow_ups(having[0], "training"))


def related(
    engine: Context,
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

    return engine.finish(q, profiles, write, suggestions=engine.follow_ups(profiles[0], q.topic))
