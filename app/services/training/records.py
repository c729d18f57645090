"""Training record keeping: reading lessons, starting and submitting knowledge checks, issuing
certificates, and the few queries behind "My training". Takes a SQLAlchemy session (the caller
commits); no Flask imports. The rules themselves live in quiz, progress and certificates."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.modules import Module
from app.models.training import Assignment, Certificate, LessonProgress, QuizAttempt
from app.models.users import User
from app.services.training import quiz
from app.services.training.assignments import assigned_modules
from app.services.training.certificates import expiry_for, needs_new_certificate, new_code
from app.services.training.progress import ModuleRow, training_overview
from app.util.upsert import insert_for

_SYSTEM_RANDOM = random.SystemRandom()


def lessons_read(session: Session, user: User, module_id: str | None = None) -> set[tuple]:
    """(module id, lesson slug) pairs the user has read, for one module or all."""
    stmt = select(LessonProgress.module_id, LessonProgress.lesson_slug).where(
        LessonProgress.school_id == user.school_id, LessonProgress.user_id == user.id
    )
    if module_id is not None:
        stmt = stmt.where(LessonProgress.module_id == module_id)
    return {tuple(row) for row in session.execute(stmt)}


def record_lesson_read(
    session: Session, user: User, module: Module, lesson_slug: str, now: datetime
) -> None:
    """Mark a lesson read (once; reading it again, or two submits at the same moment, change
    nothing: the row is inserted unless it is already there, in one statement)."""
    session.execute(
        insert_for(session, LessonProgress.__table__)
        .values(
            school_id=user.school_id,
            user_id=user.id,
            module_id=module.id,
            module_version=module.version,
            lesson_slug=lesson_slug,
            completed_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "module_id", "lesson_slug"])
    )


def open_attempt(session: Session, user: User, module: Module) -> QuizAttempt | None:
    """The unsubmitted attempt on the module's current version, if there is one."""
    stmt = (
        select(QuizAttempt)
        .where(
            QuizAttempt.school_id == user.school_id,
            QuizAttempt.user_id == user.id,
            QuizAttempt.module_id == module.id,
            QuizAttempt.module_version == module.version,
            QuizAttempt.submitted_at.is_(None),
        )
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


def start_attempt(
    session: Session,
    user: User,
    module: Module,
    now: datetime,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """Resume the open attempt, or draw a fresh paper and store it with a new attempt."""
    existing = open_attempt(session, user, module)
    if existing is not None:
        return existing
    paper = quiz.draw(module.questions, module.questions_per_attempt, rng or _SYSTEM_RANDOM)
    attempt = QuizAttempt(
        school_id=user.school_id,
        user_id=user.id,
        module_id=module.id,
        module_version=module.version,
        module_title=module.title,
        pass_mark=module.pass_mark,
        questions=paper,
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


def attempts_for(session: Session, user: User, module_id: str) -> list[QuizAttempt]:
    stmt = (
        select(QuizAttempt)
        .where(
            QuizAttempt.school_id == user.school_id,
            QuizAttempt.user_id == user.id,
            QuizAttempt.module_id == module_id,
            QuizAttempt.submitted_at.is_not(None),
        )
        .order_by(QuizAttempt.submitted_at.desc())
    )
    return list(session.execute(stmt).scalars())


def certificates_for(session: Session, user: User, module_id: str | None = None) -> list:
    """The user's certificates, newest first."""
    stmt = select(Certificate).where(
        Certificate.school_id == user.school_id, Certificate.user_id == user.id
    )
    if module_id is not None:
        stmt = stmt.where(Certificate.module_id == module_id)
    stmt = stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class Submission:
    grade: quiz.Grade
    certificate: Certificate | None  # the certificate this pass earned, if a new one was issued


def submit_attempt(
    session: Session,
    attempt: QuizAttempt,
    answers: Mapping[str, Sequence[str]],
    user: User,
    module: Module | None,
    now: datetime,
) -> Submission:
    """Grade a complete set of answers (check `quiz.answer_problems` first) and, on a pass,
    issue a certificate unless a current one still stands."""
    if attempt.is_submitted:
        raise ValueError("this attempt has already been submitted")
    result = quiz.grade(attempt.questions, answers, attempt.pass_mark)
    attempt.answers = {key: list(value) for key, value in answers.items()}
    attempt.correct_count = result.correct_count
    attempt.score = result.score
    attempt.passed = result.passed
    attempt.submitted_at = now
    certificate = None
    if result.passed:
        certificate = _maybe_issue(session, attempt, user, module, now)
    session.flush()
    return Submission(result, certificate)


def _maybe_issue(
    session: Session, attempt: QuizAttempt, user: User, module: Module | None, now: datetime
) -> Certificate | None:
    latest = next(iter(certificates_for(session, user, attempt.module_id)), None)
    if not needs_new_certificate(
        latest.expires_at if latest else None,
        latest.module_version if latest else None,
        attempt.module_version,
        now,
    ):
        return None
    if module is None or module.version != attempt.module_version:
        return None  # the module changed under an open attempt: no certificate for old content
    certificate = Certificate(
        school_id=user.school_id,
        user_id=user.id,
        attempt_id=attempt.id,
        code=new_code(),
        module_id=module.id,
        module_version=module.version,
        module_title=module.title,
        learner_name=user.display_name,
        score=attempt.score,
        cpd_minutes=module.cpd_minutes,
        issued_at=now,
        expires_at=expiry_for(now, module.certificate_validity_months),
    )
    session.add(certificate)
    return certificate


def my_training(
    session: Session, user: User, modules: Sequence[Module], now: datetime
) -> tuple[list[ModuleRow], list[ModuleRow]]:
    """(assigned, optional) module rows for "My training", in four queries whatever the
    number of modules, lessons read, attempts or certificates."""
    assignments = session.execute(
        select(Assignment).where(
            Assignment.school_id == user.school_id,
            (Assignment.user_id == user.id) | Assignment.user_id.is_(None),
        )
    ).scalars()
    attempted = session.execute(
        select(QuizAttempt.module_id)
        .where(QuizAttempt.school_id == user.school_id, QuizAttempt.user_id == user.id)
        .distinct()
    ).scalars()
    return training_overview(
        modules,
        assigned_modules(assignments, user.id, user.roles),
        lessons_read(session, user),
        list(attempted),
        certificates_for(session, user),
        now,
    )


def find_certificate(session: Session, code: str) -> Certificate | None:
    """Public lookup by verification code (already normalised)."""
    return session.execute(select(Certificate).where(Certificate.code == code)).scalar_one_or_none()
