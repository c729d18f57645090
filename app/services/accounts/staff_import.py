"""Inviting many staff at once from a CSV file (name, email, roles).

`check_csv` validates every row and reports each problem with its row number, before anything is
created; `import_rows` then creates one invitation per accepted row in the caller's transaction,
so either every accepted row is invited or (on any error) none is. No Flask imports.
"""

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ROLE_LABELS, Invitation, Role, User
from app.services.accounts.staff import (
    InvitationState,
    create_invitation,
    invitation_state,
    normalise_email,
)
from app.util.i18n import _
from app.util.text import has_control_character

MAX_ROWS = 1000
EMAIL_PATTERN = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
HEADER_NAMES = {
    "name": "name",
    "full name": "name",
    "display name": "name",
    "email": "email",
    "email address": "email",
    "roles": "roles",
    "role": "roles",
}
ROLE_SEPARATORS = re.compile(r"[;|/,]+")


def _role_aliases() -> dict[str, str]:
    aliases = {}
    for role in Role:
        aliases[role.value] = role.value
        aliases[role.value.replace("_", " ")] = role.value
        aliases[str(ROLE_LABELS[role]).lower()] = role.value
    aliases.update(
        {"staff": Role.TEACHER.value, "dpl": Role.DPO.value, "data protection lead": Role.DPO.value}
    )
    return aliases


ROLE_ALIASES = _role_aliases()
ROLE_HINT = "teacher, business manager, DPO, school admin"


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is shown as it is."""


@dataclass
class ImportRow:
    line: int  # the row number a spreadsheet shows
    name: str
    email: str
    roles_text: str
    roles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportCheck:
    rows: list[ImportRow]

    @property
    def accepted(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 as Excel saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_roles(text: str, allow_trust_admin: bool) -> tuple[list[str], list[str]]:
    """(roles, problems) from text such as "Teacher; DPO"."""
    roles, problems = [], []
    for part in ROLE_SEPARATORS.split(text):
        word = " ".join(part.split()).lower()
        if not word:
            continue
        role = ROLE_ALIASES.get(word)
        if role is None:
            problems.append(
                _("Unknown role “%(role)s”: use %(roles)s", role=part.strip(), roles=ROLE_HINT)
            )
        elif role == Role.TRUST_ADMIN and not allow_trust_admin:
            problems.append(_("Only a trust admin can give the trust admin role"))
        elif role not in roles:
            roles.append(role)
    if not roles and not problems:
        problems.append(_("Enter at least one role (%(roles)s)", roles=ROLE_HINT))
    return sorted(roles), problems


def read_rows(text: str) -> list[ImportRow]:
    """Rows from CSV text; the header names the columns, in any order. Raises ImportFileError
    for a file the csv module cannot read (a cell over its size limit, say) or one holding a
    control character, which no name or email address has."""
    if has_control_character(text):
        raise ImportFileError(
            _(
                "The file contains a control character (such as a NUL byte): save it from your "
                "spreadsheet as CSV and upload it again"
            )
        )
    try:
        return _read_rows(text)
    except csv.Error as error:
        raise ImportFileError(
            _(
                "The file could not be read as CSV (%(error)s): save it from your spreadsheet "
                "as CSV and upload it again",
                error=error,
            )
        ) from error


def _read_rows(text: str) -> list[ImportRow]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise ImportFileError(_("The file is empty: it needs a header row and one row per person"))
    columns = {HEADER_NAMES.get(" ".join(c.split()).lower()): i for i, c in enumerate(header)}
    missing = [name for name in ("name", "email", "roles") if name not in columns]
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns name, email and roles (missing: %(missing)s)",
                missing=", ".join(missing),
            )
        )
    rows = []
    for cells in reader:
        line = reader.line_num  # the spreadsheet's row number, blank rows included
        if not any(cell.strip() for cell in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns[name]
            return cells[index].strip() if index < len(cells) else ""

        rows.append(ImportRow(line, " ".join(cell("name").split()), cell("email"), cell("roles")))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)d people: split it up", max=MAX_ROWS)
            )
    if not rows:
        raise ImportFileError(_("The file has a header row but nobody in it"))
    return rows


def check_rows(
    rows: list[ImportRow],
    *,
    existing_accounts: set[str],
    pending_invitations: set[str],
    allow_trust_admin: bool,
) -> ImportCheck:
    """Validate each row; a duplicate email (in the file or already known) rejects the row."""
    seen: dict[str, int] = {}
    for row in rows:
        if not row.name:
            row.problems.append(_("Enter the person's name"))
        elif len(row.name) > 120:
            row.problems.append(_("The name must be 120 characters or fewer"))
        email = normalise_email(row.email)
        if not email:
            row.problems.append(_("Enter an email address"))
        elif len(email) > 254 or not EMAIL_PATTERN.match(email):
            row.problems.append(
                _("“%(email)s” is not an email address like name@school.org.uk", email=row.email)
            )
        else:
            row.email = email
            if email in seen:
                row.problems.append(_("The same email address is on row %(row)d", row=seen[email]))
            elif email in existing_accounts:
                row.problems.append(_("Someone with this email address already has an account"))
            elif email in pending_invitations:
                row.problems.append(_("This person has already been invited and not yet joined"))
            seen.setdefault(email, row.line)
        row.roles, role_problems = parse_roles(row.roles_text, allow_trust_admin)
        row.problems.extend(role_problems)
    return ImportCheck(rows)


def known_emails(
    session: Session, emails: Iterable[str], now: datetime, school_ids: Collection[int]
) -> tuple[set, set]:
    """(emails with an account, emails with a pending invitation) in `school_ids`, the schools
    the importing admin manages, in two queries. Other schools' people are not reported: the
    preview must not tell an admin who works elsewhere (see `create_invitation`)."""
    emails = {normalise_email(e) for e in emails if e}
    accounts = set(
        session.execute(
            select(User.email).where(User.email.in_(emails), User.school_id.in_(school_ids))
        ).scalars()
    )
    invitations = session.execute(
        select(Invitation).where(Invitation.email.in_(emails), Invitation.school_id.in_(school_ids))
    ).scalars()
    pending = {i.email for i in invitations if invitation_state(i, now) == InvitationState.PENDING}
    return accounts, pending


def check_csv(
    session: Session,
    text: str,
    *,
    allow_trust_admin: bool,
    now: datetime,
    visible_school_ids: Collection[int],
) -> ImportCheck:
    rows = read_rows(text)
    emails = [row.email for row in rows]
    accounts, pending = known_emails(session, emails, now, visible_school_ids)
    return check_rows(
        rows,
        existing_accounts=accounts,
        pending_invitations=pending,
        allow_trust_admin=allow_trust_admin,
    )


def import_rows(
    session: Session,
    rows: Iterable[ImportRow],
    *,
    school_id: int,
    invited_by_id: int | None,
    now: datetime,
    valid_for: timedelta,
    new_token: Callable[[], tuple[str, str]],
    visible_school_ids: Collection[int],
) -> list[tuple[Invitation, str]]:
    """Create an invitation per accepted row; returns (invitation, token) pairs for emailing.
    Raises AccountError on any refusal: the caller then rolls back, so nothing is half-imported."""
    created = []
    for row in rows:
        if not row.ok:
            continue
        token, token_hash = new_token()
        invitation = create_invitation(
            session,
            school_id=school_id,
            email=row.email,
            display_name=row.name,
            roles=row.roles,
            token_hash=token_hash,
            invited_by_id=invited_by_id,
            now=now,
            valid_for=valid_for,
            visible_school_ids=visible_school_ids,
        )
        created.append((invitation, token))
    session.flush()
    return created
