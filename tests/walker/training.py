"""Route-walker samples for the training URLs: module and lesson ids come from the loaded
content (not school-owned); attempts and certificates belong to a teacher in school A."""

from datetime import timedelta

from app.content.registry import content
from app.models import db
from app.models.base import utcnow
from app.models.training import Certificate, QuizAttempt
from tests.walker import Sample


def _first_module():
    return next(iter(content().modules.values()))


def _attempt_id(world) -> int:
    teacher = world.user("A", "teacher")
    module = _first_module()
    attempt = QuizAttempt(
        school_id=teacher.school_id,
        user_id=teacher.id,
        module_id=module.id,
        module_version=module.version,
        module_title=module.title,
        pass_mark=module.pass_mark,
        questions=[],
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt.id


def _certificate_id(world) -> int:
    teacher = world.user("A", "teacher")
    module = _first_module()
    now = utcnow()
    certificate = Certificate(
        school_id=teacher.school_id,
        user_id=teacher.id,
        code=f"WALK-{teacher.id:04d}-{now.microsecond:06d}",
        module_id=module.id,
        module_version=module.version,
        module_title=module.title,
        learner_name=teacher.display_name,
        score=100,
        cpd_minutes=module.cpd_minutes,
        issued_at=now,
        expires_at=now + timedelta(days=365),
    )
    db.session.add(certificate)
    db.session.commit()
    return certificate.id


SAMPLES = {
    "module_id": Sample(lambda world: _first_module().id, owned=False),
    "lesson_slug": Sample(lambda world: _first_module().lessons[0].slug, owned=False),
    "attempt_id": Sample(_attempt_id, owned=True),
    "certificate_id": Sample(_certificate_id, owned=True),
    "code": Sample(lambda world: "7K3M-Q9XZ-0D4R-TT8B-M2QA", owned=False),
}

PUBLIC_ENDPOINTS = {"verify.verify", "verify.verify_code"}
