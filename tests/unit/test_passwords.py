"""Password rules and argon2id hashing, without an app."""

import pytest

from app.services.accounts.passwords import MAX_LENGTH, PasswordHashing, password_problems


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
