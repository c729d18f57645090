"""Account rules: invitation states, accepting with a password, accounts made from the command
line, last school admin, role changes (SQLAlchemy session only)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import Role, School, User, db
from app.services.accounts.passwords import PasswordHashing
from app.services.accounts.staff import (
    AccountError,
    accept_invitation,
    change_roles,
    create_account,
    create_invitation,
    deactivate,
    invitation_state,
)

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
HASHING = PasswordHashing(time_cost=1, memory_cost=1024)
PASSWORD = "lantern-orchard-meadow-27"


def _invite(world, email="new.person@a.example", token_hash="h1"):
    return create_invitation(
        db.session,
        school_id=world.school_a.id,
        email=email,
        display_name="New Person",
        roles=["teacher"],
        token_hash=token_hash,
        invited_by_id=None,
        now=NOW,
        valid_for=timedelta(hours=72),
        visible_school_ids=[world.school_a.id],
    )


def test_invitation_lifecycle(world):
    invitation = _invite(world)
    assert invitation_state(invitation, NOW) == "pending"
    assert invitation_state(invitation, NOW + timedelta(hours=72)) == "expired"
    user = _accept(invitation)
    assert user.roles == {"teacher"} and HASHING.verify(user.password_hash, PASSWORD)
    assert invitation_state(invitation, NOW) == "accepted"
    with pytest.raises(AccountError, match="already been used"):
        _accept(invitation, display_name="Again")


def _accept(invitation, *, display_name="New Person", password=PASSWORD):
    return accept_invitation(
        db.session,
        invitation,
        display_name=display_name,
        password=password,
        hashing=HASHING,
        now=NOW,
    )


def test_a_refused_password_leaves_the_invitation_pending(world):
    invitation = _invite(world)
    with pytest.raises(AccountError) as refused:
        _accept(invitation, display_name="Nia Jones", password="nia-jones-is-here-1")
    assert refused.value.problems == ["Password must not contain your name or email address"]
    with pytest.raises(AccountError) as refused:
        _accept(invitation, password="short")
    assert "Password must be at least 12 characters long" in refused.value.problems
    db.session.flush()
    assert invitation_state(invitation, NOW) == "pending"
    assert db.session.execute(select(User).where(User.email == invitation.email)).first() is None


def test_create_account_makes_the_school_once(world):  # noqa: ARG001
    first = _create("Head@Oak.example", "Oak Primary")
    second = _create("dpo@oak.example", "Oak Primary", roles=["dpo"])
    assert first.email == "head@oak.example" and first.school is second.school
    assert first.roles == {"school_admin"} and HASHING.verify(first.password_hash, PASSWORD)
    count = select(func.count()).select_from(School).where(School.name == "Oak Primary")
    assert db.session.execute(count).scalar_one() == 1


def test_create_account_refuses_a_taken_email_or_a_weak_password(world):
    taken = world.user("A", "teacher").email
    with pytest.raises(AccountError, match=f"A user with email {taken} already exists"):
        _create(taken.upper(), "Oak Primary")
    with pytest.raises(AccountError, match="too common"):
        _create("new@oak.example", "Oak Primary", password="password123456")
    assert db.session.execute(select(School).where(School.name == "Oak Primary")).first() is None


def _create(email, school_name, *, roles=("school_admin",), password=PASSWORD):
    return create_account(
        db.session,
        school_name=school_name,
        email=email,
        display_name="Oak Person",
        roles=list(roles),
        password=password,
        hashing=HASHING,
        now=NOW,
    )


def test_a_new_invitation_revokes_the_pending_one(world):
    first = _invite(world, token_hash="h1")
    second = _invite(world, token_hash="h2")
    assert invitation_state(first, NOW) == "revoked"
    assert invitation_state(second, NOW) == "pending"


def test_cannot_invite_an_existing_account(world):
    with pytest.raises(AccountError, match="already has an account"):
        _invite(world, email=world.user("A", "teacher").email.upper())


def test_the_last_school_admin_cannot_be_removed(world):
    admin = world.user("A", "school_admin")
    with pytest.raises(AccountError, match="at least one active school admin"):
        change_roles(db.session, admin, ["teacher"], acting_user=admin)
    with pytest.raises(AccountError, match="at least one active school admin"):
        deactivate(db.session, admin, acting_user=admin, now=NOW)


def test_only_trust_admins_grant_trust_admin(world):
    teacher = world.user("A", "teacher")
    with pytest.raises(AccountError, match="Only a trust admin"):
        change_roles(
            db.session, teacher, ["trust_admin"], acting_user=world.user("A", "school_admin")
        )
    change_roles(db.session, teacher, ["trust_admin"], acting_user=world.user("A", "trust_admin"))
    assert teacher.roles == {Role.TRUST_ADMIN.value}


def test_deactivation_ends_sessions(world):
    teacher = world.user("A", "teacher")
    epoch = teacher.session_epoch
    deactivate(db.session, teacher, acting_user=world.user("A", "school_admin"), now=NOW)
    assert not teacher.active and teacher.session_epoch == epoch + 1
