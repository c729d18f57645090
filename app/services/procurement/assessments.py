"""Assessment rules: starting (and re-starting) an assessment, reading and saving answers with
optimistic locking, section progress, and what changed since the previous assessment.

No Flask imports: forms arrive as any mapping with `get` and `getlist` (a werkzeug MultiDict).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.content.checklists import NOT_APPLICABLE, UNKNOWN, Checklist, Question, Section
from app.content.expressions import evaluate
from app.models.procurement import Answer, Assessment, Vendor
from app.services.procurement.scoring import AnswerInput, Result, answer_label, score_assessment

MAX_TEXT = 5000
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_DEFINITIONS: dict[tuple, Checklist] = {}


class StaleAssessment(Exception):
    """Someone else saved the assessment after this form was opened."""


def checklist_definition(checklist: Checklist) -> dict:
    return checklist.model_dump(mode="json", by_alias=True, exclude_none=True)


def checklist_for(assessment: Assessment, loaded: dict[str, Checklist]) -> Checklist:
    """The exact checklist an assessment was started on (the loaded one if it is the same)."""
    current = loaded.get(assessment.checklist_id)
    if current is not None and current.version == assessment.checklist_version:
        return current
    key = (assessment.checklist_id, assessment.checklist_version, assessment.id)
    if key not in _DEFINITIONS:
        _DEFINITIONS[key] = Checklist.model_validate(assessment.checklist_definition)
    return _DEFINITIONS[key]


def start_assessment(
    session: Session,
    vendor: Vendor,
    checklist: Checklist,
    *,
    user_id: int | None,
    user_name: str,
    now: datetime,
    previous: Assessment | None = None,
) -> Assessment:
    """A new draft on the current checklist version, pre-filled from `previous` when given."""
    assessment = Assessment(
        school_id=vendor.school_id,
        vendor=vendor,
        checklist_id=checklist.id,
        checklist_version=checklist.version,
        checklist_definition=checklist_definition(checklist),
        profile={},
        created_by_id=user_id,
        updated_by_id=user_id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(assessment)
    if previous is not None:
        assessment.previous_id = previous.id
        assessment.profile = {
            k: v for k, v in (previous.profile or {}).items() if k in checklist.profile_by_id
        }
        for old in previous.answers:
            question = checklist.questions.get(old.question_id)
            if question is None or not still_valid(checklist, question, old.value):
                continue
            put_answer(
                assessment, old.question_id, old.value, old.note or "", old.evidence or [],
                user_id=user_id, user_name=user_name, now=now, existing={},
            )  # fmt: skip
    return assessment


def put_answer(
    assessment: Assessment,
    question_id: str,
    value: str | list[str] | None,
    note: str,
    evidence: list[str],
    *,
    user_id: int | None,
    user_name: str,
    now: datetime,
    existing: dict[str, Answer] | None = None,
) -> Answer:
    """Create or change the assessment's answer to one question: the one place Answer rows are
    written (filling in, re-assessing, importing, the demo). The answer is stamped with the
    assessment's current version, so a stale save can show whose change it met.

    `existing` is the assessment's answers by question id when the caller already has them
    (`{}` for a new assessment), saving a lookup per answer.
    """
    answers = assessment.answers_by_question() if existing is None else existing
    answer = answers.get(question_id)
    if answer is None:
        answer = Answer(school_id=assessment.school_id, question_id=question_id)
        assessment.answers.append(answer)
        answers[question_id] = answer
    answer.value, answer.note, answer.evidence = value, note, list(evidence)
    answer.changed_in_version = assessment.version
    answer.updated_by_id, answer.updated_by_name, answer.updated_at = user_id, user_name, now
    return answer


def still_valid(checklist: Checklist, question: Question, value) -> bool:
    if value in (None, UNKNOWN) or not question.scored:
        return True
    if value == NOT_APPLICABLE:
        return question.allow_na
    allowed = {option.value for option in checklist.options_for(question)}
    values = value if isinstance(value, list) else [value]
    return all(v in allowed for v in values)


def answer_inputs(assessment: Assessment) -> dict[str, AnswerInput]:
    return {
        a.question_id: AnswerInput(
            tuple(a.value) if isinstance(a.value, list) else a.value,
            a.note or "",
            tuple(a.evidence or ()),
        )
        for a in assessment.answers
    }


def compute(assessment: Assessment, checklist: Checklist) -> Result:
    return score_assessment(checklist, assessment.profile or {}, answer_inputs(assessment))


# --- profile --------------------------------------------------------------------------------


def parse_profile_form(checklist: Checklist, form) -> tuple[dict, dict[str, str]]:
    """Profile answers from a form, and an error per missing or invalid question."""
    profile: dict = {}
    errors: dict[str, str] = {}
    for question in checklist.profile:
        allowed = {option.value for option in question.choices}
        if question.type == "multi_choice":
            values = [v for v in form.getlist(question.id) if v]
            if any(v not in allowed for v in values):
                errors[question.id] = f"Choose from the options listed for: {question.text}"
            profile[question.id] = [v for v in values if v in allowed]
        elif question.type == "text":
            text = (form.get(question.id) or "").strip()
            if len(text) > 500:
                errors[question.id] = "Answer in 500 characters or fewer"
            profile[question.id] = text[:500]
        else:
            value = form.get(question.id) or ""
            if value not in allowed:
                errors[question.id] = f"Answer this question: {question.text}"
            else:
                profile[question.id] = value
    return profile, errors


# --- sections ------------------------------------------------------------------------------


@dataclass
class TypedAnswer:
    """What was typed for one question, kept even when invalid so nothing is lost."""

    value: str | list[str] | None = None
    note: str = ""
    evidence_text: str = ""

    @property
    def evidence(self) -> list[str]:
        return [line.strip() for line in self.evidence_text.splitlines() if line.strip()]


@dataclass
class SectionForm:
    typed: dict[str, TypedAnswer] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message

    def valid(self, question_id: str) -> bool:
        return not any(name.endswith(f"-{question_id}") for name in self.errors)


def applicable_questions(checklist: Checklist, section: Section, profile: dict) -> list[Question]:
    if not evaluate(section.applies_if, profile):
        return []
    return [q for q in section.questions if evaluate(q.applies_if, profile)]


def parse_section_form(checklist: Checklist, questions: list[Question], form) -> SectionForm:
    parsed = SectionForm()
    for question in questions:
        qid = question.id
        if question.type == "multi_choice":
            raw = [v for v in form.getlist(f"answer-{qid}") if v]
            value: str | list[str] | None = raw or None
            if raw and (UNKNOWN in raw or NOT_APPLICABLE in raw):
                value = UNKNOWN if UNKNOWN in raw else NOT_APPLICABLE
        else:
            value = (form.get(f"answer-{qid}") or "").strip() or None
        typed = TypedAnswer(
            value=value,
            note=(form.get(f"note-{qid}") or "").strip(),
            evidence_text=(form.get(f"evidence-{qid}") or "").strip(),
        )
        parsed.typed[qid] = typed
        _validate(checklist, question, typed, parsed.errors)
    return parsed


def _validate(checklist: Checklist, question: Question, typed: TypedAnswer, errors) -> None:
    qid, value = question.id, typed.value
    if question.type == "url":
        if value and not URL.match(str(value)):
            errors[f"answer-{qid}"] = f"{qid}: enter a full web address starting with https://"
    elif question.type == "text":
        if value and len(str(value)) > MAX_TEXT:
            errors[f"answer-{qid}"] = f"{qid}: answer in {MAX_TEXT} characters or fewer"
    elif value is not None:
        allowed = {o.value for o in checklist.options_for(question)} | {UNKNOWN}
        if question.allow_na:
            allowed.add(NOT_APPLICABLE)
        values = value if isinstance(value, list) else [value]
        if value == NOT_APPLICABLE and not question.allow_na:
            errors[f"answer-{qid}"] = f"{qid}: “Not applicable” is not allowed for this question"
        elif any(v not in allowed for v in values):
            errors[f"answer-{qid}"] = f"{qid}: choose one of the answers listed"
    if len(typed.note) > MAX_TEXT:
        errors[f"note-{qid}"] = f"{qid}: the note must be {MAX_TEXT} characters or fewer"
    bad_links = [line for line in typed.evidence if not URL.match(line)]
    if bad_links:
        errors[f"evidence-{qid}"] = (
            f"{qid}: each evidence link must be a web address starting with https://, one per "
            f"line (check “{bad_links[0][:60]}”)"
        )


def save_section(
    session: Session,
    assessment: Assessment,
    parsed: SectionForm,
    *,
    expected_version: int,
    user_id: int,
    user_name: str,
    now: datetime,
) -> int:
    """Save every valid answer in `parsed`; returns how many changed.

    Raises StaleAssessment (and saves nothing) if the assessment moved on since `expected_version`.
    The version check is a conditional UPDATE, so two saves racing cannot both win.
    """
    bumped = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.version == expected_version)
        .values(version=Assessment.version + 1, updated_at=now, updated_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise StaleAssessment
    session.refresh(assessment, ["version", "updated_at", "updated_by_id"])
    existing = assessment.answers_by_question()
    changed = 0
    for qid, typed in parsed.typed.items():
        if not parsed.valid(qid):
            continue
        answer = existing.get(qid)
        new = (typed.value, typed.note, typed.evidence)
        if answer is not None and (answer.value, answer.note or "", answer.evidence or []) == new:
            continue
        if answer is None and new == (None, "", []):
            continue
        put_answer(
            assessment, qid, typed.value, typed.note, typed.evidence,
            user_id=user_id, user_name=user_name, now=now, existing=existing,
        )  # fmt: skip
        changed += 1
    return changed


def bump_version(session: Session, assessment: Assessment, expected_version: int, **values) -> None:
    """Conditional version bump for other edits (profile); raises StaleAssessment if stale."""
    bumped = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.version == expected_version)
        .values(version=Assessment.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise StaleAssessment
    session.refresh(assessment)


def conflicts(answers: Iterable[Answer], questions: list[Question], since_version: int) -> list:
    """Answers in these questions that someone changed after `since_version`."""
    ids = {q.id for q in questions}
    return [a for a in answers if a.question_id in ids and a.changed_in_version > since_version]


class SectionProgress(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return SECTION_PROGRESS_LABELS[self]


SECTION_PROGRESS_LABELS = {
    SectionProgress.NOT_APPLICABLE: "Does not apply",
    SectionProgress.NOT_STARTED: "Not started",
    SectionProgress.IN_PROGRESS: "In progress",
    SectionProgress.COMPLETE: "Complete",
}


@dataclass(frozen=True)
class SectionStatus:
    section: Section
    applies: bool
    answered: int
    total: int

    @property
    def status(self) -> SectionProgress:
        if not self.applies:
            return SectionProgress.NOT_APPLICABLE
        if self.total and self.answered >= self.total:
            return SectionProgress.COMPLETE
        return SectionProgress.IN_PROGRESS if self.answered else SectionProgress.NOT_STARTED


def section_statuses(checklist: Checklist, assessment: Assessment) -> list[SectionStatus]:
    """Progress per section: scored questions with any answer (unknown counts as answered)."""
    answers = assessment.answers_by_question()
    statuses = []
    for section in checklist.sections:
        questions = [
            q for q in applicable_questions(checklist, section, assessment.profile) if q.scored
        ]
        answered = sum(
            1 for q in questions if answers.get(q.id) is not None and answers[q.id].value
        )
        applies = evaluate(section.applies_if, assessment.profile)
        statuses.append(SectionStatus(section, applies, answered, len(questions)))
    return statuses


@dataclass(frozen=True)
class Change:
    question_id: str
    text: str
    before: str
    after: str


def changes_since(
    checklist: Checklist,
    answers: Mapping[str, object],
    previous_checklist: Checklist,
    previous_answers: Mapping[str, object],
) -> list[Change]:
    """Answers (question id -> value) that differ from the previous assessment of the product,
    in the current checklist's order, each labelled in its own checklist version."""
    changes = []
    for question in checklist.questions.values():
        new_value, old_value = answers.get(question.id), previous_answers.get(question.id)
        if _same(new_value, old_value):
            continue
        before = _label(previous_checklist, question.id, old_value)
        changes.append(
            Change(question.id, question.text, before, _label(checklist, question.id, new_value))
        )
    return changes


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _label(checklist: Checklist, question_id: str, value) -> str:
    question = checklist.questions.get(question_id)
    if question is None:
        return "(not in this version)"
    return answer_label(checklist, question, tuple(value) if isinstance(value, list) else value)
