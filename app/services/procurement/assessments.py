"""Assessment rules: starting (and re-starting) an assessment, writing answers (`put_answer`,
the one writer of Answer rows), the profile, the version counter, section progress and what
changed since the previous assessment. Saving a section's form is in `section_saves.py`.

No Flask imports: forms arrive as any mapping with `get` and `getlist` (a werkzeug MultiDict).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.content.checklists import NOT_APPLICABLE, UNKNOWN, Checklist, Question, Section
from app.content.expressions import evaluate
from app.models.base import rows_matched
from app.models.procurement import Answer, AnswerSource, Assessment, SupplierReview, Vendor
from app.services.procurement.reports import answered_counts
from app.services.procurement.scoring import (
    NOT_IN_THIS_VERSION,
    AnswerInput,
    Result,
    answer_label,
    score_assessment,
)
from app.util.i18n import _, lazy_gettext

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
    source: AnswerSource | None = None,
    review: SupplierReview | None = None,
) -> Answer:
    """Create or change the assessment's answer to one question: the one place Answer rows are
    written (filling in, re-assessing, importing, the demo). The answer is stamped with the
    assessment's current version, so a stale save can show whose change it met.

    `existing` is the assessment's answers by question id when the caller already has them
    (`{}` for a new assessment), saving a lookup per answer. `source` and `review` say whose
    answer it is (None: the school's own) and where the school's review of a supplier's answer
    stands; a supplier's saved answer waits for review.
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
    answer.source = source
    answer.copied_from = None  # written here: the writer's own (a copy sets it after)
    if source is None:
        answer.review = answer.review_note = None
        answer.supplier_value = answer.supplier_note = None
    else:
        answer.review = review or SupplierReview.PENDING
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
    values = {
        q.id: [v for v in form.getlist(q.id) if v] if q.type == "multi_choice" else form.get(q.id)
        for q in checklist.profile
    }
    return validate_profile(checklist, values)


PROFILE_TEXT_MAX = 500


def validate_profile(checklist: Checklist, values: Mapping[str, object]) -> tuple[dict, dict]:
    """The profile answers this checklist allows, and an error per question that is missing or
    has an answer it does not offer (the profile form and an import both check this way)."""
    profile: dict = {}
    errors: dict[str, str] = {}
    for question in checklist.profile:
        allowed = {option.value: option.label for option in question.choices}
        given = values.get(question.id)
        if question.type == "multi_choice":
            chosen = given if isinstance(given, list | tuple) else ([given] if given else [])
            bad = [str(v) for v in chosen if v not in allowed]
            if bad:
                errors[question.id] = _(
                    "%(question)s “%(answer)s” is not one of its answers",
                    question=question.text,
                    answer=bad[0][:40],
                )
            profile[question.id] = [v for v in chosen if v in allowed]
        elif question.type == "text":
            text = (given if isinstance(given, str) else "").strip()
            if len(text) > PROFILE_TEXT_MAX:
                errors[question.id] = _(
                    "Answer in %(num)d characters or fewer", num=PROFILE_TEXT_MAX
                )
            profile[question.id] = text[:PROFILE_TEXT_MAX]
        elif given in (None, ""):
            errors[question.id] = _("Answer this question: %(question)s", question=question.text)
        elif not isinstance(given, str) or given not in allowed:
            shown = ", ".join(map(str, given)) if isinstance(given, list) else str(given)
            errors[question.id] = _(
                "%(question)s “%(answer)s” is not one of its answers (%(answers)s)",
                question=question.text,
                answer=str(shown)[:40],
                answers=", ".join(allowed.values()),
            )
        else:
            profile[question.id] = given
    return profile, errors


# --- sections ------------------------------------------------------------------------------


def applicable_questions(checklist: Checklist, section: Section, profile: dict) -> list[Question]:
    if not evaluate(section.applies_if, profile):
        return []
    return [q for q in section.questions if evaluate(q.applies_if, profile)]


def bump_version(session: Session, assessment: Assessment, expected_version: int, **values) -> None:
    """Conditional version bump (profile, proposal, sign-off); raises StaleAssessment if stale."""
    bumped = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.version == expected_version)
        .values(version=Assessment.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if rows_matched(bumped) != 1:
        raise StaleAssessment
    session.refresh(assessment)


class SectionProgress(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    NOT_KNOWN = "not_known"  # every question answered, some of them "Not known"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return str(SECTION_PROGRESS_LABELS[self])


SECTION_PROGRESS_LABELS = {
    SectionProgress.NOT_APPLICABLE: lazy_gettext("Does not apply"),
    SectionProgress.NOT_STARTED: lazy_gettext("Not started"),
    SectionProgress.IN_PROGRESS: lazy_gettext("In progress"),
    SectionProgress.NOT_KNOWN: lazy_gettext("Answered, some not known"),
    SectionProgress.COMPLETE: lazy_gettext("Complete"),
}


@dataclass(frozen=True)
class SectionStatus:
    section: Section
    applies: bool
    answered: int  # a known answer, N/A or "Not known"
    unknown: int  # of those, "Not known"
    total: int

    @property
    def status(self) -> SectionProgress:
        if not self.applies or not self.total:
            return SectionProgress.NOT_APPLICABLE
        if self.answered >= self.total:
            return SectionProgress.NOT_KNOWN if self.unknown else SectionProgress.COMPLETE
        return SectionProgress.IN_PROGRESS if self.answered else SectionProgress.NOT_STARTED


def section_statuses(checklist: Checklist, result: dict) -> list[SectionStatus]:
    """Progress per section, counted from the scored result the review page shows, so the two
    always agree: "Not known" is answered, but not a known answer."""
    statuses = []
    for section, summary in zip(checklist.sections, result["sections"], strict=True):
        rows = [q for q in result["questions"] if q["section_id"] == section.id]
        counts = answered_counts({"questions": rows})
        applies = counts["total"] > 0 or summary["applicable"]
        statuses.append(
            SectionStatus(section, applies, counts["answered"], counts["unknown"], counts["total"])
        )
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
        return NOT_IN_THIS_VERSION
    return answer_label(checklist, question, tuple(value) if isinstance(value, list) else value)
