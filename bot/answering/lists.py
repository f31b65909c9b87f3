"""Answers that list what a template has on a topic (training, experience, level, scope, competences),
"which role ...?" answers that name the roles first, and fields named by their own label."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from knowledge.records import CompetenceSection, RoleProfile

from . import checking, compose, counting, direct, retrieving, themes
from .answer import Answer
from .competences import THEMES, alternatives, competences, either_of, group_source, names_theme, select
from .compose import KIND_TITLES
from .direct import WHICH_ROLE, operation_of
from .understanding import Question, words
from .wording import sections_named

if TYPE_CHECKING:
    from .context import Context, Vector


def _experience_focus(text: str) -> str | None:
    lowered = text.lower()
    if re.search(r"\bdbs\b|vetting|criminal record|disclosure|clearance|background check", lowered):
        return "vetting"
    if re.search(r"qualif|nvq|diploma|degree|certificate", lowered):
        return "qualification"
    return None


# "SM is lvl 7 yeah?", "so that's a level 7 post then?": a claim put with a tag
_TAGGED = re.compile(
    r"(?:\b(?:right|correct|yeah|yes|true|then|innit)|n'?t (?:it|she|he|they|that))(?:\W*\?|\W*$)", re.IGNORECASE
)
_CLAIMED_LEVEL = re.compile(r"\b(?:career framework )?(?:level|lvl)\s*(\d{1,2})\b", re.IGNORECASE)


def about_roles(engine: Context, q: Question, profiles: list[RoleProfile], vector: Vector) -> Answer:
    theme = engine.theme_of(q)
    if (
        q.topic == "scope"
        and any(t in THEMES for t in theme)
        and re.search(r"^\s*(?:does|do|is|will|would|can)\b", q.text, re.I)
    ):
        q = replace(q, topic="competences")
    focus = _experience_focus(q.text)
    sections = sections_named(q.text)
    principle = engine.principle_of(q.text)
    if principle:  # the principle's own words are not a theme as well ("health, safety and security")
        theme = [t for t in theme if t not in principle.split() and not all(w in principle for w in t.split())]
    if (
        q.topic == "scope"
        and re.match(r"^\W*(?:is|are|does|do|will|would|must|should|has|have)\b", q.text, re.IGNORECASE)
        and (subject := engine.theme_of(q, strict=True))
    ):
        # "is the SM expected to report service performance to commissioners?": what the template says on it
        either = alternatives(q.text, subject)
        saying = [p for p in profiles if themes.count(p, subject, any_word=either)]
        if saying and len(saying) == len(profiles):

            def write_yes(w: compose.Writer) -> None:
                w.add("Yes.")
                for p in saying:
                    themes.about_theme(w, p, subject, either)

            return engine.finish(
                replace(q, topic="competences"), saying, write_yes, engine.follow_ups(saying[0], "scope")
            )
    if (q.topic == "scope" or (q.topic == "experience" and _SUBJECT_FIRST.match(q.text))) and _DOES_WITH.search(q.text):
        # "what does the SM do with contracts and budgets?": what the template says on that, not the whole scope
        chosen = engine.theme_of(q, strict=True)
        either = alternatives(q.text, chosen)
        said = [p for p in profiles if chosen and themes.count(p, chosen, any_word=either)]
        if said:

            def write_theme(w: compose.Writer) -> None:
                for p in said:
                    themes.about_theme(w, p, chosen, either)

            return engine.finish(
                replace(q, topic="competences"), said, write_theme, engine.follow_ups(said[0], "scope")
            )
        if near := retrieving.distinctly_nearest(engine, q, vector.get(), profiles):
            return near  # "what does the SM do when staff get assaulted?": an entry in other words
    check = bool(re.search(r"^\s*(?:does|do|is|are|must|should|will)\b", q.text, re.I))
    operation = operation_of(q.text)
    plain_check = q.topic == "competences" and not theme and not principle
    if operation == "check" and q.topic in ("training", "experience", "competences") and not plain_check:
        if q.topic == "experience" and not focus:
            # "for a job advert, do the templates say anything about the experience?": the words that are not
            # the templates' are context; with a kind asked ("a degree": a qualification) they are what is asked
            theme = engine.theme_of(q, strict=True)
        return checking.check(engine, q, profiles, theme, focus, sections, principle)
    if operation == "count" and q.topic == "competences" and not q.roles.everyone:
        return counting.count(engine, q, profiles, theme, sections, principle)
    if operation == "count" and q.topic == "training" and not theme:
        return counting.count_training(engine, q, profiles)
    fallback: list[RoleProfile] = []
    lead = ""
    asks_which = WHICH_ROLE.search(q.text) and (not q.roles.profiles or q.roles.everyone)
    if (theme or focus) and len(profiles) > 1 and asks_which:
        # "which role needs root cause analysis training?": the roles whose template lists it
        theme, either = either_of(q.text, theme)  # "lone working or working alone": either will do
        listing = [
            p
            for p in profiles
            if (
                q.topic == "training"
                and any(names_theme(e.text, theme, either) for e in direct.training_evidence(p, theme, q.subtopics)[0])
            )
            or (q.topic == "competences" and select(p, sections, principle, theme, either))
            or (q.topic == "experience" and direct.experience_evidence(p, focus, theme))
        ]
        if not listing and theme:
            # "which role works with probation?": not an entry of either, but said in a role's description
            described = [p for p in profiles if themes.count(p, theme) > 0]
            if described:
                return which_by_theme(engine, q, profiles, described, theme)
        if _NEGATED.search(q.text) and (listing or theme):
            return _which_lack(engine, q, profiles, listing, theme, sections)  # "which roles don't have X?"
        if listing:
            lead = _only(q, listing, profiles, "list")
            profiles = listing

    matched, either = either_of(q.text, theme)  # "managing budgets and contracts": budgets or contracts

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
                compose.level(w, p, engine.kb.general, bands=bool(re.search(r"\bband", q.text, re.I)))
            elif q.topic == "scope":
                compose.scope(w, p)
            elif q.topic == "competences" and not competences(
                w, p, sections, principle, matched, q.count, check, either
            ):
                fallback.append(p)

    answer = engine.finish(q, profiles, write, suggestions=engine.follow_ups(profiles[0], q.topic))
    claimed = {int(n) for n in _CLAIMED_LEVEL.findall(q.text)}
    yes_no = re.match(r"^\W*(?:is|are|was|isn'?t|aren'?t)\b", q.text, re.IGNORECASE) or _TAGGED.search(q.text)
    if q.topic == "level" and operation == "check" and yes_no and len(claimed) == 1 and len(profiles) == 1:
        # "the EW is a level 3 post, isn't it?": the claim, answered by the level the template gives
        right = profiles[0].level == claimed.pop()
        answer = replace(answer, text=f"{'Yes' if right else 'No'}.\n{answer.text}")
    if operation == "check" and plain_check:  # "are there any locality specific competences?"
        listed = any(select(p, sections, None, []) for p in profiles)
        answer = replace(answer, text=f"{'Yes' if listed else 'No'}.\n{answer.text}")
    if fallback and len(fallback) == len(profiles):
        missing = (
            f"No competence in the {' and '.join(p.short_name for p in profiles)} template mentions {' '.join(theme)}."
        )
        asked = {p.role for p in profiles}
        others = [p for p in engine.kb.profiles if p.role not in asked and select(p, sections, principle, theme)]
        if others:

            def write_others(w: compose.Writer) -> None:
                # the "No" cites where it looked: the asked templates' competence tables
                looked = " ".join(w.cite(p, group_source(p.competences)) for p in profiles if p.competences)
                w.add(f"{missing} {looked}".rstrip())
                w.add(f"The {' and '.join(p.short_name for p in others)} template lists:")
                for p in others:
                    competences(w, p, sections, principle, theme, q.count, False)

            return engine.finish(q, others, write_others, suggestions=engine.follow_ups(others[0], q.topic))
        if theme and all(retrieving.in_introduction_only(engine.index, t) for t in theme):
            # "what sections are the NOS divided into?": words of the introduction every template shares

            def write_shared(w: compose.Writer) -> None:
                w.add("The introduction every template shares says:")
                compose.framework(w, engine.kb.general, [" ".join(theme)], limit=2)

            shared = engine.finish(q, profiles, write_shared)
            if len(shared.text.split("\n")) > 1:
                return shared
        found = retrieving.retrieve(engine, q, vector, profiles, preface=f"{missing} Elsewhere the template says:")
        found = replace(found, text=f"{missing}\n\n{found.text}") if found.declined else found
        # "mentions extra": a theme of words no template uses is perhaps a misreading; another reading may do better
        return replace(found, grounded=found.grounded and all(engine.grounded(t) for t in theme))
    return answer


def which_blank(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer:
    found = {p.role: direct.training_evidence(p, [], q.subtopics)[1] for p in profiles}
    blank = [p for p in profiles if found[p.role] and all(f.is_blank for f in found[p.role])]

    def write(w: compose.Writer) -> None:
        if not blank:
            w.add(f"None: every one of the {len(profiles)} templates fills it in.")
        else:
            w.add(f"{len(blank)} of the {len(profiles)} templates leave it blank:")
        for p in blank:
            f = found[p.role][0]
            w.add(f"- **{p.role}**: {compose.short_label(f.label)} left blank {w.cite(p, f.source, None, f.label)}")

    return engine.finish(
        q, blank or profiles[:1], write, suggestions=engine.follow_ups((blank or profiles)[0], "training")
    )


_NEGATED = re.compile(r"\b(?:don'?t|do not|doesn'?t|does not|without|lacks?|lacking|missing|not have|not list)\b", re.I)


def _which_lack(
    engine: Context,
    q: Question,
    profiles: list[RoleProfile],
    listing: list[RoleProfile],
    theme: list[str],
    sections: list[CompetenceSection],
) -> Answer:
    """'Which roles don't have hand hygiene in their core competences?': the templates that do not list it,
    each cited where it was looked for."""
    lacking = [p for p in profiles if p not in listing]
    where = f" in their {sections[0].replace('-', ' ')} competences" if sections else ""

    def write(w: compose.Writer) -> None:
        if not lacking:
            w.add(f"None: all {len(profiles)} templates list {' '.join(theme)}{where}.")
            return
        w.add(f"{len(lacking)} of the {len(profiles)} templates do not list {' '.join(theme)}{where}:")
        for p in lacking:
            looked = [c for c in p.competences if not sections or c.section in sections]
            source = looked[0].source if looked else p.title_source
            w.add(f"- **{p.role}** {w.cite(p, source)}")

    shown = lacking or profiles[:1]
    return engine.finish(q, shown, write, suggestions=engine.follow_ups(shown[0], q.topic))


def which_filled(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer | None:
    """'Which roles lead to registration with a professional body?', 'which templates have formal endorsed
    learning filled in?': the templates that fill in the field the question names, each with what it says.
    None when no field's label shares more of the question's words than every other (a learning item named
    in the question is answered before this, from the training matrix)."""
    asked = {w[:5] for w in words(q.text) if len(w) >= 4}
    fields = [(p, f) for p in profiles for f in (*p.learning, *p.cpd)]
    scored = sorted(
        {f.key: len(asked & {w[:5] for w in words(f.label) if len(w) >= 4}) for _, f in fields}.items(),
        key=lambda kv: -kv[1],
    )
    if not scored or scored[0][1] == 0 or (len(scored) > 1 and scored[1][1] == scored[0][1]):
        return None
    key = scored[0][0]
    chosen = list({p.role: (p, f) for p, f in reversed(fields) if f.key == key}.values())[::-1]  # one a template
    label = {w[:5] for _, f in chosen for w in words(f.label)}
    items = " | ".join(i.text.lower() for _, f in chosen if len(f.items) > 1 for i in f.items)
    if any(t[:5] not in label and re.search(rf"\b{re.escape(t[:5])}", items) for t in engine.theme_of(q, strict=True)):
        return None  # "which role lists data protection under stat and mand?": an entry of a list, not the field
    filled = [(p, f) for p, f in chosen if not f.is_blank]

    def write(w: compose.Writer) -> None:
        label = compose.short_label(chosen[0][1].label)
        if not filled:
            w.add(f"None: every one of the {len(profiles)} templates leaves {label} blank.")
        else:
            w.add(f"{len(filled)} of the {len(profiles)} templates fill in {label}:")
        for p, f in filled:
            w.field(p, f, title=p.short_name)

    shown = [p for p, _ in filled] or profiles[:1]
    return engine.finish(q, shown, write, suggestions=engine.follow_ups(shown[0], "training"))


# "hiring and workforce - what's in the perinatal service manager role?": the subject, then the question
_SUBJECT_FIRST = re.compile(
    r"^\W*[a-z][\w ,&/'-]{2,40}?\s[-–:]\s*(?:what(?:'s| is)? in|anything (?:in|for|on))\b", re.I
)
_DOES_WITH = re.compile(
    r"\bwhat (?:does|do|would|will) .{0,60}\b(?:do|doing) (?:with|about|around|on|for|to|when|if|after)\b|"
    + _SUBJECT_FIRST.pattern,
    re.I,
)


def fields(engine: Context, q: Question, profiles: list[RoleProfile], keys: list[str]) -> Answer:
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

    return engine.finish(replace(q, topic="training"), profiles, write, engine.follow_ups(profiles[0], "training"))


# "how many credits is the ACP's MSc?", "the formal endorsed learning - title, awarding body, credits and level?"
FORMAL_PARTS = re.compile(r"\bcredits?\b|\bawarding bod(?:y|ies)\b|\bwho awards\b", re.IGNORECASE)
FORMAL_NAMED = re.compile(
    r"\bformal(?:ly)?\b|\bendorsed\b|\bmsc\b|\bmasters?\b|\bmaster's\b|\bdegree\b|\bdiploma\b"
    r"|\bqualifications?\b|\bfoundation\b",
    re.IGNORECASE,
)
_HOW_MANY_CREDITS = re.compile(r"\bhow many credits\b|\bcredit value\b|\bcredits? (?:is|are) (?:it|that|the)\b", re.I)


def formal_learning(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer | None:
    """The formal endorsed learning a template's CPD part names, part by part (title, awarding body, credit,
    level); the credit first when that is what is asked. None when no template asked fills it in."""
    found = [
        (p, f)
        for p in profiles
        if (f := next((f for f in p.cpd if f.key == "formal_endorsed"), None)) is not None
        and any(part.value.strip() for part in f.parts)
    ]
    if not found:
        return None
    credits_first = bool(_HOW_MANY_CREDITS.search(q.text))
    # "does the TL template name an awarding body for its formal learning?": yes when each part asked is filled
    asked = [
        part
        for _, f in found
        for part in f.parts
        if re.search(rf"\b{re.escape(part.label.lower().split()[0])}", q.text, re.IGNORECASE)
    ]
    first = ""
    if operation_of(q.text) == "check" and asked and len(found) == len(profiles):
        # "is the ACP MSc worth 60 credits?": a number asked must be the template's; else whether it is named
        numbers = re.findall(r"\b\d+\b", q.text)
        first = (
            "Yes."
            if all(part.value.strip() for part in asked)
            and all(any(n in re.findall(r"\b\d+\b", part.value) for part in asked) for n in numbers)
            else "No."
        )

    def write(w: compose.Writer) -> None:
        if first:
            w.add(first)
        for p, f in found:
            parts = {part.key.rsplit(".", 1)[-1]: part for part in f.parts}
            credit, title = parts.get("credit"), parts.get("title")
            if credits_first and credit is not None and credit.value.strip():
                named = f"the {title.value} " if title is not None and title.value.strip() else ""
                mark = w.cite(p, f.source, f"{credit.label}: {credit.value}", compose.short_label(f.label))
                w.add(f"{credit.value}: {named}({p.short_name}, formal endorsed learning) {mark}")
            w.heading(p, "formal endorsed learning")
            w.field(p, f, "Formal endorsed learning")
            funding = p.cpd_field("funding")
            if _WHO_PAYS.search(q.text) and funding is not None and not funding.is_blank:
                w.field(p, funding, "Funding required")  # "credits, level, and who pays?": the funding row too

    return engine.finish(
        replace(q, topic="training"), [p for p, _ in found], write, engine.follow_ups(found[0][0], "training")
    )


_WHO_PAYS = re.compile(r"\bwho pays\b|\bpaid for\b|\bfund(?:s|ed|ing)?\b|\bcosts?\b", re.IGNORECASE)
_BODIES = ("nmc", "hcpc", "gmc", "nursing", "midwifery", "medical", "health and care professions")
REGISTRATION = re.compile(r"\bregist(?:er|ered|ration)\b|\b(?:nmc|hcpc|gmc)\b|\bcouncil\b", re.IGNORECASE)


def registration(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer:
    """'Which registration does the CP need?', 'does the SM have to hold a nursing registration?': the
    template's registration row, and what its experience required says about registration and qualifications."""

    said = " ".join(
        [
            *(f.value for p in profiles if (f := p.learning_field("registration")) is not None),
            *(i.text for p in profiles for i in p.experience_items if REGISTRATION.search(i.text)),
        ]
    ).lower()
    bodies = [b for b in _BODIES if re.search(rf"\b{b}", q.text, re.IGNORECASE)]
    first = ""
    if operation_of(q.text) == "check" and not re.search(r"n't\b|\b(?:not|never|no)\b", q.text, re.IGNORECASE):
        # "has the SM to hold a nursing registration?": what its rows say, yes or no
        first = "Yes." if (all(b in said for b in bodies) if bodies else bool(said.strip())) else "No."

    def write(w: compose.Writer) -> None:
        if first:
            w.add(first)
        for p in profiles:
            w.heading(p, "registration")
            field = p.learning_field("registration")
            if field is not None:
                value = "left blank in the template" if field.is_blank else field.value
                w.add(
                    f"- {compose.short_label(field.label)}: {value} {w.cite(p, field.source, field.value, field.label)}"
                )
            for item in p.experience_items:
                if item.kind == "qualification" or REGISTRATION.search(item.text):
                    w.add(
                        f"- {KIND_TITLES[item.kind]}: {item.text} {w.cite(p, p.experience.source, p.experience.value)}"
                    )

    return engine.finish(replace(q, topic="training"), profiles, write, engine.follow_ups(profiles[0], "training"))


def bands(engine: Context, q: Question, profiles: list[RoleProfile]) -> Answer:
    """Career framework levels and Agenda for Change bands: the templates' own statement, and the level
    of each role asked about."""

    def write(w: compose.Writer) -> None:
        yes_no = re.match(r"^\W*(?:is|are|does|do|did|can|will|would|so)\b", q.text, re.IGNORECASE)
        relates = re.search(r"\blevel|\bcareer framework|\bcfl\b", q.text, re.IGNORECASE)
        same = re.search(r"\b(?:same|equal|equivalent|match(?:es)?|correspond)\b", q.text, re.IGNORECASE)
        if yes_no and (relates or same):  # "is level 8 the same as band 8?", "does level 4 make me band 4?"
            w.add("No, not the same thing. The templates say:")
        elif re.search(r"\b(?:same|equal|equivalent|match(?:es)?|correspond)\b", q.text, re.IGNORECASE) and relates:
            w.add("Not the same thing. The templates say:")
        else:
            w.add(f"{'Yes. ' if yes_no else ''}The templates say:")
        if not compose.framework(w, engine.kb.general, ["agenda for change banding", "agenda for change"], limit=1):
            w.add("The templates do not relate career framework levels to Agenda for Change bands.")
        for p in profiles:
            w.add(f"- {p.short_name}: career framework level {p.level} {w.cite(p, compose.basic_source(p, 'level'))}")

    return engine.finish(replace(q, topic="level"), profiles, write, engine.starter_questions())


def _only(q: Question, having: list[RoleProfile], profiles: list[RoleProfile], verb: str) -> str:
    """Which of the templates asked about list (or mention) it; how many first when that is asked."""
    names = " and ".join(f"**{p.short_name}**" for p in having)
    if re.search(r"\bhow many\b", q.text, re.I):  # "how many of the ten templates mention trauma-informed practices?"
        if len(having) == len(profiles):
            return f"{len(having)}: every one of the {len(profiles)} templates {verb}s it."
        return f"{len(having)} of the {len(profiles)} templates {verb} it: {names}."
    if len(having) == len(profiles):
        return f"{'Both' if len(profiles) == 2 else f'All {len(profiles)}'}: every role template {verb}s it."
    return f"{names}: only {f'its template {verb}s' if len(having) == 1 else f'their templates {verb}'} it."


def which_by_theme(
    engine: Context,
    q: Question,
    profiles: list[RoleProfile],
    described: list[RoleProfile],
    theme: list[str],
    any_word: bool = False,
) -> Answer:
    def write(w: compose.Writer) -> None:
        w.add(_only(q, described, profiles, "mention"))
        for p in described:
            themes.about_theme(w, p, theme, any_word)

    return engine.finish(replace(q, topic="competences"), described, write, engine.follow_ups(described[0], "scope"))
