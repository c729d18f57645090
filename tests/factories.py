"""Shared test builders: users, the two-trust world, signed-in clients, CSRF tokens, training
rows (assignments, certificates, bulk staff), a movable clock and an SQL statement counter.

Plain functions over the app's models; the fixtures in tests/conftest.py wrap them.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, insert

from app.models import Role, School, Trust, User, UserRole, db
from app.models.training import Assignment, Certificate
from app.services.training.certificates import new_code

TEST_PASSWORD = "correct-battery-staple-horse-42"
ALL_ROLES = [role.value for role in Role]
MODULE = "why-data-protection-matters"
OTHER_MODULE = "principles-and-lawful-bases"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@dataclass
class World:
    """Two tenants: school A (trust A, which also has school A2) and school B (trust B)."""

    trust_a: Trust
    trust_b: Trust
    school_a: School
    school_a2: School
    school_b: School
    users: dict[tuple[str, str], User] = field(default_factory=dict)

    def user(self, school: str, role: str) -> User:
        return self.users[(school, role)]


def make_user(school: School, email: str, roles: list[str], name: str | None = None) -> User:
    from app.auth.session import hashing

    user = User(
        school_id=school.id,
        email=email,
        display_name=name or email.split("@")[0].replace(".", " ").title(),
        password_hash=hashing().hash(TEST_PASSWORD),
    )
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user


def build_world() -> World:
    trust_a, trust_b = Trust(name="Trust A"), Trust(name="Trust B")
    school_a = School(name="School A", trust=trust_a)
    school_a2 = School(name="School A2", trust=trust_a)
    school_b = School(name="School B", trust=trust_b)
    db.session.add_all([trust_a, trust_b, school_a, school_a2, school_b])
    db.session.flush()
    world = World(trust_a, trust_b, school_a, school_a2, school_b)
    for key, school in (("A", school_a), ("A2", school_a2), ("B", school_b)):
        for role in ALL_ROLES:
            email = f"{role.replace('_', '-')}@{key.lower()}.example"
            world.users[(key, role)] = make_user(school, email, [role])
    db.session.commit()
    return world


def sign_in_client(app, user: User):
    """A test client whose session belongs to `user` (no password round trip)."""
    from app.auth.session import session_cookie_values

    values = session_cookie_values(user)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(values)
    return client


CSRF_PATTERN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/sign-in") -> str:
    """A valid CSRF token for this client's session, read from a page's form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_PATTERN.search(html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def count_statements(client, url: str) -> int:
    """How many SQL statements one GET of `url` runs (it must answer 200)."""
    count = 0

    def counter(*args, **kwargs):  # noqa: ARG001
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count


def set_clock(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr("app.clock.now", lambda: when)


def assign(school, module_id=MODULE, due: date | None = None, role=None, user=None, months=None):
    assignment = Assignment(
        school_id=school.id, module_id=module_id, due_date=due, role=role,
        user_id=user.id if user else None, refresher_months=months,
    )  # fmt: skip
    db.session.add(assignment)
    db.session.commit()
    return assignment


def certify(user, module_id=MODULE, issued: datetime = NOW - timedelta(days=10), months=12):
    certificate = Certificate(
        school_id=user.school_id, user_id=user.id, code=new_code(), module_id=module_id,
        module_version="1.0.0", module_title="Module title", learner_name=user.display_name,
        score=90, cpd_minutes=30, issued_at=issued,
        expires_at=issued + timedelta(days=30 * months + 5),
    )  # fmt: skip
    db.session.add(certificate)
    db.session.commit()
    return certificate


def bulk_staff(school, count: int, prefix: str = "staff") -> list[int]:
    """`count` active teachers without passwords, inserted in two statements."""
    rows = [
        {
            "school_id": school.id,
            "email": f"{prefix}{i}@{school.id}.bulk.example",
            "display_name": f"{prefix.title()} {i}",
            "active": True,
            "session_epoch": 0,
            "created_at": NOW,
        }  # fmt: skip
        for i in range(count)
    ]
    ids = list(db.session.execute(insert(User).returning(User.id), rows).scalars())
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "teacher"} for i in ids])
    db.session.commit()
    return ids
