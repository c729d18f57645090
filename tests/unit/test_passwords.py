"""Password rules, argon2id hashing and setting a password on an account, without an app."""

import pytest

from app.models import User
from app.services.accounts.passwords import (
    MAX_LENGTH,
    PasswordHashing,
    password_problems,
    set_password,
)

HASHING = PasswordHashing(time_cost=1, memory_cost=1024)


def test_a_long_uncommon_password_is_accepted():
    assert password_problems("violet-kettle-harbour-93", email="t@s.org", name="Tara Teacher") == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short-pass1", "at least 12 characters"),
        ("x" * (MAX_LENGTH + 1), f"{MAX_LENGTH} characters or fewer"),
        ("password1234", "too common"),
        ("qwerty123456", "too common"),
        ("tara-loves-the-seaside", "must not contain your name or email"),
        ("ttaylor-garden-gnome", "must not contain your name or email"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, expected):
    problems = password_problems(password, email="ttaylor@school.org.uk", name="Tara Taylor")
    assert any(expected in problem for problem in problems), problems


def test_passwords_up_to_128_characters_are_allowed():
    assert password_problems("a-Long pass phrase " * 6 + "x" * 14) == []


def test_argon2id_hash_verifies_only_the_right_password():
    hashing = PasswordHashing(time_cost=1, memory_cost=1024)
    stored = hashing.hash("violet-kettle-harbour-93")
    assert stored.startswith("$argon2id$")
    assert hashing.verify(stored, "violet-kettle-harbour-93")
    assert not hashing.verify(stored, "violet-kettle-harbour-94")
    assert not hashing.verify(None, "anything")
    assert not hashing.verify("not-a-hash", "anything")


def test_cheaper_hash_needs_rehash_under_stronger_settings():
    weak = PasswordHashing(time_cost=1, memory_cost=1024).hash("violet-kettle-harbour-93")
    assert PasswordHashing(time_cost=2, memory_cost=2048).needs_rehash(weak)


def test_the_dummy_check_takes_a_real_verification_and_accepts_nothing(monkeypatch):
    checked = []
    monkeypatch.setattr(PasswordHashing, "verify", lambda self, h, p: checked.append(h) or False)
    HASHING.verify_against_dummy("violet-kettle-harbour-93")
    HASHING.verify_against_dummy("another-password-entirely")
    assert len(checked) == 2 and checked[0] == checked[1]  # made once per cost setting
    assert checked[0].startswith("$argon2id$v=19$m=1024,t=1,")


def _user(**values) -> User:
    return User(email="tara.taylor@school.org.uk", display_name="Tara Taylor", **values)


def test_set_password_hashes_it_and_ends_every_session():
    user = _user(password_hash="old", session_epoch=4)
    assert set_password(user, "violet-kettle-harbour-93", hashing=HASHING) == []
    assert HASHING.verify(user.password_hash, "violet-kettle-harbour-93")
    assert user.session_epoch == 5


def test_set_password_on_a_new_account_starts_its_epoch():
    user = _user()  # session_epoch is None until the row is flushed
    assert set_password(user, "violet-kettle-harbour-93", hashing=HASHING) == []
    assert user.session_epoch == 1


def test_a_refused_password_changes_nothing_and_says_why():
    user = _user(password_hash="old", session_epoch=4)
    problems = set_password(user, "tara-at-the-seaside", hashing=HASHING)
    assert problems == ["Password must not contain your name or email address"]
    assert user.password_hash == "old" and user.session_epoch == 4
