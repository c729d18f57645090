"""The report view-model: one snapshot dict (frozen with a decision, or built live for a draft)
feeds the review page, the PDF, the CSV and the JSON export (no Flask imports).

`build_snapshot` takes plain values so it can be unit-tested; `report_view` adds what the pages
need (sections with their answers, the chart geometry, labels) without changing any figure.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from enum import StrEnum

from app.content.checklists import Checklist
from app.models.procurement import Decision, Provenance
from app.services.procurement.decisions import knockout_summary
from app.services.procurement.scoring import COUNTS_AS_ANSWERED, LimitKind, QuestionStatus, Result
from app.util.csv_cells import csv_text
from app.util.i18n import lazy_gettext

SNAPSHOT_FORMAT = 1
CHILDRENS_CODE = "Children's Code"


class CodeStatus(StrEnum):
    """How far a product meets one Children's Code standard, worst first."""

    NOT_MET = "not_met"
    PARTLY_MET = "partly_met"
    MET = "met"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return str(CODE_STATUS_LABELS[self])


CODE_STATUS_LABELS = {
    CodeStatus.MET: lazy_gettext("Met"),
    CodeStatus.PARTLY_MET: lazy_gettext("Partly met"),
    CodeStatus.NOT_MET: lazy_gettext("Not met or not known"),
    CodeStatus.NOT_APPLICABLE: lazy_gettext("Not applicable"),
}
WORST_FIRST = [CodeStatus.NOT_MET, CodeStatus.PARTLY_MET, CodeStatus.MET]


def build_snapshot(
    *,
    checklist: Checklist,
    result: Result,
    school_name: str,
    vendor: dict,
    profile: dict,
    assessment_id: int,
    started_on: date,
    status: str,
    decision: dict | None = None,
    changes: list[dict] | None = None,
    previous: dict | None = None,
    provenance: dict[str, dict] | None = None,
    evidence_files: list[dict] | None = None,
) -> dict:
    """Everything a report shows, as JSON-safe data; frozen as-is when a decision is proposed.

    `previous` summarises the product's last decision (for a re-assessment), so the new result
    is always read beside it. `provenance` (question id -> where the answer came from) is kept
    only for answers that are not simply the school's own, so other snapshots are unchanged."""
    result_dict = result.to_dict()
    extra: dict = {"provenance": provenance} if provenance else {}
    if evidence_files:
        extra["evidence_files"] = evidence_files
    return extra | {
        "format": SNAPSHOT_FORMAT,
        "school": school_name,
        "vendor": vendor,
        "checklist": {"id": checklist.id, "version": checklist.version, "title": checklist.title},
        "assessment": {"id": assessment_id, "started_on": started_on.isoformat(), "status": status},
        "profile": profile_summary(checklist, profile),
        "result": result_dict,
        "knockouts": knockout_summary(checklist, result_dict),
        "sections": [
            {"id": s.id, "title": s.title, "intro": s.intro.strip()} for s in checklist.sections
        ],
        "children": childrens_code_summary(checklist, result),
        "decision": decision,
        "changes": changes or [],
        "previous": previous,
    }


def profile_summary(checklist: Checklist, profile: dict) -> list[dict]:
    rows = []
    for question in checklist.profile:
        value = profile.get(question.id)
        labels = {option.value: option.label for option in question.choices}
        if isinstance(value, list):
            answer = ", ".join(labels.get(v) or str(v) for v in value) or "None selected"
        else:
            answer = labels.get(value, value) if value else "Not answered"
        rows.append({"id": question.id, "text": question.text, "answer": answer})
    return rows


def childrens_code_summary(checklist: Checklist, result: Result) -> list[dict]:
    """Each Children's Code standard the checklist cites: met, partly met, not met or N/A, with
    the questions that keep it from being met (`unmet`)."""
    by_question = {q.question_id: q for q in result.questions}
    clauses: dict[str, list] = {}
    for question in checklist.questions.values():
        for reference in question.references:
            if reference.scheme == CHILDRENS_CODE and question.scored:
                clauses.setdefault(reference.clause, []).append(by_question[question.id])
    rows = []
    for clause in sorted(clauses, key=_natural):
        statuses = [_status(q) for q in clauses[clause]]
        counted = [s for s in statuses if s != CodeStatus.NOT_APPLICABLE]
        status = min(counted, key=WORST_FIRST.index) if counted else CodeStatus.NOT_APPLICABLE
        unmet = [
            q.question_id
            for q, each in zip(clauses[clause], statuses, strict=True)
            if each in (CodeStatus.NOT_MET, CodeStatus.PARTLY_MET)
        ]
        rows.append(
            {
                "clause": clause,
                "status": status,
                "label": status.label,
                "questions": [q.question_id for q in clauses[clause]],
                "unmet": unmet,
            }
        )
    return rows


def _status(question) -> CodeStatus:
    if question.status in (QuestionStatus.GATED_OUT, QuestionStatus.NOT_APPLICABLE):
        return CodeStatus.NOT_APPLICABLE
    credit = question.credit or 0
    if credit >= 1:
        return CodeStatus.MET
    return CodeStatus.PARTLY_MET if credit > 0 else CodeStatus.NOT_MET


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


# --- what pages and the PDF read ------------------------------------------------------------


def report_view(snapshot: dict) -> dict:
    """The snapshot plus derived, display-only structures."""
    result = snapshot["result"]
    provenance = snapshot.get("provenance") or {}
    questions = [q | {"provenance": provenance.get(q["question_id"])} for q in result["questions"]]
    sections = []
    section_scores = {s["section_id"]: s for s in result["sections"]}
    for meta in snapshot["sections"]:
        rows = [q for q in questions if q["section_id"] == meta["id"]]
        sections.append(meta | {"result": section_scores.get(meta["id"]), "questions": rows})
    limits = [lim | {"kind_label": LimitKind(lim["kind"]).label} for lim in result["limits"]]
    return {
        "snapshot": snapshot,
        "result": result,
        "provenance": provenance,
        "sources": answer_sources(
            provenance, sum(q["status"] != QuestionStatus.GATED_OUT for q in questions)
        ),
        "files": _files_by_question(snapshot.get("evidence_files") or []),
        "sections": sections,
        "limits": limits,
        "knockouts": snapshot.get("knockouts") or _fired_only(result),
        "answered": answered_counts(result),
        "chart": chart(result["sections"], result["thresholds"]),
        "actions": result["points_lost"],
        "gaps": result["evidence_gaps"],
        "decision": decision_view(snapshot.get("decision")),
        "children": [
            row | {"unmet": row.get("unmet", row["questions"])}
            for row in snapshot.get("children", [])
        ],
    }


def answer_sources(provenance: dict[str, dict], applicable: int) -> list[tuple[str, int]]:
    """[(where the answers came from, how many)] over the applicable questions, for the
    governors' report: the school's own answers first, then the supplier's by how the school
    reviewed them; answers copied from another school of the trust are counted again."""
    counts = Counter(row["label"] for row in provenance.values())
    own = Provenance.SCHOOL.label
    counts[own] += applicable - len(provenance)
    rows = sorted(
        ((label, n) for label, n in counts.items() if n > 0),
        key=lambda item: (item[0] != own, -item[1], item[0]),
    )
    copied = sum(1 for row in provenance.values() if row.get("copied_from"))
    if copied:
        rows.append(("Copied from another school's assessment", copied))
    return rows


def _files_by_question(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["question_id"], []).append(row)
    return grouped


GOVERNOR_ACTIONS = 10  # actions the governors' report lists besides those that block approval


def governor_actions(actions: list[dict], limit: int = GOVERNOR_ACTIONS) -> list[dict]:
    """The action plan as the governors' report prints it: every action that blocks approval,
    then the `limit` that cost the most points, in the plan's order (blocking first, then by
    weight × missing credit). The answers appendix prints the whole plan."""
    shown, others = [], 0
    for action in actions:
        if action.get("blocking"):
            shown.append(action)
        elif others < limit:
            shown.append(action)
            others += 1
    return shown


def _fired_only(result: dict) -> dict:
    """Snapshots frozen before knock-out summaries were stored: the fired ones, from the limits."""
    fired = [
        {"question_id": lim["question_id"], "text": lim["question_text"],
         "answer_label": lim["answer_label"]}
        for lim in result["limits"]
        if lim["kind"] == LimitKind.KNOCKOUT
    ]  # fmt: skip
    return {"fired": fired, "unresolved": []}


def answered_counts(result: dict) -> dict:
    """Applicable scored questions: answered (a known answer or N/A), answered “Not known”, and
    not answered. The task list and the review page both show these figures."""
    statuses = [
        q["status"]
        for q in result["questions"]
        if q["status"] not in (QuestionStatus.GATED_OUT, QuestionStatus.UNSCORED)
    ]
    unknown = sum(1 for s in statuses if s == QuestionStatus.UNKNOWN)
    known = sum(1 for s in statuses if s in COUNTS_AS_ANSWERED)
    return {
        "total": len(statuses),
        "answered": known + unknown,
        "known": known,
        "unknown": unknown,
        "not_answered": len(statuses) - known - unknown,
    }


def decision_view(decision: dict | None) -> dict | None:
    """A frozen decision record in one shape for the pages and the PDF: records frozen before
    two-person sign-off carry typed names (`signed_off_by`, `recorded_by`) instead of users."""
    if decision is None:
        return None

    def name(person: object) -> str:
        if isinstance(person, dict):
            return str(person.get("name") or "")
        return str(person or "")

    signed = decision.get("signed_off_by")
    proposer = decision.get("proposed_by") or decision.get("recorded_by")
    outcome = decision.get("outcome")
    return decision | {
        # The record keeps the English label; the page and the PDF say it in the reader's words.
        "label": Decision(outcome).label if outcome in set(Decision) else decision.get("label"),
        "signed_off_by_name": name(signed),
        "proposed_by_name": name(proposer),
        "proposed_on": decision.get("proposed_on") or decision["decided_on"],
        "signer_is_proposer": bool(decision.get("signer_is_proposer")),
        "typed_names": not isinstance(signed, dict),
        "departure_reason": decision.get("departure_reason"),
    }


def chart(sections: list[dict], thresholds: dict) -> dict:
    """Geometry for the section-score bar chart (an SVG drawn on the server)."""
    label_width, bar_width, row_height = 230, 300, 28
    rows = []
    for index, section in enumerate(s for s in sections if s["score"] is not None):
        rows.append(
            {
                "title": section["title"],
                "short": section["title"]
                if len(section["title"]) <= 34
                else section["title"][:32] + "…",
                "score": section["score"],
                "y": index * row_height + 10,
                "width": round(bar_width * section["score"] / 100, 1),
            }
        )
    lines = [
        {"band": band, "score": score, "x": label_width + round(bar_width * score / 100, 1)}
        for band, score in thresholds.items()
        if score > 0
    ]
    return {
        "rows": rows,
        "lines": lines,
        "label_width": label_width,
        "bar_width": bar_width,
        "width": label_width + bar_width + 60,
        "height": len(rows) * row_height + 20,
    }


def file_text(row: dict) -> str:
    """An evidence file in one line: "file dpa.pdf (48213 bytes, as of 2026-11-01, SHA-256 ...)"."""
    return (
        f"file {row['name']} ({row['size']} bytes, as of {row['as_of']}, SHA-256 {row['sha256']})"
    )


def source_text(row: dict | None) -> str:
    """Where an answer came from, in one cell: "School-overridden (supplier said: Yes; reason:
    ...)", "School-verified", "School's answer, copied from Oakfield, 1 December 2026"."""
    if not row:
        return "School's answer"
    text = row["label"]
    if row.get("copied_from"):
        text += f", copied {row['copied_from']}"
    if row.get("query"):
        text += f" (query: {row['query']})"
    if row.get("reason"):
        text += f" (supplier said: {row.get('supplier_answer', '')}; reason: {row['reason']})"
    return text


CSV_COLUMNS = [
    "Section",
    "Question ID",
    "Question",
    "Answer",
    "Credit",
    "Weight",
    "Points lost",
    "Action priority",
    "Blocks approval",
    "Remediation",
    "References",
    "Note",
    "Evidence",
    "Source",
    "Checklist",
    "Checklist version",
    "Engine version",
    "Input hash",
]


def answers_csv(snapshot: dict) -> str:
    """Answers and the action plan as CSV (one row per question, actions ranked)."""
    result = snapshot["result"]
    titles = {s["id"]: s["title"] for s in snapshot["sections"]}
    rank = {q["question_id"]: index for index, q in enumerate(result["points_lost"], start=1)}
    sources = snapshot.get("provenance") or {}
    files: dict[str, list[str]] = {}
    for row in snapshot.get("evidence_files") or []:
        files.setdefault(row["question_id"], []).append(file_text(row))
    # Every row names what produced it, so a row pasted elsewhere can still be traced.
    provenance = [
        result["checklist_id"],
        result["checklist_version"],
        result["engine_version"],
        result["inputs_hash"],
    ]
    rows = [
        [
            titles.get(q["section_id"], q["section_id"]),
            q["question_id"],
            q["text"],
            q["answer_label"],
            "" if q["credit"] is None else q["credit"],
            q["weight"],
            q["points_lost"],
            rank.get(q["question_id"], ""),
            "yes" if q["blocking"] else "",
            q["remediation"] if q["question_id"] in rank else "",
            "; ".join(q["references"]),
            q["note"],
            " ".join([*q["evidence"], *files.get(q["question_id"], [])]),
            source_text(sources.get(q["question_id"])),
            *provenance,
        ]
        for q in result["questions"]
        if q["status"] != QuestionStatus.GATED_OUT
    ]
    return csv_text(CSV_COLUMNS, rows)
