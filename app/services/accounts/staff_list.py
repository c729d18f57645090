"""The staff list at trust scale: accounts and waiting invitations in one list, searched by name
or email, filtered by role and status, a page at a time.

Accounts and open invitations are one `UNION ALL` in SQL, sorted by name, so a page of 50 costs
the same few statements for 10 staff or 5,000 (a count, the page's keys, then the page's rows
and their roles); the caller names the schools. The count and the page's keys are kept in a
per-worker cache (`PageKeysCache`) under the schools' `tally_generation`, which every change to
their staff, roles or invitations bumps in its own transaction (oversight/tally_generations.py),
so a page asked for again costs only the look-ups of its own rows (names and emails are never
cached: the rows are read fresh every time). An open invitation is one not accepted or
revoked, for an address with no account, and the newest for that address; an expired one stays
listed so it can be sent again. Erased leavers are hidden unless the status filter asks for
them. No Flask imports.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Row, and_, case, exists, false, func, literal, select, true, union_all
from sqlalchemy.orm import Session, aliased

from app.models import Invitation, School, User, UserRole
from app.services.oversight.erasure import ERASED_DOMAIN
from app.util.hashing import sha256_json
from app.util.i18n import lazy_gettext
from app.util.lru import LruCache
from app.util.paging import Paging

PAGE_SIZE = 50
MAX_SEARCH_LENGTH = 100


class StaffStatus(StrEnum):
    ACTIVE = "active"
    INVITED = "invited"  # an invitation not accepted yet (waiting, or expired)
    DEACTIVATED = "deactivated"
    ERASED = "erased"


STATUS_LABELS = {
    StaffStatus.ACTIVE: lazy_gettext("Active"),
    StaffStatus.INVITED: lazy_gettext("Invited"),
    StaffStatus.DEACTIVATED: lazy_gettext("Deactivated"),
    StaffStatus.ERASED: lazy_gettext("Erased"),
}
STATUS_TAGS = {
    StaffStatus.ACTIVE: "govuk-tag--green",
    StaffStatus.INVITED: "govuk-tag--blue",
    StaffStatus.DEACTIVATED: "govuk-tag--grey",
    StaffStatus.ERASED: "govuk-tag--grey",
}


@dataclass(frozen=True)
class StaffFilter:
    text: str = ""
    role: str | None = None
    status: StaffStatus | None = None  # None: everyone but erased leavers

    @property
    def words(self) -> list[str]:
        """Lower-case search words: each must be in the name or the email address."""
        cleaned = self.text.replace("\x00", "")[:MAX_SEARCH_LENGTH]
        return cleaned.lower().split()


@dataclass(frozen=True)
class StaffRow:
    kind: str  # "user" or "invitation"
    id: int
    name: str
    email: str
    school_id: int
    roles: tuple[str, ...]
    status: StaffStatus
    expires_at: datetime | None = None  # invitations only
    expired: bool = False  # an invitation whose link no longer works


@dataclass(frozen=True)
class StaffPage(Paging):
    """One page of the staff list: where it sits (Paging) and its rows."""

    rows: list[StaffRow] = field(default_factory=list)


@dataclass(frozen=True)
class PageKeys:
    """Which rows a page shows: how many match in all, the page (clamped), its rows' keys."""

    total: int
    page: int
    keys: tuple[tuple[str, int], ...]  # ("user" or "invitation", id), in the page's order


PageKeysCache = LruCache[PageKeys]


def page_keys_cache() -> PageKeysCache:
    return LruCache(1024)  # a few hundred bytes an entry


def _user_status():
    return case(
        (User.email.endswith(f"@{ERASED_DOMAIN}", autoescape=True), StaffStatus.ERASED.value),
        (User.active.is_(True), StaffStatus.ACTIVE.value),
        else_=StaffStatus.DEACTIVATED.value,
    )


def _matches(words: list[str], name, email):
    return and_(
        true(),
        *(
            func.lower(name).contains(word, autoescape=True)
            | func.lower(email).contains(word, autoescape=True)
            for word in words
        ),
    )


def _users(school_ids: list[int], wanted: StaffFilter):
    status = _user_status()
    stmt = select(
        literal("user").label("kind"),
        User.id.label("id"),
        func.lower(User.display_name).label("sort_name"),
    ).where(User.school_id.in_(school_ids), _matches(wanted.words, User.display_name, User.email))
    if wanted.status is None:
        stmt = stmt.where(status != StaffStatus.ERASED.value)
    elif wanted.status == StaffStatus.INVITED:
        stmt = stmt.where(false())
    else:
        stmt = stmt.where(status == wanted.status.value)
    if wanted.role:
        has_role = exists().where(UserRole.user_id == User.id, UserRole.role == wanted.role)
        stmt = stmt.where(has_role)
    return stmt


def _invitations(school_ids: list[int], wanted: StaffFilter):
    newer = aliased(Invitation)
    stmt = select(
        literal("invitation").label("kind"),
        Invitation.id.label("id"),
        func.lower(Invitation.display_name).label("sort_name"),
    ).where(
        Invitation.school_id.in_(school_ids),
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        ~exists().where(User.email == Invitation.email),
        ~exists().where(
            newer.email == Invitation.email,
            newer.accepted_at.is_(None),
            newer.revoked_at.is_(None),
            newer.id > Invitation.id,
        ),
        _matches(wanted.words, Invitation.display_name, Invitation.email),
    )
    if wanted.status not in (None, StaffStatus.INVITED):
        stmt = stmt.where(false())
    if wanted.role:
        padded = literal(" ").concat(Invitation.roles).concat(" ")
        stmt = stmt.where(padded.contains(f" {wanted.role} ", autoescape=True))
    return stmt


def list_staff(
    session: Session,
    schools: Sequence[School],
    wanted: StaffFilter,
    *,
    now: datetime,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    cache: PageKeysCache | None = None,
) -> StaffPage:
    """One page of the people `wanted` picks, by name. A page past the end shows the last one."""
    found = _page_keys(session, schools, wanted, page, page_size, cache)
    user_ids = [key_id for kind, key_id in found.keys if kind == "user"]
    invitation_ids = [key_id for kind, key_id in found.keys if kind == "invitation"]
    # Plain rows, not ORM objects (a page of them cost more to build than to read); the lookups
    # run even when empty, so every page costs the same statements.
    found_users = session.execute(
        select(User.id, User.display_name, User.email, User.school_id,
               _user_status().label("status")).where(User.id.in_(user_ids))
    )  # fmt: skip
    users = {row.id: row for row in found_users}
    roles: dict[int, list[str]] = {}
    found_roles = session.execute(
        select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(user_ids))
    )
    for user_id, role in found_roles:
        roles.setdefault(user_id, []).append(role)
    found_invitations = session.execute(select(Invitation).where(Invitation.id.in_(invitation_ids)))
    invitations = {invitation.id: invitation for invitation in found_invitations.scalars()}
    rows = [
        _user_row(users[key_id], roles.get(key_id, []))
        if kind == "user"
        else _invitation_row(invitations[key_id], now)
        for kind, key_id in found.keys
        # A row deleted since the keys were read (a race with a colleague) is left out.
        if key_id in (users if kind == "user" else invitations)
    ]
    return StaffPage(found.total, found.page, page_size, rows)


def _page_keys(
    session: Session,
    schools: Sequence[School],
    wanted: StaffFilter,
    page: int,
    page_size: int,
    cache: PageKeysCache | None,
) -> PageKeys:
    """The count and the page's keys: from `cache` while none of `schools` changed (their rows
    were read in this request; `created_at` tells apart a school whose id was used before)."""
    versions = sorted((s.id, s.created_at.isoformat(), s.tally_generation) for s in schools)
    filters = [wanted.words, wanted.role, wanted.status]
    cache_key = sha256_json(["staff-list", versions, filters, page, page_size])
    cached = cache.get(cache_key) if cache is not None else None
    if cached is not None:
        return cached
    school_ids = [school.id for school in schools]
    both = union_all(_users(school_ids, wanted), _invitations(school_ids, wanted)).subquery()
    total = session.execute(select(func.count()).select_from(both)).scalar_one()
    page = Paging.of(total, page, page_size).page
    keys = session.execute(
        select(both.c.kind, both.c.id)
        .order_by(both.c.sort_name, both.c.kind.desc(), both.c.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    found = PageKeys(total, page, tuple((kind, key_id) for kind, key_id in keys))
    if cache is not None:
        cache.set(cache_key, found)
    return found


def _user_row(user: Row, roles: list[str]) -> StaffRow:
    return StaffRow("user", user.id, user.display_name, user.email, user.school_id,
                    tuple(sorted(roles)), StaffStatus(user.status))  # fmt: skip


def _invitation_row(invitation: Invitation, now: datetime) -> StaffRow:
    return StaffRow(
        "invitation",
        invitation.id,
        invitation.display_name,
        invitation.email,
        invitation.school_id,
        tuple(invitation.role_list),
        StaffStatus.INVITED,
        invitation.expires_at,
        expired=invitation.expires_at <= now,
    )
