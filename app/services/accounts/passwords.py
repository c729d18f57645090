"""Password rules (length, personal details, common passwords), argon2id hashing, and
`set_password`, the one way a password is given to an account (no Flask imports)."""

import gzip
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from app.models import User
from app.util.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Every reason the password is refused, in words a user can act on (empty when fine)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Password must be at least %(min)d characters long", min=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Password must be %(max)d characters or fewer", max=MAX_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!?.") in common_passwords():
        problems.append(_("Password is too common: choose one that is harder to guess"))
    personal = [email.lower(), email.lower().split("@")[0]]
    personal += [part for part in re.split(r"\W+", name.lower()) if len(part) >= 3]
    if any(part and part in lowered for part in personal if len(part) >= 3):
        problems.append(_("Password must not contain your name or email address"))
    return problems


@dataclass(frozen=True)
class PasswordHashing:
    """argon2id with configurable cost (cheap in tests, strong elsewhere)."""

    time_cost: int = 3
    memory_cost: int = 65536

    @property
    def _hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.time_cost, memory_cost=self.memory_cost, parallelism=1, type=Type.ID
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            return False
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def verify_against_dummy(self, password: str) -> None:
        """Take as long as `verify` does when there is no account to check, so the time a
        sign-in takes does not tell whether an email address has an account."""
        self.verify(_dummy_hash(self), password)


@cache
def _dummy_hash(hashing: PasswordHashing) -> str:
    return hashing.hash("not-a-real-password-dummy")


def set_password(user: User, password: str, *, hashing: PasswordHashing) -> list[str]:
    """Give `user` a new password if it meets the rules, and end every session they have (each
    carries the old epoch; a caller keeping its own session starts a new one). Returns the
    problems, empty on success; with problems nothing changes."""
    problems = password_problems(password, email=user.email or "", name=user.display_name or "")
    if problems:
        return problems
    user.password_hash = hashing.hash(password)
    user.end_all_sessions()
    return []
