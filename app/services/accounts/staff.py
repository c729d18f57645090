"""Account rules: invitations and accepting them, accounts made from the command line, role
changes, deactivation (no Flask imports; the caller audits and commits)."""

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Invitation, Role, School, User, UserRole
from app.services.accounts.passwords import PasswordHashing, set_password
from app.util.i18n import _


class AccountError(ValueError):
    """A rule was broken; each of `problems` is shown to the user as it is."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def invitation_state(invitation: Invitation, now: datetime) -> InvitationState:
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= now:
        return InvitationState.EXPIRED
    return InvitationState.PENDING


def account_exists(session: Session, email: str) -> bool:
    stmt = select(User.id).where(User.email == normalise_email(email))
    return session.execute(stmt).first() is not None


def create_invitation(
    session: Session,
    *,
    school_id: int,
    email: str,
    display_name: str,
    roles: list[str],
    token_hash: str,
    invited_by_id: int | None,
    now: datetime,
    valid_for: timedelta,
    visible_school_ids: Collection[int],
) -> Invitation:
    """A pending invitation to `school_id`. An account with this address in one of the
    inviting admin's `visible_school_ids` is refused with a message; one in another school is
    not mentioned (that would tell an admin who works where): the invitation is made as usual,
    and the caller emails the person that they already have an account (`account_exists`)."""
    email = normalise_email(email)
    if not roles:
        raise AccountError(_("Choose at least one role"))
    found = session.execute(select(User.school_id).where(User.email == email)).first()
    if found is not None and found.school_id in visible_school_ids:
        raise AccountError(_("Someone with this email address already has an account"))
    # A newer invitation replaces any pending one for the same person to the same school
    # (another school's invitation is that school's business).
    same_school = select(Invitation).where(
        Invitation.email == email, Invitation.school_id == school_id
    )
    for old in session.execute(same_school).scalars():
        if invitation_state(old, now) == InvitationState.PENDING:
            old.revoked_at = now
    invitation = Invitation(
        school_id=school_id,
        email=email,
        display_name=display_name.strip(),
        roles=" ".join(sorted(Role(role).value for role in roles)),
        token_hash=token_hash,
        invited_by_id=invited_by_id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invitation)
    return invitation


def accept_invitation(
    session: Session,
    invitation: Invitation,
    *,
    display_name: str,
    password: str,
    hashing: PasswordHashing,
    now: datetime,
) -> User:
    """The new account, with the invitation's school and roles. Raises AccountError when the
    invitation cannot be used or the password breaks a rule (then nothing is added)."""
    if invitation_state(invitation, now) != InvitationState.PENDING:
        raise AccountError(_("This invitation link has already been used or has expired"))
    if session.execute(select(User.id).where(User.email == invitation.email)).first():
        raise AccountError(_("Someone with this email address already has an account"))
    user = User(
        school_id=invitation.school_id,
        email=invitation.email,
        display_name=display_name.strip(),
        created_at=now,
    )
    if problems := set_password(user, password, hashing=hashing):
        raise AccountError(*problems)
    user.set_roles(invitation.role_list)
    invitation.accepted_at = now
    session.add(user)
    session.flush()  # the caller's audit event names the new account
    return user


def create_account(
    session: Session,
    *,
    school_name: str,
    email: str,
    display_name: str,
    roles: list[str],
    password: str,
    hashing: PasswordHashing,
    now: datetime,
) -> User:
    """An account made without an invitation (`flask users create`, for a school's first
    admin), in the school of that name, which is created if there is none. Raises AccountError
    when the password breaks a rule or the email address already has an account."""
    user = User(email=normalise_email(email), display_name=display_name.strip(), created_at=now)
    if problems := set_password(user, password, hashing=hashing):
        raise AccountError(*problems)
    if session.execute(select(User.id).where(User.email == user.email)).first():
        raise AccountError(_("A user with email %(email)s already exists.", email=user.email))
    school = session.execute(select(School).where(School.name == school_name)).scalar_one_or_none()
    user.school = school or School(name=school_name)
    user.set_roles(roles)
    session.add(user)
    session.flush()
    return user


def count_active_school_admins(session: Session, school_id: int) -> int:
    stmt = (
        select(func.count())
        .select_from(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.school_id == school_id, User.active, UserRole.role == Role.SCHOOL_ADMIN)
    )
    return session.execute(stmt).scalar_one()


def count_active_trust_admins(session: Session, trust_id: int) -> int:
    stmt = (
        select(func.count())
        .select_from(User)
        .join(UserRole, UserRole.user_id == User.id)
        .join(School, School.id == User.school_id)
        .where(School.trust_id == trust_id, User.active, UserRole.role == Role.TRUST_ADMIN)
    )
    return session.execute(stmt).scalar_one()


def check_may_change(acting_user: User, user: User) -> None:
    """Who may change whom: school admins manage their own school's staff, trust admins every
    school of their trust (the views scope that), and a trust admin's account (roles, access,
    erasure, two-step sign-in) is changed only by a trust admin."""
    if Role.TRUST_ADMIN in user.roles and not acting_user.has_role(Role.TRUST_ADMIN):
        raise AccountError(_("Only a trust admin can change a trust admin's account"))


def _check_keeps_admins(session: Session, user: User, remaining_roles: set[str]) -> None:
    """No change may leave a school without an active school admin, or a trust without an
    active trust admin; `remaining_roles` are the user's roles after it (empty: no access)."""

    def losing(role: Role) -> bool:
        return role in user.roles and user.active and role not in remaining_roles

    if losing(Role.SCHOOL_ADMIN) and count_active_school_admins(session, user.school_id) <= 1:
        raise AccountError(_("A school must keep at least one active school admin"))
    trust_id = user.school.trust_id
    if (
        losing(Role.TRUST_ADMIN)
        and trust_id is not None
        and count_active_trust_admins(session, trust_id) <= 1
    ):
        raise AccountError(_("A trust must keep at least one active trust admin"))


def change_roles(session: Session, user: User, roles: list[str], *, acting_user: User) -> None:
    if not roles:
        raise AccountError(_("Choose at least one role"))
    check_may_change(acting_user, user)
    if Role.TRUST_ADMIN in roles and not acting_user.has_role(Role.TRUST_ADMIN):
        raise AccountError(_("Only a trust admin can give the trust admin role"))
    _check_keeps_admins(session, user, set(roles))
    user.set_roles(roles)


def deactivate(session: Session, user: User, *, acting_user: User, now: datetime) -> None:
    check_may_change(acting_user, user)
    _check_keeps_admins(session, user, set())
    user.active = False
    user.deactivated_at = now
    user.end_all_sessions()


def reactivate(user: User, *, acting_user: User) -> None:
    check_may_change(acting_user, user)
    user.active = True
    user.deactivated_at = None
