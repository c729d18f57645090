"""Training record keeping: reading lessons, starting and submitting knowledge checks, issuing
certificates, and the few queries behind "My training", a module page and a result page. Takes
a SQLAlchemy session (the caller commits); no Flask imports. The rules themselves live in quiz,
progress and certificates."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.modules import Module
from app.models.base import table_of
from app.models.oversight import SchoolSettings
from app.models.training import Assignment, Certificate, LessonProgress, QuizAttempt
from app.models.users import User
from app.services.training import quiz
from app.services.training.assignments import assigned_modules
from app.services.training.certificates import (
    credited_cpd_minutes,
    expiry_for,
    major_version,
    needs_new_certificate,
    new_code,
)
from app.services.training.progress import (
    CheckGate,
    ModuleRow,
    check_gate,
    read_slugs,
    training_overview,
)
from app.util.upsert import insert_for

_SYSTEM_RANDOM = random.SystemRandom()


class CheckNotOpen(Exception):
    """Starting the knowledge check was refused; `gate` says why (lessons unread, or a wait)."""

    def __init__(self, gate: CheckGate) -> None:
        super().__init__("the knowledge check is not open yet")
        self.gate = gate


def lessons_read(
    session: Session, user: User, module_id: str | None = None
) -> list[tuple[str, str, str]]:
    """(module id, lesson slug, module version read under) rows of the user, for one module or
    all; `progress.read_slugs` says which count for a module now."""
    stmt = select(
        LessonProgress.module_id, LessonProgress.lesson_slug, LessonProgress.module_version
    ).where(LessonProgress.school_id == user.school_id, LessonProgress.user_id == user.id)
    if module_id is not None:
        stmt = stmt.where(LessonProgress.module_id == module_id)
    return [tuple(row) for row in session.execute(stmt)]


def read_in(session: Session, user: User, module: Module) -> set[str]:
    """Slugs of the module's lessons the user has read under its current major version."""
    return read_slugs(module, lessons_read(session, user, module.id))


def record_lesson_read(
    session: Session, user: User, module: Module, lesson_slug: str, now: datetime
) -> None:
    """Mark a lesson read: once per major version of the module. Reading it again, or two
    submits at the same moment, change nothing (the row is inserted unless it is already there,
    in one statement); reading it after a major change records it for the new version."""
    session.execute(
        insert_for(session, table_of(LessonProgress))
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
    row = session.execute(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id,
            LessonProgress.module_id == module.id,
            LessonProgress.lesson_slug == lesson_slug,
        )
    ).scalar_one()
    if major_version(row.module_version) != major_version(module.version):
        row.module_version, row.completed_at = module.version, now


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


def _retake_wait_minutes(session: Session, school_id: int) -> int | None:
    return session.execute(
        select(SchoolSettings.retake_wait_minutes).where(SchoolSettings.school_id == school_id)
    ).scalar_one_or_none()


def gate_for(
    session: Session,
    user: User,
    module: Module,
    attempts: Sequence[QuizAttempt],
    read: set[str],
    now: datetime,
) -> CheckGate:
    """Whether the user may start the module's check now. `attempts` are their submitted
    attempts at it, newest first (`attempts_for`)."""
    latest = attempts[0] if attempts else None
    failed_at = latest.submitted_at if latest is not None and not latest.passed else None
    wait = _retake_wait_minutes(session, user.school_id) if failed_at else None
    return check_gate(module, read, failed_at, wait, now)


def start_attempt(
    session: Session,
    user: User,
    module: Module,
    now: datetime,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """Resume the open attempt, or draw a fresh paper and store it with a new attempt: the
    questions seen least often first. Raises CheckNotOpen while lessons are unread (for a
    module whose check opens after the lessons) or the school's wait after a failure lasts."""
    attempts = attempts_for(session, user, module.id)
    read = read_in(session, user, module)
    gate = gate_for(session, user, module, attempts, read, now)
    if gate.unread:
        raise CheckNotOpen(gate)
    existing = open_attempt(session, user, module)
    if existing is not None:
        return existing
    if not gate.is_open:
        raise CheckNotOpen(gate)
    seen = quiz.times_seen(attempt.questions for attempt in attempts)
    paper = quiz.draw(
        module.questions, module.questions_per_attempt, rng or _SYSTEM_RANDOM, times_seen=seen
    )
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
    read = read_in(session, user, module)
    minutes = {lesson.slug: lesson.minutes for lesson in module.lessons}
    certificate = Certificate(
        school_id=user.school_id,
        user_id=user.id,
        attempt_id=attempt.id,
        code=new_code(),
        module_id=module.id,
        module_version=module.version,
        module_title=module.title,
        learner_name=user.display_name,
        school_name=user.school.name,
        score=attempt.score,
        cpd_minutes=credited_cpd_minutes(module.cpd_minutes, minutes, read),
        lessons_read=len(read),
        lesson_count=len(module.lessons),
        issued_at=now,
        expires_at=expiry_for(now, module.certificate_validity_months),
    )
    session.add(certificate)
    return certificate


@dataclass(frozen=True)
class ModulePage:
    """What a module page shows one learner."""

    read: set[str]  # lesson slugs that count as read
    attempts: list[QuizAttempt]  # submitted, newest first
    open_attempt: QuizAttempt | None
    certificate: Certificate | None  # the latest
    gate: CheckGate


def module_page(session: Session, user: User, module: Module, now: datetime) -> ModulePage:
    read = read_in(session, user, module)
    attempts = attempts_for(session, user, module.id)
    certificates = certificates_for(session, user, module.id)
    return ModulePage(
        read=read,
        attempts=attempts,
        open_attempt=open_attempt(session, user, module),
        certificate=certificates[0] if certificates else None,
        gate=gate_for(session, user, module, attempts, read, now),
    )


@dataclass(frozen=True)
class AttemptReview:
    """A submitted attempt's result page."""

    grade: quiz.Grade
    certificate: Certificate | None  # earned by this attempt, or the one a practice pass keeps
    reveal_answers: bool  # right options and explanations: once the learner has passed
    gate: CheckGate | None  # for a retake (None when the module is gone)


def review_attempt(
    session: Session, user: User, attempt: QuizAttempt, module: Module | None, now: datetime
) -> AttemptReview:
    """The grade, and what the learner may see: after a failure, which answers were wrong and
    why, but not the right options, until a pass of the module (this attempt or a later one)."""
    result = quiz.grade(attempt.questions, attempt.answers or {}, attempt.pass_mark)
    attempts = attempts_for(session, user, attempt.module_id)
    submitted = attempt.submitted_at
    passed_since = submitted is not None and any(
        other.passed and other.submitted_at is not None and other.submitted_at >= submitted
        for other in attempts
    )
    certificates = certificates_for(session, user, attempt.module_id)
    certificate = next((c for c in certificates if c.attempt_id == attempt.id), None)
    if certificate is None and attempt.passed and certificates:
        certificate = certificates[0]
    gate = None
    if module is not None:
        read = read_in(session, user, module)
        gate = gate_for(session, user, module, attempts, read, now)
    return AttemptReview(result, certificate, attempt.passed or passed_since, gate)


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
        select(QuizAttempt.module_id, QuizAttempt.module_version)
        .where(QuizAttempt.school_id == user.school_id, QuizAttempt.user_id == user.id)
        .distinct()
    )
    return training_overview(
        modules,
        assigned_modules(assignments, user.id, user.roles),
        lessons_read(session, user),
        [tuple(row) for row in attempted],
        certificates_for(session, user),
        now,
    )


def find_certificate(session: Session, code: str) -> Certificate | None:
    """Public lookup by verification code (already normalised)."""
    return session.execute(select(Certificate).where(Certificate.code == code)).scalar_one_or_none()
