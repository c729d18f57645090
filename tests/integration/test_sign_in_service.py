"""authenticate(): look-up, verification, rehash on a cost change, and the attempt recorded
(SQLAlchemy session only; the audit recorder is a list)."""

from datetime import UTC, datetime

import pytest

from app.models import db
from app.services.accounts.passwords import PasswordHashing
from app.services.accounts.sign_in import authenticate
from tests.factories import TEST_PASSWORD

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
HASHING = PasswordHashing(time_cost=1, memory_cost=1024)  # the testing config's cost


@pytest.fixture
def recorded():
    return []


def _attempt(email, password, recorded, hashing=HASHING):
    return authenticate(
        db.session,
        email,
        password,
        hashing=hashing,
        now=NOW,
        record=lambda action, **detail: recorded.append((action, detail)),
    )


def test_the_right_password_signs_in_and_is_recorded(world, recorded):
    teacher = world.user("A", "teacher")
    stored = teacher.password_hash
    assert _attempt(f"  {teacher.email.upper()} ", TEST_PASSWORD, recorded) is teacher
    assert teacher.last_sign_in_at == NOW
    assert teacher.password_hash == stored  # same cost: no rehash
    assert recorded == [("sign_in", {"actor_id": teacher.id, "school_id": teacher.school_id})]


def test_a_stronger_cost_rehashes_without_ending_sessions(world, recorded):
    teacher = world.user("A", "teacher")
    epoch = teacher.session_epoch
    stronger = PasswordHashing(time_cost=2, memory_cost=2048)
    assert _attempt(teacher.email, TEST_PASSWORD, recorded, stronger) is teacher
    assert teacher.password_hash.startswith("$argon2id$v=19$m=2048,t=2,")
    assert stronger.verify(teacher.password_hash, TEST_PASSWORD)
    assert not stronger.needs_rehash(teacher.password_hash)
    assert teacher.session_epoch == epoch


def test_a_wrong_password_is_refused_and_recorded(world, recorded):
    teacher = world.user("A", "teacher")
    assert _attempt(teacher.email, "wrong-password-here", recorded) is None
    assert teacher.last_sign_in_at is None
    assert recorded == [
        (
            "sign_in_failed",
            {"actor_id": teacher.id, "school_id": teacher.school_id, "email": teacher.email},
        )
    ]


def test_unknown_and_deactivated_accounts_are_refused_alike(world, recorded):
    teacher = world.user("A", "teacher")
    teacher.active = False
    assert _attempt(teacher.email, TEST_PASSWORD, recorded) is None
    assert _attempt("Nobody@Nowhere.example", TEST_PASSWORD, recorded) is None
    assert [action for action, _ in recorded] == ["sign_in_failed", "sign_in_failed"]
    assert recorded[1][1] == {
        "actor_id": None,
        "school_id": None,
        "email": "nobody@nowhere.example",
    }
    assert teacher.last_sign_in_at is None


def test_an_account_without_a_password_cannot_sign_in(world, recorded):
    teacher = world.user("A", "teacher")
    teacher.password_hash = None  # an erased account keeps no hash
    assert _attempt(teacher.email, "", recorded) is None
    assert recorded[0][0] == "sign_in_failed"
