"""Certificate rules: unguessable verification codes, expiry arithmetic, validity, when a pass
earns a new certificate, the CPD minutes it credits, and when a later major version of the module
supersedes it. Pure functions; no Flask, no database."""

import secrets
from datetime import date, datetime, timedelta
from typing import TypeVar

from app.util.dates import add_months

# Crockford's base32: no I, L, O or U, so a code read aloud or retyped is hard to get wrong.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 100 random bits
CODE_GROUP = 4
REFRESHER_WINDOW = timedelta(days=30)

_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

Moment = TypeVar("Moment", date, datetime)


def new_code() -> str:
    """A fresh code such as `7K3M-Q9XZ-0D4R-TT8B-M2QA` from the OS's secure random source."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def normalise_code(text: str) -> str | None:
    """The canonical form of a typed code (any case, spaces or hyphens), or None if impossible."""
    raw = "".join(text.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(raw) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in raw):
        return None
    return format_code(raw)


def expiry_for(issued_at: datetime, validity_months: int) -> datetime:
    return add_months(issued_at, validity_months)


def certificate_state(expires_at: datetime, now: datetime) -> str:
    """`valid` until the moment it expires, then `expired`."""
    return "valid" if now < expires_at else "expired"


def refresher_due(
    expires_at: datetime, now: datetime, window: timedelta = REFRESHER_WINDOW
) -> bool:
    """Still valid but expiring within the window: time to take the refresher."""
    return now < expires_at <= now + window


def needs_new_certificate(
    latest_expires_at: datetime | None,
    latest_version: str | None,
    module_version: str,
    now: datetime,
) -> bool:
    """A pass issues a certificate unless a current one for this version is not yet due for
    refresh (so practice retakes do not pile up certificates)."""
    if latest_expires_at is None or latest_version != module_version:
        return True
    return certificate_state(latest_expires_at, now) == "expired" or refresher_due(
        latest_expires_at, now
    )


def major_version(version: str) -> int:
    """`2` for "2.1.0". A major version asks staff to train again (modules/README.md)."""
    return int(version.split(".", 1)[0])


def superseded_by(certificate_version: str, module_version: str | None) -> str | None:
    """The module's current version when it is a later major version than the certificate's
    (the certificate still stands until it expires, but records superseded training); else
    None, also when the module is no longer in the catalogue."""
    if module_version is None or major_version(module_version) <= major_version(
        certificate_version
    ):
        return None
    return module_version


def credited_cpd_minutes(cpd_minutes: int, lesson_minutes: dict[str, int], read: set[str]) -> int:
    """CPD minutes for a pass: the module's `cpd_minutes` in proportion to the reading time of
    the lessons read (lesson slug -> minutes), rounded down. Every lesson read earns them all;
    passing a check that opens at any time with no lesson read earns none."""
    total = sum(lesson_minutes.values())
    done = sum(minutes for slug, minutes in lesson_minutes.items() if slug in read)
    return cpd_minutes * done // total if total else 0
