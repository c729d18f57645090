"""Saving one section of an assessment so that no one's work is lost (no Flask imports).

The section form carries, for each question, a fingerprint of the answer as the page showed it
(`base-<id>`). A save then merges per question, whoever saved in between:

- a question whose typed answer equals its base was not changed by this person: never written,
  so a colleague's answer and note saved meanwhile stay;
- a question changed here and not by anyone else since: written;
- a question changed here *and* by someone else since: not written; both answers are shown side
  by side (`keep-<id>`: "mine" or "theirs") and kept until the person chooses.

Saves of one assessment are serialised by taking its row lock first (an UPDATE of the row), then
reading the answers afresh, so concurrent saves queue instead of failing: nothing here raises
to the user because someone else saved. A form posted without fingerprints (a script) counts
every answer it sends as this person's change, and leaves the questions it does not mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.content.checklists import NOT_APPLICABLE, UNKNOWN, Checklist, Question
from app.models.base import rows_matched
from app.models.procurement import Answer, AnswerSource, Assessment, AssessmentStatus
from app.services.procurement.assessments import put_answer
from app.util.hashing import sha256_json
from app.util.i18n import _

MAX_TEXT = 5000
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
KEEP_MINE, KEEP_THEIRS = "mine", "theirs"


class AssessmentLocked(Exception):
    """The assessment was proposed for sign-off or decided before this save got its turn."""


@dataclass
class TypedAnswer:
    """What was typed for one question, kept even when invalid so nothing is lost."""

    value: str | list[str] | None = None
    note: str = ""
    evidence_text: str = ""

    @property
    def evidence(self) -> list[str]:
        return [line.strip() for line in self.evidence_text.splitlines() if line.strip()]

    @classmethod
    def of(cls, answer: Answer | None) -> TypedAnswer:
        if answer is None:
            return cls()
        return cls(answer.value, answer.note or "", "\n".join(answer.evidence or []))


def fingerprint(value: object, note: str | None, evidence: Iterable[str] | None) -> str:
    """A short digest of one answer, to tell whether it changed since a page showed it."""
    if isinstance(value, list | tuple):
        value = sorted(value) or None
    clean_evidence = [e.strip() for e in evidence or () if e and e.strip()]
    return sha256_json([value or None, (note or "").strip(), clean_evidence])[:20]


def fingerprint_of(answer: Answer | TypedAnswer | None) -> str:
    if answer is None:
        return fingerprint(None, "", [])
    if isinstance(answer, TypedAnswer):
        return fingerprint(answer.value, answer.note, answer.evidence)
    return fingerprint(answer.value, answer.note, answer.evidence)


@dataclass
class SectionForm:
    typed: dict[str, TypedAnswer] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    bases: dict[str, str] = field(default_factory=dict)  # question id -> fingerprint shown
    choices: dict[str, str | None] = field(default_factory=dict)  # open conflicts -> choice
    sent: set[str] = field(default_factory=set)  # questions the form had any field for

    def valid(self, question_id: str) -> bool:
        return not any(name.endswith(f"-{question_id}") for name in self.errors)


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
        if any(f"{kind}-{qid}" in form for kind in ("answer", "note", "evidence", "base")):
            parsed.sent.add(qid)
        if form.get(f"base-{qid}"):
            parsed.bases[qid] = str(form.get(f"base-{qid}"))[:40]
        if form.get(f"conflict-{qid}"):
            choice = form.get(f"keep-{qid}")
            parsed.choices[qid] = choice if choice in (KEEP_MINE, KEEP_THEIRS) else None
        _validate(checklist, question, typed, parsed.errors)
    return parsed


def _validate(checklist: Checklist, question: Question, typed: TypedAnswer, errors) -> None:
    qid, value = question.id, typed.value
    if question.type == "url":
        if value and not URL.match(str(value)):
            errors[f"answer-{qid}"] = _(
                "%(question)s: enter a full web address starting with https://", question=qid
            )
    elif question.type == "text":
        if value and len(str(value)) > MAX_TEXT:
            errors[f"answer-{qid}"] = _(
                "%(question)s: answer in %(num)d characters or fewer", question=qid, num=MAX_TEXT
            )
    elif value is not None:
        allowed = {o.value for o in checklist.options_for(question)} | {UNKNOWN}
        if question.allow_na:
            allowed.add(NOT_APPLICABLE)
        values = value if isinstance(value, list) else [value]
        if value == NOT_APPLICABLE and not question.allow_na:
            errors[f"answer-{qid}"] = _(
                "%(question)s: “Not applicable” is not allowed for this question", question=qid
            )
        elif any(v not in allowed for v in values):
            errors[f"answer-{qid}"] = _(
                "%(question)s: choose one of the answers listed", question=qid
            )
    if len(typed.note) > MAX_TEXT:
        errors[f"note-{qid}"] = _(
            "%(question)s: the note must be %(num)d characters or fewer", question=qid, num=MAX_TEXT
        )
    bad_links = [line for line in typed.evidence if not URL.match(line)]
    if bad_links:
        errors[f"evidence-{qid}"] = _(
            "%(question)s: each evidence link must be a web address starting with https://, one "
            "per line (check “%(link)s”)",
            question=qid,
            link=bad_links[0][:60],
        )


@dataclass(frozen=True)
class Conflict:
    """A question both people changed: their saved answer, and who saved it when."""

    question_id: str
    theirs: TypedAnswer
    by: str
    at: datetime | None


@dataclass
class SectionSave:
    """What a save did, and what the form shows next if it is shown again."""

    saved: list[str] = field(default_factory=list)
    kept_theirs: list[str] = field(default_factory=list)  # someone else's change, untouched
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, TypedAnswer] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return not self.conflicts and not self.errors


def _lock(session: Session, assessment: Assessment) -> None:
    """Take the assessment's row lock (and, on SQLite, the write lock) before reading answers;
    a save racing this one waits here until this one commits."""
    locked = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == AssessmentStatus.DRAFT)
        .values(version=Assessment.version)
        .execution_options(synchronize_session=False)
    )
    if rows_matched(locked) != 1:
        raise AssessmentLocked


def save_section(
    session: Session,
    assessment: Assessment,
    parsed: SectionForm,
    *,
    user_id: int | None,
    user_name: str,
    now: datetime,
    source: AnswerSource | None = None,
) -> SectionSave:
    """Merge this person's changes into the saved answers (see the module docstring).

    `source` is AnswerSource.SUPPLIER when a supplier saves through its response link (no
    user): its answers then wait for the school's review.
    Raises AssessmentLocked if the assessment stopped being a draft. The caller commits."""
    _lock(session, assessment)
    session.refresh(assessment, ["version", "status"])
    saved_answers = {
        a.question_id: a
        for a in session.execute(
            select(Answer)
            .where(Answer.assessment_id == assessment.id)
            .execution_options(populate_existing=True)
        ).scalars()
    }
    outcome = SectionSave(errors=dict(parsed.errors))
    to_write: list[str] = []
    for qid, typed in parsed.typed.items():
        current = saved_answers.get(qid)
        theirs = fingerprint_of(current)
        if qid not in parsed.sent:  # a script's form without this question: left as it is
            outcome.typed[qid], outcome.bases[qid] = TypedAnswer.of(current), theirs
            continue
        base = parsed.bases.get(qid, theirs)
        mine = fingerprint_of(typed)
        outcome.typed[qid], outcome.bases[qid] = typed, base
        if not parsed.valid(qid):
            continue  # shown again with its error; the base stays what the person saw
        if qid in parsed.choices:
            choice = parsed.choices[qid]
            if choice == KEEP_THEIRS or (choice == KEEP_MINE and mine == theirs):
                outcome.typed[qid], outcome.bases[qid] = TypedAnswer.of(current), theirs
                continue
            if choice is None:
                outcome.errors[f"keep-{qid}"] = _(
                    "%(question)s: choose which answer to keep", question=qid
                )
                outcome.conflicts[qid] = _conflict(qid, current)
                continue
        if mine == base:
            # Not changed here: whatever is saved now (perhaps a colleague's change) stays.
            if theirs != base:
                outcome.kept_theirs.append(qid)
            outcome.typed[qid], outcome.bases[qid] = TypedAnswer.of(current), theirs
        elif mine == theirs:
            outcome.bases[qid] = theirs  # the same change was saved already
        elif theirs != base:
            outcome.conflicts[qid] = _conflict(qid, current)
            outcome.bases[qid] = theirs  # choosing "mine" next time overwrites this version
        else:
            to_write.append(qid)
    if to_write:
        session.execute(
            update(Assessment)
            .where(Assessment.id == assessment.id)
            .values(version=Assessment.version + 1, updated_at=now, updated_by_id=user_id)
            .execution_options(synchronize_session=False)
        )
        session.refresh(assessment, ["version", "updated_at", "updated_by_id"])
        for qid in to_write:
            typed = parsed.typed[qid]
            put_answer(
                assessment, qid, typed.value, typed.note, typed.evidence,
                user_id=user_id, user_name=user_name, now=now, existing=saved_answers,
                source=source,
            )  # fmt: skip
            outcome.bases[qid] = fingerprint_of(typed)
        outcome.saved = to_write
    return outcome


def _conflict(qid: str, current: Answer | None) -> Conflict:
    return Conflict(
        qid,
        TypedAnswer.of(current),
        (current.updated_by_name if current else None) or _("a colleague"),
        current.updated_at if current else None,
    )
