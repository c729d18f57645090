"""Demo data for a newcomer: a trust, two schools, one user per role in each (idempotent).

Training and procurement add their own demo records in `app/<domain>/demo.py`.
"""

from collections.abc import Callable

from sqlalchemy import select

from app.auth.session import hashing
from app.models import Role, School, Trust, User, db

DEMO_PASSWORD = "demo-school-privacy-2026"  # noqa: S105 (printed for the demo on purpose)
DEMO_TRUST = "Demo Learning Trust"
DEMO_SCHOOLS = (
    ("Oakfield Primary School", "oakfield"),
    ("Riverside Academy", "riverside"),
)
DEMO_ROLES = (
    (Role.TEACHER, "Tara Teacher"),
    (Role.BUSINESS_MANAGER, "Bilal Business"),
    (Role.DPO, "Dana Protection"),
    (Role.SCHOOL_ADMIN, "Sam Admin"),
    (Role.TRUST_ADMIN, "Trudy Trust"),
)


def _seeders() -> list[Callable[[list[School], list[User]], None]]:
    """Each domain's demo seeder (in its own package); each must be idempotent."""
    from app.policies import demo as policies_demo
    from app.procurement import demo as procurement_demo
    from app.training import demo as training_demo
    from app.transparency import demo as transparency_demo

    return [training_demo.seed, procurement_demo.seed, transparency_demo.seed, policies_demo.seed]


def demo_email(role: Role, school_slug: str) -> str:
    return f"{role.value.replace('_', '-')}@{school_slug}.example"


def _get_or_create_school(name: str, trust: Trust) -> School:
    school = db.session.execute(select(School).where(School.name == name)).scalar_one_or_none()
    if school is None:
        school = School(name=name, trust=trust)
        db.session.add(school)
    return school


def seed_demo() -> list[User]:
    trust = db.session.execute(select(Trust).where(Trust.name == DEMO_TRUST)).scalar_one_or_none()
    if trust is None:
        trust = Trust(name=DEMO_TRUST)
        db.session.add(trust)
    password_hash = None
    schools, users = [], []
    for school_name, slug in DEMO_SCHOOLS:
        school = _get_or_create_school(school_name, trust)
        db.session.flush()
        schools.append(school)
        for role, name in DEMO_ROLES:
            if role == Role.TRUST_ADMIN and slug != DEMO_SCHOOLS[0][1]:
                continue  # one trust admin for the whole trust
            email = demo_email(role, slug)
            user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
            if user is None:
                password_hash = password_hash or hashing().hash(DEMO_PASSWORD)
                user = User(
                    school_id=school.id, email=email, display_name=name, password_hash=password_hash
                )
                user.set_roles([role])
                db.session.add(user)
            users.append(user)
    db.session.flush()
    for seeder in _seeders():
        seeder(schools, users)
    db.session.commit()
    return users
