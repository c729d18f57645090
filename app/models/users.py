"""Staff accounts, their roles and invitations to join a school."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, SchoolOwned, UTCDateTime, utcnow
from app.models.schools import School
from app.util.i18n import lazy_gettext


class Role(StrEnum):
    TEACHER = "teacher"
    BUSINESS_MANAGER = "business_manager"
    DPO = "dpo"
    SCHOOL_ADMIN = "school_admin"
    TRUST_ADMIN = "trust_admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.TEACHER: lazy_gettext("Teacher or other staff"),
    Role.BUSINESS_MANAGER: lazy_gettext("School business manager"),
    Role.DPO: lazy_gettext("Data protection officer or lead"),
    Role.SCHOOL_ADMIN: lazy_gettext("School admin"),
    Role.TRUST_ADMIN: lazy_gettext("Trust admin"),
}


class UserRole(Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class User(UserMixin, SchoolOwned, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to end every session of this user at once (password change, sign-out everywhere).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two-step sign-in (app/services/accounts/mfa.py): the TOTP secret is set when enrolment
    # starts and counts once `mfa_enabled_at` is set; the last time step accepted stops a code
    # being used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # The interface language chosen with the language switch ("en" or "cy"); None: not chosen.
    locale: Mapped[str | None] = mapped_column(String(8))

    school: Mapped[School] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def set_roles(self, roles: set[str] | list[str]) -> None:
        wanted = {Role(r).value for r in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    def end_all_sessions(self) -> None:
        """Invalidate every session of this user: each carries the old epoch in its cookie."""
        self.session_epoch = (self.session_epoch or 0) + 1  # None until a new row is flushed

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        # The epoch travels in the session, so bumping it invalidates every session.
        return f"{self.id}:{self.session_epoch}"


class Invitation(SchoolOwned, Model):
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    roles: Mapped[str] = mapped_column(String(200))  # space-separated Role values
    token_hash: Mapped[str] = mapped_column(String(64))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    school: Mapped[School] = relationship()

    @property
    def role_list(self) -> list[str]:
        return self.roles.split()
