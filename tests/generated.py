"""Many distinct, invented role-profile templates for scale tests and measurements.

    >>> files = generate(50, seed=1)          # {file name: template text}, tab layout as shipped
    >>> write(Path("/tmp/many"), 200)         # the same, written into a folder

Each template is built from the shipped ones' framework text (the introduction is the same in every
real template) with its own area of work, role, career framework level, level descriptor, scope,
competences (drawn from the rows of the shipped and fixture templates, a different selection and
number per template) and training (statutory and mandatory items worded as organisations word them,
"Safeguarding (Level 3)" in one and "Safeguarding Adults (Level 2)" in another; informal learning).
Lists are written with semicolons between items, so each parses to the items written.
The same seed gives the same files. Test data only: nothing here is a real Skills for Health profile.

    python -m tests.generated FOLDER N [--seed S]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from knowledge import default_dir, load_knowledge
from knowledge.records import COMPETENCE_SECTIONS, Competence

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (default_dir(), ROOT / "tests" / "fixtures" / "templates")

AREAS = (
    "Mental Health Crisis Services",
    "Community Forensic Outreach",
    "Prison Healthcare",
    "Perinatal Mental Health",
    "Substance Misuse Recovery",
    "Learning Disability Liaison",
    "Youth Justice Health",
    "Homeless Health Inclusion",
    "Sexual Assault Referral",
    "Veterans Mental Health",
    "Court Diversion",
    "Early Intervention in Psychosis",
    "Eating Disorders Community",
    "Gambling Harms",
    "Dementia Liaison",
    "Street Triage",
    "Probation Health Partnership",
    "Refugee Health Access",
    "Autism Assessment",
    "Suicide Prevention Outreach",
    "Frailty Rapid Response",
    "Neurorehabilitation Community",
)

# (role, career framework level)
ROLES = (
    ("Administrator", 2),
    ("Support Worker", 3),
    ("Peer Support Worker", 3),
    ("Engagement Worker", 4),
    ("Assistant Practitioner", 4),
    ("Coordinator", 5),
    ("Practitioner", 5),
    ("Senior Practitioner", 6),
    ("Team Leader", 6),
    ("Clinical Lead", 7),
    ("Service Manager", 7),
    ("Strategic Manager", 8),
)

DESCRIPTORS = {
    2: "People at level 2 require basic factual knowledge of a field of work. They may carry out clinical,"
    " technical, scientific or administrative duties according to established protocols or procedures,"
    " or systems of work.",
    3: "People at level 3 require knowledge of facts, principles, processes and general concepts in a field"
    " of work. They may carry out a wider range of duties than the person working at level 2 and will have"
    " more responsibility, with guidance and supervision available when needed.",
    4: "People at level 4 require factual and theoretical knowledge in broad contexts within a field of work."
    " Work is guided by standard operating procedures, protocols or systems of work, but the worker makes"
    " judgements, plans activities, contributes to service development and demonstrates self-development.",
    5: "People at level 5 will have a comprehensive, specialised, factual and theoretical knowledge within a"
    " field of work and an awareness of the boundaries of that knowledge. They are able to use knowledge to"
    " solve problems creatively, make judgements which require analysis and interpretation.",
    6: "People at level 6 require a critical understanding of detailed theoretical and practical knowledge,"
    " are specialist and/or have management and leadership responsibilities. They demonstrate initiative"
    " and are creative in finding solutions to problems.",
    7: "People at level 7 of the career framework require a critical awareness of knowledge issues in the"
    " field and at the interface between different fields. They are innovative, and have a responsibility"
    " for developing and changing practice and/or services in a complex and unpredictable environment.",
    8: "People at level 8 of the career framework require highly specialised knowledge, some of which is at"
    " the forefront of knowledge in a field of work, which they use as the basis for original thinking."
    " They have a leadership role in the development of strategy.",
}

# Statutory and mandatory learning, as differently organisations word the same subject.
STATUTORY = (
    ("Safeguarding", "Safeguarding (Level 3)", "Safeguarding Adults (Level 2)", "Safeguarding Children (Level 3)"),
    ("Data Protection", "Data Security Awareness"),
    ("Information Governance", "Information Governance and Data Security"),
    ("Basic Life Support", "Immediate Life Support", "Resuscitation"),
    ("Conflict Resolution",),
    ("Fire Safety",),
    ("Infection Prevention and Control",),
    ("Moving and Handling", "Manual Handling"),
    ("Equality and Diversity", "Equality, Diversity and Human Rights", "Equality, Diversity and Inclusion"),
    ("Health and Safety", "Health, Safety and Welfare"),
    ("Mental Capacity Act",),
    ("PREVENT", "Preventing Radicalisation"),
    ("Oliver McGowan Mandatory Training",),
    ("Freedom to Speak Up",),
)

INFORMAL = (
    "Introduction to the Criminal Justice System",
    "Mental Health First Aid",
    "Motivational interviewing skills",
    "Suicide and self-harm awareness",
    "Lone working",
    "Breakaway training",
    "Trauma-informed practices",
    "Recovery-focused practice",
    "Understanding of neurodiversity",
    "Understanding of mental health conditions",
    "De-escalation skills",
    "Working with families and carers",
    "Risk formulation",
    "Positive behaviour support",
    "Leadership development programme",
    "Coaching skills for managers",
    "Clinical supervision skills",
    "Quality improvement methods",
)

FORMAL = (
    ("Level 3 Diploma in Health and Social Care", "City & Guilds", "58", "3"),
    ("Certificate in Mental Health Awareness", "NCFE CACHE", "13", "2"),
    ("Postgraduate Certificate in Leadership", "A university", "60", "7"),
    ("Level 5 Diploma in Leadership for Health and Social Care", "Pearson", "90", "5"),
)

VETTING = (
    "DBS clearance or vetting, where appropriate.",
    "Enhanced DBS check.",
    "Security clearance for work in a custodial setting.",
)


def _rows_by_section() -> dict[str, list[Competence]]:
    rows: dict[str, list[Competence]] = {s: [] for s in COMPETENCE_SECTIONS}
    seen: set[tuple[str, str]] = set()
    for folder in SOURCES:
        for profile in load_knowledge(folder).profiles:
            for c in profile.competences:
                if (c.section, c.title) not in seen:
                    seen.add((c.section, c.title))
                    rows[c.section].append(c)
    return rows


def _principle_order(principle: str) -> tuple[int, str]:
    head = principle.split(".")[0]
    return (0, head.zfill(2)) if head.isdigit() else (1, head)


def _table(rows: list[Competence]) -> list[str]:
    """A competence table in the templates' tab layout: principle and function carried down."""
    lines = ["Underpinning Principles\tReference Function\tCompetence"]
    ordered = sorted(rows, key=lambda c: (_principle_order(c.principle), c.function))
    last_principle = last_function = None
    for c in ordered:
        principle = c.principle if c.principle != last_principle else ""
        function = c.function if c.function != last_function or principle else ""
        lines.append(f"{principle}\t{function}\t{c.title}")
        last_principle, last_function = c.principle, c.function
    return lines


def _introduction() -> str:
    """The framework text every template repeats, from the shipped engagement worker's file."""
    text = next(iter(sorted(default_dir().glob("*.txt")))).read_text(encoding="utf-8")
    start = text.index("Introduction to the Template\n\nTransferable Roles")
    end = text.index("The Template\n\nLevel Descriptors")
    return text[start:end]


def generate(n: int, seed: int = 1, areas: tuple[str, ...] = AREAS) -> dict[str, str]:
    """`n` distinct templates (file name -> text) in `areas`; n at most len(areas) * len(ROLES)."""
    pairs = [(area, role, level) for role, level in ROLES for area in areas]
    if n > len(pairs):
        raise ValueError(f"at most {len(pairs)} distinct templates")
    rng = random.Random(seed)
    rng.shuffle(pairs)
    rows = _rows_by_section()
    intro = _introduction()
    files: dict[str, str] = {}
    for area, role, level in pairs[:n]:
        name = f"{area} {role}"
        slug = name.lower().replace(" ", "-")
        files[f"{slug}-level-{level}.txt"] = _template(rng, intro, rows, area, role, level)
    return files


def _template(
    rng: random.Random, intro: str, rows: dict[str, list[Competence]], area: str, role: str, level: int
) -> str:
    named = f"{area} {role}"
    core = rng.sample(rows["core"], k=min(len(rows["core"]), rng.randint(6, 12)))
    specific = rng.sample(rows["role-specific"], k=min(len(rows["role-specific"]), rng.randint(8, 22)))
    locality = rng.sample(rows["locality-specific"], k=min(len(rows["locality-specific"]), rng.randint(0, 3)))
    statutory = [rng.choice(variants) for variants in rng.sample(STATUTORY, k=rng.randint(3, 7))]
    informal = rng.sample(INFORMAL, k=rng.randint(3, 8))
    formal = rng.choice(FORMAL) if rng.random() < 0.4 else ("", "", "", "")
    years = rng.randint(1, 3) if level >= 5 else 0
    experience = (
        f"Previous experience of working in {area.lower()} or a related service"
        + (f" for at least {years} years" if years else "")
        + f". Level {max(2, level - 1)} qualification in a relevant subject or equivalent experience. "
        + rng.choice(VETTING)
    )
    scope = [
        f"The role, working as part of the {area} team, will involve {rng.choice(_DUTIES[level])} for people who"
        f" use {area.lower()} services, with their families and carers, and with partner agencies.",
        f"The post holder {rng.choice(_ACTIVITIES)}, keeps accurate records and shares information"
        " within the limits of their role.",
        f"The challenge of this role is {rng.choice(_CHALLENGES)}.",
    ]
    lines = [
        "",
        "Transferable Role Profile Template",
        "",
        area,
        "",
        role,
        "",
        f"Career Framework Level {level}",
        "",
        f"Revised {rng.choice(('January', 'March', 'June', 'September', 'November'))} {rng.randint(2021, 2026)}",
        "",
        "Developed in collaboration with the",
        f"{area} Expert Reference Working Group",
        "",
        intro.rstrip(),
        "",
        "The Template",
        "",
        "Level Descriptors",
        "",
        f"Definition of the Level {level} Role",
        "",
        DESCRIPTORS[level],
        "",
        "The National Occupational Standards",
        "",
        f"This section of the template has an example of a level {level} role.",
        "",
        "Basic Information",
        "",
        f"Named Role\t{named}",
        f"Area of Work\t{area}",
        f"Experience Required\t{experience}",
        f"Career Framework Level\tLevel {level}",
        "",
        "Scope of the Role",
        "",
        *(x for paragraph in scope for x in (paragraph, "")),
        f"All level {level} roles will have the following common/core competences.",
        "",
        f"Common/Core Competences for all Level {level} Roles:",
        "",
        *_table(core),
        "",
        "Role Specific Competences",
        "",
        *_table(specific),
        "",
        "Locality Specific Competences",
        "",
        "In this space you can define additional competences which are essential for your local needs.",
        "",
        *_table(locality),
        "",
        "Indicative Learning and Development",
        "",
        "Transferable roles may be underpinned by a range of learning and development activities.",
        "",
        f"Transferable role\tLevel {level} {named}",
        f"Formal endorsed learning\t{formal[0]}",
        "Informal learning\tStatutory/Mandatory training within the service; " + "; ".join(informal),
        "National Occupational Standards (competences) used\tAs detailed within role outline.",
        "Credits (including framework used)\tWherever possible learning should be credit rated",
        "Accreditation\tWherever possible learning should be accredited by education providers",
        "APEL and progression\tWherever possible learning should be transferable through APEL",
        "Leading to registration or membership with:\t",
        "",
        "Continuing Professional Development",
        "",
        "It is recognised that continuing professional development is an essential component to maintaining"
        " competent, safe practice at all levels of the career framework.",
        "",
        f"Statutory and Mandatory learning of particular relevance to the role\t{'; '.join(statutory)}\t",
        f"Formal endorsed learning\tTitle\t{formal[0]}",
        f"\tAwarding body\t{formal[1]}",
        f"\tCredit\t{formal[2]}",
        f"\tLevel\t{formal[3]}",
        "Informal learning\tNegotiated at appraisal/performance review\t",
        f"Method of capturing impact\t{rng.choice(('Annual appraisal', 'Annual appraisal and reflective accounts'))}\t",
        "Funding required\tDependent upon agreed CPD plan and negotiated locally\t",
        "Frequency required (once a year, once every two years, twice or more a year)\tAnnual learning needs"
        " will be identified and planned as part of the appraisal process.\t",
        "",
        "References:",
        "",
        "- Skills for Health Summary of Attributes and Definitions for Career (2010)",
        f"- {area} Service Specification ({rng.randint(2015, 2025)})",
        "",
        "@ Skills for Health",
        "",
    ]
    return "\n".join(lines)


_DUTIES = {
    2: ("administrative support", "booking and record keeping"),
    3: ("practical support", "supporting people to attend appointments"),
    4: ("engaging people and planning a programme of support", "practical support and signposting"),
    5: ("assessment and care coordination", "delivering planned interventions"),
    6: ("leading a caseload and supervising staff", "specialist assessment and intervention"),
    7: ("clinical leadership of the service", "managing the service and its budget"),
    8: ("the strategic leadership of the service", "commissioning and strategic partnerships"),
}
_ACTIVITIES = (
    "works with courts, probation and health services",
    "visits people at home and in the community",
    "arranges and attends multi-agency meetings",
    "supports colleagues through supervision and training",
)
_CHALLENGES = (
    "engaging people who may be reluctant to engage",
    "balancing risk with the choices people make",
    "working across organisational boundaries",
    "leading change with limited resources",
)


def write(folder: Path, n: int, seed: int = 1, areas: tuple[str, ...] = AREAS) -> list[Path]:
    """Write `n` generated templates into `folder` (created); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(n, seed, areas).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write N invented templates into FOLDER.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"wrote {len(write(args.folder, args.n, args.seed))} templates into {args.folder}")
