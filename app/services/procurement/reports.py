"""The report view-model: one snapshot dict (frozen with a decision, or built live for a draft)
feeds the review page, the PDF, the CSV and the JSON export (no Flask imports).

`build_snapshot` takes plain values so it can be unit-tested; `report_view` adds what the pages
need (sections with their answers, the chart geometry, labels) without changing any figure.

A snapshot is English data, whoever builds or reads it (a decision freezes and hashes it), so
`report_view` and the CSV say its words in the reader's language from what it stores: labels
from their ids (a provenance kind, a Children's Code status, a decision's outcome) and the
engine's words through `scoring.answer_words` and `scoring.limit_reason`; whatever they do not
know (checklist content, an old snapshot's words) is shown as stored.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from enum import StrEnum

from app.content.checklists import Checklist
from app.models.procurement import Decision, Provenance
from app.services.procurement.decisions import knockout_summary
from app.services.procurement.scoring import (
    COUNTS_AS_ANSWERED,
    NONE_SELECTED,
    NOT_ANSWERED,
    LimitKind,
    QuestionStatus,
    Result,
    answer_words,
    limit_reason,
)
from app.util.csv_cells import csv_text
from app.util.i18n import DEFAULT_LOCALE, _, in_locale, lazy_gettext

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
            answer = ", ".join(labels.get(v) or str(v) for v in value) or NONE_SELECTED
        else:
            answer = labels.get(value, value) if value else NOT_ANSWERED
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
    """The snapshot plus derived, display-only structures, in the reader's language."""
    result = snapshot["result"]
    provenance = {
        question_id: shown_source(row)
        for question_id, row in (snapshot.get("provenance") or {}).items()
    }
    questions = [
        shown_answer(q) | {"provenance": provenance.get(q["question_id"])}
        for q in result["questions"]
    ]
    sections = []
    section_scores = {s["section_id"]: s for s in result["sections"]}
    for meta in snapshot["sections"]:
        rows = [q for q in questions if q["section_id"] == meta["id"]]
        sections.append(meta | {"result": section_scores.get(meta["id"]), "questions": rows})
    return {
        "snapshot": shown_snapshot(snapshot),
        "result": result,
        "provenance": provenance,
        "sources": answer_sources(
            provenance, sum(q["status"] != QuestionStatus.GATED_OUT for q in questions)
        ),
        "files": _files_by_question(snapshot.get("evidence_files") or []),
        "sections": sections,
        "limits": [shown_limit(lim) for lim in result["limits"]],
        "knockouts": shown_knockouts(snapshot.get("knockouts") or _fired_only(result)),
        "answered": answered_counts(result),
        "chart": chart(result["sections"], result["thresholds"]),
        "actions": [shown_answer(q) for q in result["points_lost"]],
        "gaps": result["evidence_gaps"],
        "decision": decision_view(snapshot.get("decision")),
        "children": [
            row
            | {
                "label": _code_status_label(row),
                "unmet": row.get("unmet", row["questions"]),
            }
            for row in snapshot.get("children", [])
        ],
    }


# --- a snapshot's stored words in the reader's language ---------------------------------------


def shown_answer(row: dict) -> dict:
    """A question (or an action, a knock-out) with its answer in the reader's words."""
    label = row.get("answer_label")
    return row | {"answer_label": answer_words(label)} if label else row


def shown_limit(limit: dict) -> dict:
    """A limit with its kind's label, its reason and its answer in the reader's language."""
    return shown_answer(limit) | {
        "kind_label": LimitKind(limit["kind"]).label,
        "reason": limit_reason(limit),
    }


def shown_knockouts(knockouts: dict) -> dict:
    return {
        "fired": [shown_answer(k) for k in knockouts.get("fired", [])],
        "unresolved": [shown_answer(k) for k in knockouts.get("unresolved", [])],
    }


def shown_source(row: dict) -> dict:
    """Where an answer came from: the label from its provenance kind, the supplier's answer in
    the reader's words."""
    shown = row | {"label": _source_label(row)}
    if row.get("supplier_answer"):
        shown["supplier_answer"] = answer_words(row["supplier_answer"])
    return shown


def _source_label(row: dict) -> str:
    kind = row.get("kind")
    return Provenance(kind).label if kind in set(Provenance) else str(row.get("label", ""))


def _code_status_label(row: dict) -> str:
    status = row.get("status")
    return CodeStatus(status).label if status in set(CodeStatus) else str(row.get("label", ""))


def shown_snapshot(snapshot: dict) -> dict:
    """The snapshot as the pages read it directly (the profile, the last decision, the changes
    since), its stored words in the reader's language; the stored snapshot is not changed."""
    previous = snapshot.get("previous")
    return snapshot | {
        "profile": [
            row | {"answer": answer_words(row["answer"])} for row in snapshot.get("profile", [])
        ],
        "previous": previous and previous | {"label": decision_label(previous.get("label"))},
        "changes": [
            change
            | {"before": answer_words(change["before"]), "after": answer_words(change["after"])}
            for change in snapshot.get("changes") or []
        ],
    }


def decision_label(stored: str | None) -> str | None:
    """A decision's label as a snapshot stores it (in English) in the reader's language."""
    with in_locale(DEFAULT_LOCALE):
        outcomes = {outcome.label: outcome for outcome in Decision}
    outcome = outcomes.get(stored or "")
    return outcome.label if outcome is not None else stored


def answer_sources(provenance: dict[str, dict], applicable: int) -> list[tuple[str, int]]:
    """[(where the answers came from, how many)] over the applicable questions, for the
    governors' report: the school's own answers first, then the supplier's by how the school
    reviewed them; answers copied from another school of the trust are counted again."""
    counts = Counter(_source_label(row) for row in provenance.values())
    own = Provenance.SCHOOL.label
    counts[own] += applicable - len(provenance)
    rows = sorted(
        ((label, n) for label, n in counts.items() if n > 0),
        key=lambda item: (item[0] != own, -item[1], item[0]),
    )
    copied = sum(1 for row in provenance.values() if row.get("copied_from"))
    if copied:
        rows.append((_("Copied from another school's assessment"), copied))
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
    return _(
        "file %(name)s (%(size)s bytes, as of %(date)s, SHA-256 %(hash)s)",
        name=row["name"],
        size=row["size"],
        date=row["as_of"],
        hash=row["sha256"],
    )


def source_text(row: dict | None) -> str:
    """Where an answer came from, in one cell, in the words of the answers appendix:
    "School-overridden; the supplier said “Yes”; reason for the school's answer: ...",
    "School-verified", "School's answer, copied from Oakfield, 1 December 2026"."""
    if not row:
        return Provenance.SCHOOL.label
    shown = shown_source(row)
    parts = [shown["label"]]
    if row.get("copied_from"):
        parts[0] += ", " + _("copied %(source)s", source=row["copied_from"])
    if row.get("query"):
        parts.append(_("query: %(query)s", query=row["query"]))
    if row.get("reason"):
        parts.append(
            _(
                "the supplier said “%(answer)s”; reason for the school's answer: %(reason)s",
                answer=shown.get("supplier_answer", ""),
                reason=row["reason"],
            )
        )
    return "; ".join(parts)


# The CSV's header row, in the reader's language.
CSV_COLUMNS = [
    lazy_gettext("Section"),
    lazy_gettext("Question ID"),
    lazy_gettext("Question"),
    lazy_gettext("Answer"),
    lazy_gettext("Credit"),
    lazy_gettext("Weight"),
    lazy_gettext("Points lost"),
    lazy_gettext("Action priority"),
    lazy_gettext("Blocks approval"),
    lazy_gettext("Remediation"),
    lazy_gettext("References"),
    lazy_gettext("Note"),
    lazy_gettext("Evidence"),
    lazy_gettext("Source"),
    lazy_gettext("Checklist"),
    lazy_gettext("Checklist version"),
    lazy_gettext("Engine version"),
    lazy_gettext("Input hash"),
]


def answers_csv(snapshot: dict) -> str:
    """Answers and the action plan as CSV (one row per question, actions ranked), in the
    reader's language: the header, the engine's words and the sources; checklist content and
    ids as stored."""
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
    # TRANSLATORS: in the CSV's "Blocks approval" column: the answer does block approval.
    blocks = _("Yes")
    rows = [
        [
            titles.get(q["section_id"], q["section_id"]),
            q["question_id"],
            q["text"],
            answer_words(q["answer_label"]),
            "" if q["credit"] is None else q["credit"],
            q["weight"],
            q["points_lost"],
            rank.get(q["question_id"], ""),
            blocks if q["blocking"] else "",
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
    return csv_text([str(column) for column in CSV_COLUMNS], rows)
