"""Account rules: invitation states, last school admin, role changes (SQLAlchemy session only)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import Role, db
from app.services.accounts.staff import (
    AccountError,
    accept_invitation,
    change_roles,
    create_invitation,
    deactivate,
    invitation_state,
)

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


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
    )


def test_invitation_lifecycle(world):
    invitation = _invite(world)
    assert invitation_state(invitation, NOW) == "pending"
    assert invitation_state(invitation, NOW + timedelta(hours=72)) == "expired"
    user = accept_invitation(
        db.session, invitation, display_name="New Person", password_hash="x", now=NOW
    )
    assert user.roles == {"teacher"}
    assert invitation_state(invitation, NOW) == "accepted"
    with pytest.raises(AccountError, match="already been used"):
        accept_invitation(db.session, invitation, display_name="Again", password_hash="x", now=NOW)


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
    with pytest.raises(AccountError, match="at least one school admin"):
        change_roles(db.session, admin, ["teacher"], acting_user=admin)
    with pytest.raises(AccountError, match="at least one active school admin"):
        deactivate(db.session, admin, now=NOW)


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
    deactivate(db.session, teacher, now=NOW)
    assert not teacher.active and teacher.session_epoch == epoch + 1
