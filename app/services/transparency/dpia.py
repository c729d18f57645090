"""A DPIA draft from an assessment, in the ICO's structure (no Flask imports).

The ICO's steps (ICO, "How do we do a DPIA?"): identify the need; describe the processing;
consider consultation; assess necessity and proportionality; identify and assess risks; identify
measures to mitigate them; sign off and record outcomes, where the residual risk and the DPO's
advice are recorded. Its sample template rates likelihood as remote, possible or probable,
severity as minimal, significant or severe, and overall risk as low, medium or high, and its
sign-off table names who approved the measures and residual risks, the DPO's advice and who keeps
the DPIA under review.

Everything is prefilled from the assessment's snapshot (profile, answers, knock-outs, caps and
the decision's conditions) and the school's notice for the product; what only people can say is
left as a [bracketed prompt]. The suggested levels follow the rules in `RISK_RULES` and
`overall_risk`, and are a starting point for the DPO, who changes them in the DOCX.

One `DpiaDraft` feeds both the PDF (app/templates/pdf/dpia.html) and the DOCX (documents.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models.transparency import ProductNotice
from app.services.procurement.scoring import LimitKind
from app.services.transparency.requests import RequestCounts
from app.util.dates import long_date

LIKELIHOODS = ("Remote", "Possible", "Probable")
SEVERITIES = ("Minimal", "Significant", "Severe")
LEVELS = ("Low", "Medium", "High")

# (likelihood, severity) suggested for each kind of limit that fired.
RISK_RULES = {
    LimitKind.KNOCKOUT: ("Probable", "Severe"),  # the supplier's own answer says it happens
    LimitKind.UNRESOLVED_KNOCKOUT: ("Possible", "Severe"),
    LimitKind.CAP: ("Possible", "Significant"),
    LimitKind.SECTION_FLOOR: ("Possible", "Significant"),
    LimitKind.EVIDENCE_COVERAGE: ("Possible", "Minimal"),
}
SPECIAL_CATEGORY_VALUES = {"send", "health", "safeguarding", "biometrics", "ethnicity"}
NECESSITY_SECTIONS = ("purpose", "minimisation", "transparency", "rights", "retention")
HIGH_RESIDUAL_NOTE = (
    "A high residual risk remains: the ICO must be consulted before the processing goes ahead."
)
SIGN_OFF_ITEMS = (
    ("Measures approved by", "Integrate actions back into the plan, with date and owner."),
    ("Residual risks approved by", "If accepting any residual high risk, consult the ICO first."),
    (
        "DPO advice provided",
        "The DPO advises on compliance, the step 6 measures and whether processing can proceed.",
    ),  # fmt: skip
    ("Summary of DPO advice", ""),
    ("DPO advice accepted or overruled by", "If overruled, record the reasons."),
    (
        "Consultation responses reviewed by",
        "If the decision departs from individuals' views, record the reasons.",
    ),  # fmt: skip
    ("This DPIA will be kept under review by", "The DPO also reviews ongoing compliance."),
)


def overall_risk(likelihood: str, severity: str) -> str:
    """Low, Medium or High from the likelihood and severity grid."""
    score = LIKELIHOODS.index(likelihood) + SEVERITIES.index(severity)
    return LEVELS[0] if score <= 1 else LEVELS[1] if score == 2 else LEVELS[2]


def lower(level: str) -> str:
    return LEVELS[max(0, LEVELS.index(level) - 1)]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DpiaSection:
    heading: str
    intro: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Risk:
    source: str
    likelihood: str
    severity: str
    measure: str

    @property
    def overall(self) -> str:
        return overall_risk(self.likelihood, self.severity)


@dataclass(frozen=True)
class DpiaDraft:
    title: str
    school: str
    product: str
    supplier: str
    status: str
    generated_on: str
    sections: tuple[DpiaSection, ...] = field(default_factory=tuple)

    @property
    def filename_stem(self) -> str:
        return f"{self.product}-dpia-draft"


def build_dpia(
    snapshot: dict,
    *,
    profile: dict,
    notice: ProductNotice | None,
    requests: RequestCounts,
    generated_on: str,
    assessment_id: int,
) -> DpiaDraft:
    """The draft for one assessment's snapshot (frozen with its decision, or live for a draft);
    `profile` is the raw profile answers (P01..P06)."""
    vendor, result, decision = snapshot["vendor"], snapshot["result"], snapshot.get("decision")
    answers = {q["question_id"]: q for q in result["questions"]}
    profile_rows = {row["id"]: row["answer"] for row in snapshot.get("profile", [])}
    risks = _risks(result, answers, profile, profile_rows)
    status = (
        f"Decision: {decision['label']} on {long_date(decision['decided_on'])}"
        if decision
        else "No decision recorded yet: the assessment is a draft and its result can change"
    )
    sections = (
        _need(snapshot, result, profile, profile_rows, assessment_id),
        _describe(vendor, notice, result, profile_rows, answers),
        _consultation(snapshot, result, requests),
        _necessity(result, notice, answers, decision),
        _risk_table(risks),
        _measures(risks, decision),
        _residual(risks, decision),
        _dpo_advice(),
        _sign_off(decision),
    )
    return DpiaDraft(
        title=f"Data protection impact assessment (draft): {vendor['product']}",
        school=snapshot["school"],
        product=vendor["product"],
        supplier=vendor["name"],
        status=status,
        generated_on=generated_on,
        sections=sections,
    )


def _answer(answers: dict, question_id: str) -> str:
    question = answers.get(question_id)
    if question is None or question["status"] == "gated_out":
        return ""
    return question["answer_label"]


def _need(snapshot, result, profile, rows, assessment_id) -> DpiaSection:
    features = []
    special = SPECIAL_CATEGORY_VALUES & set(profile.get("P03") or [])
    if special:
        features.append("special category or safeguarding data")
    if "under_13" in (profile.get("P01") or []):
        features.append("pupils under 13")
    if profile.get("P05") == "yes":
        features.append("AI features")
    if profile.get("P06") == "yes":
        features.append("data stored or accessed outside the UK")
    return DpiaSection(
        heading="Step 1: Identify the need for a DPIA",
        intro=(
            f"{snapshot['vendor']['product']} processes pupils' personal data for "
            f"{snapshot['school']}. This draft is built from assessment {assessment_id} "
            f"({snapshot['checklist']['title']}, version {snapshot['checklist']['version']})."
        ),
        facts=(
            ("Risk tier in the assessment", result["risk_tier_label"]),
            ("Rating", f"{result['band_label']} (score {result['score']} out of 100)"),
            ("Features that raise the risk", ", ".join(features) or "None recorded"),
            ("Pupils covered", rows.get("P04") or _count(snapshot["vendor"])),
        ),
        notes=("[Summarise why a DPIA is needed, for example against the ICO's screening list.]",),
    )


def _count(vendor: dict) -> str:
    return str(vendor["pupils_covered"]) if vendor.get("pupils_covered") is not None else ""


def _describe(vendor, notice, result, rows, answers) -> DpiaSection:
    purpose = (notice.purpose if notice else "") or vendor.get("purpose") or "[Not recorded]"
    transfers = rows.get("P06", "")
    facts = [
        ("Nature: supplier", f"{vendor['name']}, as processor for the school"),
        ("Nature: who uses it", rows.get("P01", "")),
        ("Nature: pupils log in with their own accounts", rows.get("P02", "")),
        ("Scope: pupil data processed", rows.get("P03", "")),
        ("Scope: how many pupils", rows.get("P04", "") or _count(vendor)),
        ("Scope: retention", (notice.retention if notice else "") or _answer(answers, "G01")),
        ("Scope: stored or accessed outside the UK", transfers),
        ("Context: AI features", rows.get("P05", "")),
        ("Purposes", purpose),
    ]
    return DpiaSection(
        heading="Step 2: Describe the processing",
        intro="The nature, scope, context and purposes of the processing, from the assessment.",
        facts=tuple((label, value or "[Not recorded]") for label, value in facts),
    )


def _consultation(snapshot, result, requests: RequestCounts) -> DpiaSection:
    return DpiaSection(
        heading="Step 3: Consultation",
        facts=(
            (
                "The supplier (processor)",
                f"Answered the questionnaire for the assessment started "
                f"{long_date(snapshot['assessment']['started_on'])}: "
                f"{result['answered_coverage']}% of questions answered, "
                f"{result['evidence_coverage']}% of the evidence asked for provided.",
            ),
            (
                "Families' requests about this product",
                f"{requests.total} ({requests.open} open; an alternative offered in "
                f"{requests.with_alternative})",
            ),
        ),
        notes=(
            "[Record how and when pupils' and parents' views were sought, or why not.]",
            "[Record who else was involved: the DPO, IT or security advisers.]",
        ),
    )


def _necessity(result, notice, answers, decision) -> DpiaSection:
    basis = notice.lawful_basis.label if notice and notice.lawful_basis else "[To record]"
    scores = {s["section_id"]: s for s in result["sections"]}
    facts = [("Lawful basis", basis)]
    for section_id in NECESSITY_SECTIONS:
        section = scores.get(section_id)
        if section and section["score"] is not None:
            facts.append((section["title"], f"Section score {section['score']} out of 100"))
    for question_id, label in (("B01", "Sells or licenses pupil data"), ("C01", "Data minimised")):
        if _answer(answers, question_id):
            facts.append((f"{label} ({question_id})", _answer(answers, question_id)))
    if decision:
        facts.append(("Reason for the decision", decision["reason"]))
    return DpiaSection(
        heading="Step 4: Assess necessity and proportionality",
        facts=tuple(facts),
        notes=("[Explain why this product is needed and whether a less intrusive way exists.]",),
    )


def _risks(result, answers, profile, rows) -> list[Risk]:
    risks = []
    for limit in result["limits"]:
        likelihood, severity = RISK_RULES[LimitKind(limit["kind"])]
        if limit.get("question_id"):
            question = answers.get(limit["question_id"], {})
            source = (
                f"{limit['question_id']}: {limit['question_text']} Answer: "
                f"{limit['answer_label']}. {limit['reason']}"
            )
            measure = question.get("remediation") or "[Measure to agree]"
        else:
            source, measure = limit["reason"], "[Measure to agree]"
        risks.append(Risk(source, likelihood, severity, measure))
    special = SPECIAL_CATEGORY_VALUES & set(profile.get("P03") or [])
    if special:
        risks.append(
            Risk(
                f"Special category or safeguarding data ({rows.get('P03', '')}): disclosure or "
                "misuse would cause serious harm to pupils.",
                "Possible" if result["band_index"] else "Remote",
                "Severe",
                "Limit access to the staff who need it; confirm encryption and breach "
                "notification terms.",
            )
        )
    if profile.get("P06") == "yes" and not any(r.source.startswith("I02") for r in risks):
        risks.append(
            Risk(
                "Personal data is stored or accessed outside the UK.",
                "Possible",
                "Significant",
                _answers_remediation(answers, "I02") or "Confirm the transfer mechanism.",
            )
        )
    if not risks:
        risks.append(
            Risk(
                "Unauthorised access to pupil data held by the supplier.",
                "Remote",
                "Significant",
                "The supplier's security answers in the assessment; review them each year.",
            )
        )
    return risks


def _answers_remediation(answers, question_id) -> str:
    return (answers.get(question_id) or {}).get("remediation", "")


def _risk_table(risks: list[Risk]) -> DpiaSection:
    return DpiaSection(
        heading="Step 5: Identify and assess risks",
        intro=(
            "Each knock-out and cap that fired in the assessment, and the risks the profile "
            "raises. Likelihood: remote, possible or probable; severity: minimal, significant or "
            "severe; overall: low, medium or high. The levels are suggestions for the DPO."
        ),
        table=Table(
            ("Source of risk and possible harm", "Likelihood", "Severity", "Overall risk"),
            tuple((r.source, r.likelihood, r.severity, r.overall) for r in risks),
        ),
    )


def _effect(decision) -> str:
    if decision is None:
        return "Not decided yet"
    return "Reduced" if decision["outcome"] in ("approve", "conditional") else "Not accepted"


def _residual_level(risk: Risk, decision) -> str:
    return lower(risk.overall) if _effect(decision) == "Reduced" else risk.overall


def _measures(risks: list[Risk], decision) -> DpiaSection:
    rows = [
        (r.source.split(". ")[0], r.measure, _effect(decision), _residual_level(r, decision), "")
        for r in risks
    ]
    for condition in (decision or {}).get("conditions", []):
        rows.append(
            (
                "Condition of the decision",
                f"{condition['text']} (owner: {condition['owner']}, due "
                f"{long_date(condition['due_on'])})",
                "Reduced",
                "",
                "Yes",
            )
        )
    return DpiaSection(
        heading="Step 6: Identify measures to reduce risk",
        table=Table(
            ("Risk", "Measure", "Effect on risk", "Residual risk", "Measure approved"),
            tuple(rows),
        ),
    )


def _residual(risks: list[Risk], decision) -> DpiaSection:
    levels = [_residual_level(r, decision) for r in risks]
    worst = max(levels, key=LEVELS.index)
    notes = (HIGH_RESIDUAL_NOTE,) if worst == "High" else ()
    return DpiaSection(
        heading="Residual risk",
        facts=(("Highest residual risk after the measures", worst),),
        notes=notes,
    )


def _dpo_advice() -> DpiaSection:
    return DpiaSection(
        heading="DPO advice",
        notes=(
            "[DPO: advise on compliance, on the step 6 measures and on whether the processing "
            "can proceed.]",
        ),
    )


def _sign_off(decision) -> DpiaSection:
    rows = []
    for item, note in SIGN_OFF_ITEMS:
        value = "[Name, position, date]"
        if item == "This DPIA will be kept under review by" and decision:
            until = decision.get("valid_until")
            value += f" Next review of the decision: {long_date(until)}" if until else ""
        rows.append((item, value, note))
    notes: tuple[str, ...] = ()
    if decision:
        notes = (
            f"Decision recorded: {decision['label']}, signed off by {decision['signed_off_by']} "
            f"on {long_date(decision['decided_on'])}.",
        )
    return DpiaSection(
        heading="Step 7: Sign off and record outcomes",
        table=Table(("Item", "Name, position and date", "Notes"), tuple(rows)),
        notes=notes,
    )
