"""Two-step sign-in: TOTP codes from an authenticator app, one-time recovery codes, and the
school setting that requires it for DPOs, business managers and admins. No Flask imports; the
caller audits and commits.

- A code is accepted once: the time step it belongs to is stored with an atomic UPDATE that
  only moves forwards, so a code seen over someone's shoulder (or sent twice at once) fails.
- Recovery codes are random (50 bits each), shown once and stored as SHA-256 hashes; using one
  marks it used in the same atomic way.
- The enrolment QR code is an SVG data URI drawn here (segno), because the Content Security
  Policy allows no third-party script or image.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.models import Role, School, User
from app.models.base import rows_matched
from app.models.oversight import SchoolSettings
from app.models.security import RecoveryCode

PRIVILEGED_ROLES = (Role.DPO, Role.BUSINESS_MANAGER, Role.SCHOOL_ADMIN, Role.TRUST_ADMIN)
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_LENGTH = 10
TOTP_DIGITS = 6
TOTP_STEP_SECONDS = 30
ACCEPTED_DRIFT_STEPS = 1  # a code from the step before or after also counts (clock drift)


def _totp(user: User) -> pyotp.TOTP:
    if not user.totp_secret:
        raise ValueError("the user has no TOTP secret")
    return pyotp.TOTP(user.totp_secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS)


def mfa_required(session: Session, user: User) -> bool:
    """Whether the user's school requires two-step sign-in of them: it does for DPOs, business
    managers and admins when the school's setting is on; a trust admin, who reaches every school
    of the trust, when any school of the trust has it on."""
    if not user.has_role(*PRIVILEGED_ROLES):
        return False
    school_ids = select(School.id).where(School.id == user.school_id)
    if user.has_role(Role.TRUST_ADMIN) and user.school.trust_id is not None:
        school_ids = select(School.id).where(School.trust_id == user.school.trust_id)
    stmt = select(SchoolSettings.id).where(
        SchoolSettings.school_id.in_(school_ids), SchoolSettings.require_mfa.is_(True)
    )
    return session.execute(stmt.limit(1)).first() is not None


def begin_enrolment(user: User) -> None:
    """Give the user a new secret to scan, unless enrolment has already begun (so reloading
    the page keeps the QR code they may have scanned). No effect once MFA is on."""
    if not user.mfa_enabled and not user.totp_secret:
        user.totp_secret = pyotp.random_base32(32)


def provisioning_uri(user: User, issuer: str) -> str:
    return _totp(user).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The otpauth:// address as a QR code: an SVG data URI for an <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#0b0c0c")


def grouped_secret(user: User) -> str:
    """The secret in groups of four, for typing into an app that cannot scan."""
    secret = user.totp_secret or ""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """Whether `code` is the user's current TOTP code, accepting each time step once."""
    code = _normalise_code(code)
    if not user.totp_secret or not (code.isdigit() and len(code) == TOTP_DIGITS):
        return False
    totp = _totp(user)
    current = totp.timecode(now)
    for step in range(current - ACCEPTED_DRIFT_STEPS, current + ACCEPTED_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            claimed = rows_matched(
                session.execute(
                    update(User)
                    .where(
                        User.id == user.id,
                        or_(User.totp_last_step.is_(None), User.totp_last_step < step),
                    )
                    .values(totp_last_step=step)
                    .execution_options(synchronize_session=False)
                )
            )
            if claimed:
                user.totp_last_step = step
            return bool(claimed)
    return False


def confirm_enrolment(session: Session, user: User, code: str, now: datetime) -> list[str] | None:
    """Turn two-step sign-in on if `code` comes from the app the user just set up. Returns the
    new recovery codes (shown once), or None when the code is wrong."""
    if user.mfa_enabled or not verify_code(session, user, code, now):
        return None
    user.mfa_enabled_at = now
    return new_recovery_codes(session, user, now)


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode()).hexdigest()


def new_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them (they are not kept)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_code(code), created_at=now) for code in codes
    )
    return codes


def use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """Whether `code` is one of the user's unused recovery codes; if so it is used up."""
    if not user.mfa_enabled or len(code) > 40:
        return False
    used = rows_matched(
        session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == _hash_code(code),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    return bool(used)


def recovery_codes_left(session: Session, user: User) -> int:
    stmt = select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return session.execute(stmt).scalar_one()


def turn_off(session: Session, user: User) -> None:
    """Remove the user's secret and recovery codes (they set it up again from scratch)."""
    user.totp_secret = None
    user.mfa_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
