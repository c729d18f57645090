"""Training-status counts for many schools at once (the trust view), counted in SQL, and a cache
of those counts. No Flask imports.

`count_statuses` classifies every (person, assigned module) with one statement of CTEs and
GROUP BY that works on SQLite and PostgreSQL, giving the same figures as the Python rules in
`compliance.py` (`compliance_state` over `compliance_items`; tests compare the two on varied
data): people are active staff plus pending invitations (newest per email, none for an email
that has an account), the assignments that apply are merged (earliest due date, shortest
refresher interval), and the latest certificate decides complete, expiring or expired.

The counts are cached per school and for the whole set (`TallyCache`: Redis when configured,
else in the process), keyed by the schools' `tally_generation` numbers, which every change that
can move a count bumps in the same transaction (tally_generations.py), so a cached entry is
never used after such a change and only the schools changed are counted again. Time alone also
moves statuses, so each entry records until when it holds: the next midnight (due dates) or the
next moment a certificate starts expiring or expires, whichever comes first.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.models import Invitation, School, User, UserRole
from app.models.base import UTCDateTime
from app.models.oversight import Exemption
from app.models.training import Assignment, Certificate
from app.models.users import Role
from app.services.oversight.compliance import Tally
from app.services.training.assignments import DUE_SOON, Compliance
from app.services.training.certificates import REFRESHER_WINDOW
from app.util.hashing import sha256_json
from app.util.lru import LruCache

RULES_VERSION = 1  # bump when the counting changes, so cached counts are not reused


# --- months in SQL -----------------------------------------------------------------------------


class add_months(FunctionElement):  # noqa: N801 (reads like the SQL function it stands for)
    """`app.util.dates.add_months` in SQL: same day N months later, clamped to the month's end."""

    type = UTCDateTime()
    inherit_cache = True
    name = "add_months"


@compiles(add_months)
def _add_months_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff'; its own '+N months' rolls
    # 31 January over into March, so build the date and keep the time-of-day text as it is.
    moment, months = (compiler.process(arg, **kw) for arg in element.clauses)
    start = f"date({moment}, 'start of month', '+' || ({months}) || ' months')"
    last_day = f"CAST(strftime('%d', {start}, '+1 month', '-1 day') AS INTEGER)"
    day = f"CAST(strftime('%d', {moment}) AS INTEGER)"
    return (
        f"(date({start}, '+' || (min({day}, {last_day}) - 1) || ' days') || substr({moment}, 11))"
    )


@compiles(add_months, "postgresql")
def _add_months_postgresql(element, compiler, **kw) -> str:
    # Month arithmetic on a timestamptz follows the session's time zone; do it in UTC, as Python
    # does. PostgreSQL clamps 31 January + 1 month to the end of February, as add_months does.
    moment, months = (compiler.process(arg, **kw) for arg in element.clauses)
    return (
        f"((({moment}) AT TIME ZONE 'UTC' + make_interval(months => {months})) AT TIME ZONE 'UTC')"
    )


# --- counting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustTallies:
    """Counts for a set of schools, as they stood at `computed_at` and hold until `valid_until`."""

    staff: dict[int, int]  # school id -> people counted (staff and pending invitations)
    by_school: dict[int, Tally]
    by_module: dict[str, Tally]
    total: Tally
    computed_at: datetime
    valid_until: datetime

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[int, str, str, int]],
        staff: dict[int, int],
        computed_at: datetime,
        valid_until: datetime,
    ) -> TrustTallies:
        """From (school id, module id, status, count) rows."""
        by_school: dict[int, Tally] = defaultdict(Tally)
        by_module: dict[str, Tally] = defaultdict(Tally)
        total = Tally()
        for school_id, module_id, status, count in rows:
            for tally in (by_school[school_id], by_module[module_id], total):
                tally.counts[Compliance(status)] += count
        return cls(staff, dict(by_school), dict(by_module), total, computed_at, valid_until)

    def holds_at(self, now: datetime) -> bool:
        return self.computed_at <= now < self.valid_until

    def to_json(self) -> str:
        return json.dumps(
            {
                "staff": list(self.staff.items()),
                "by_school": [(sid, dict(t.counts)) for sid, t in self.by_school.items()],
                "by_module": [(mid, dict(t.counts)) for mid, t in self.by_module.items()],
                "total": dict(self.total.counts),
                "computed_at": self.computed_at.isoformat(),
                "valid_until": self.valid_until.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> TrustTallies:
        data = json.loads(text)

        def tally(counts: dict) -> Tally:
            return Tally(Counter({Compliance(status): n for status, n in counts.items()}))

        return cls(
            staff={int(school): count for school, count in data["staff"]},
            by_school={int(sid): tally(counts) for sid, counts in data["by_school"]},
            by_module={mid: tally(counts) for mid, counts in data["by_module"]},
            total=tally(data["total"]),
            computed_at=datetime.fromisoformat(data["computed_at"]),
            valid_until=datetime.fromisoformat(data["valid_until"]),
        )


def _people(school_ids: Sequence[int], context: Sequence[int]):
    """Two CTEs: active staff of `school_ids`, and their pending invitations that count (as
    load_people over all of `context`: newest per email, none for an email with an account)."""
    staff = (
        select(User.id.label("user_id"), User.school_id)
        .where(User.school_id.in_(school_ids), User.active.is_(True))
        .cte("staff")
    )
    staff_emails = select(User.email).where(User.school_id.in_(context), User.active.is_(True))
    newest_first = (Invitation.created_at.desc(), Invitation.id.desc())
    ranked = (
        select(
            Invitation.id.label("invitation_id"),
            Invitation.school_id,
            Invitation.roles,
            func.row_number()
            .over(partition_by=Invitation.email, order_by=newest_first)
            .label("rank"),
        )
        .where(
            Invitation.school_id.in_(context),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.email.not_in(staff_emails),
        )
        .cte("ranked_invitations")
    )
    invited = (
        select(ranked).where(ranked.c.rank == 1, ranked.c.school_id.in_(school_ids)).cte("invited")
    )
    return staff, invited


def _invitation_has_role(roles_column):
    """The assignment's role is among the invitation's space-separated roles (known roles only;
    their underscores are escaped, as LIKE would read them as wildcards)."""
    padded = literal(" ") + roles_column + literal(" ")
    return or_(
        *(
            and_(Assignment.role == role.value, padded.like(f"% {_like(role.value)} %", "\\"))
            for role in Role
        )
    )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _rules(school_ids: Sequence[int], module_ids: Sequence[str], context: Sequence[int]):
    """(school, user or none, module, earliest due date, shortest refresher) per person."""
    staff, invited = _people(school_ids, context)
    merged = (
        func.min(Assignment.due_date).label("due_date"),
        func.min(Assignment.refresher_months).label("months"),
    )
    # Two plain joins rather than an EXISTS per pair: assignments to everyone (or one person),
    # and assignments to a role through the person's role rows.
    applies_to_person = or_(Assignment.user_id.is_(None), Assignment.user_id == staff.c.user_id)
    to_everyone = (
        select(
            staff.c.school_id,
            staff.c.user_id,
            Assignment.module_id,
            Assignment.due_date,
            Assignment.refresher_months,
        )  # fmt: skip
        .select_from(staff)
        .join(Assignment, Assignment.school_id == staff.c.school_id)
        .where(Assignment.module_id.in_(module_ids), Assignment.role.is_(None), applies_to_person)
    )
    to_role = (
        select(
            staff.c.school_id,
            staff.c.user_id,
            Assignment.module_id,
            Assignment.due_date,
            Assignment.refresher_months,
        )  # fmt: skip
        .select_from(staff)
        .join(UserRole, UserRole.user_id == staff.c.user_id)
        .join(
            Assignment,
            and_(Assignment.school_id == staff.c.school_id, Assignment.role == UserRole.role),
        )
        .where(Assignment.module_id.in_(module_ids), applies_to_person)
    )
    matching = union_all(to_everyone, to_role).subquery("matching")
    for_staff = select(
        matching.c.school_id,
        matching.c.user_id,
        matching.c.module_id,
        func.min(matching.c.due_date).label("due_date"),
        func.min(matching.c.refresher_months).label("months"),
    ).group_by(matching.c.school_id, matching.c.user_id, matching.c.module_id)
    for_invited = (
        select(
            invited.c.school_id,
            cast(null(), Integer).label("user_id"),
            Assignment.module_id,
            *merged,
        )
        .select_from(invited)
        .join(Assignment, Assignment.school_id == invited.c.school_id)
        .where(
            Assignment.module_id.in_(module_ids),
            Assignment.user_id.is_(None),  # named assignments need an account
            or_(Assignment.role.is_(None), _invitation_has_role(invited.c.roles)),
        )
        .group_by(invited.c.school_id, invited.c.invitation_id, Assignment.module_id)
    )
    return union_all(for_staff, for_invited).cte("rules"), staff, invited


def _statuses(
    school_ids: Sequence[int], module_ids: Sequence[str], now: datetime, context: Sequence[int]
):
    rules, staff, invited = _rules(school_ids, module_ids, context)
    latest = (
        select(
            Certificate.user_id,
            Certificate.module_id,
            func.max(Certificate.issued_at).label("issued_at"),
            func.max(Certificate.expires_at).label("expires_at"),
        )
        .where(
            Certificate.school_id.in_(context),
            Certificate.user_id.in_(select(staff.c.user_id)),  # only the schools counted
        )
        .group_by(Certificate.user_id, Certificate.module_id)
        .cte("latest")
    )
    shortened = add_months(latest.c.issued_at, rules.c.months)
    refresh_at = case(
        (rules.c.months.is_(None), latest.c.expires_at),
        (shortened < latest.c.expires_at, shortened),
        else_=latest.c.expires_at,
    )
    at = literal(now, UTCDateTime())
    window_end = literal(now + REFRESHER_WINDOW, UTCDateTime())
    today = now.date()
    status = case(
        (Exemption.id.is_not(None), Compliance.EXEMPT.value),
        (
            and_(latest.c.issued_at.is_not(None), latest.c.expires_at.is_not(None)),
            case(
                (refresh_at <= at, Compliance.EXPIRED.value),
                (refresh_at <= window_end, Compliance.EXPIRING.value),
                else_=Compliance.COMPLETE.value,
            ),
        ),
        (rules.c.due_date.is_(None), Compliance.DUE.value),
        (rules.c.due_date < literal(today), Compliance.OVERDUE.value),
        (rules.c.due_date <= literal(today + DUE_SOON), Compliance.DUE_SOON.value),
        else_=Compliance.DUE.value,
    )
    items = (
        select(
            rules.c.school_id,
            rules.c.module_id,
            status.label("status"),
            refresh_at.label("refresh_at"),
        )
        .select_from(rules)
        .outerjoin(
            latest,
            and_(latest.c.user_id == rules.c.user_id, latest.c.module_id == rules.c.module_id),
        )
        .outerjoin(
            Exemption,
            and_(
                Exemption.user_id == rules.c.user_id,
                Exemption.module_id == rules.c.module_id,
                Exemption.school_id.in_(context),
            ),
        )
        .subquery("items")
    )
    counts = select(
        items.c.school_id,
        items.c.module_id,
        items.c.status,
        func.count().label("count"),
        func.min(items.c.refresh_at).label("soonest"),
    ).group_by(items.c.school_id, items.c.module_id, items.c.status)
    people = union_all(select(staff.c.school_id), select(invited.c.school_id)).subquery("people")
    staff_counts = select(people.c.school_id, func.count()).group_by(people.c.school_id)
    return counts, staff_counts


def count_by_school(
    session: Session,
    school_ids: Sequence[int],
    module_ids: Iterable[str],
    now: datetime,
    context: Sequence[int] | None = None,
) -> dict[int, TrustTallies]:
    """Each school's counts, in two statements however many schools and staff. `context` is
    the whole set being looked at (default: `school_ids`): certificates, exemptions and the
    choice of invitation per email come from all of it, as in `compliance_items` over it."""
    school_ids, module_ids = sorted(school_ids), sorted(module_ids)
    context = sorted(context) if context is not None else school_ids
    counts, staff_counts = _statuses(school_ids, module_ids, now, context)
    rows: dict[int, list] = {school_id: [] for school_id in school_ids}
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)
    until = dict.fromkeys(school_ids, midnight)  # due dates move at midnight
    for school_id, module_id, status, count, first_refresh in session.execute(counts):
        rows[school_id].append((school_id, module_id, status, count))
        if first_refresh is None or status not in (Compliance.COMPLETE, Compliance.EXPIRING):
            continue
        moment = _aware(first_refresh)  # when the soonest of these expires...
        if status == Compliance.COMPLETE:
            moment -= REFRESHER_WINDOW  # ...or starts expiring
        until[school_id] = min(until[school_id], moment)
    staff = dict.fromkeys(school_ids, 0)
    staff.update({school_id: count for school_id, count in session.execute(staff_counts)})
    return {
        sid: TrustTallies.from_rows(rows[sid], {sid: staff[sid]}, now, until[sid])
        for sid in school_ids
    }


def count_statuses(
    session: Session, school_ids: Sequence[int], module_ids: Iterable[str], now: datetime
) -> TrustTallies:
    """Counts of every status for these schools together, per school and module."""
    return combine(count_by_school(session, school_ids, module_ids, now).values(), now)


def combine(parts: Iterable[TrustTallies], now: datetime) -> TrustTallies:
    """One set of counts from several (each school's), holding while all of them hold."""
    staff: dict[int, int] = {}
    by_school: dict[int, Tally] = {}
    by_module: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    valid_until = datetime.max.replace(tzinfo=UTC)
    for part in parts:
        staff.update(part.staff)
        by_school.update(part.by_school)
        for module_id, tally in part.by_module.items():
            by_module[module_id].counts.update(tally.counts)
        total.counts.update(part.total.counts)
        valid_until = min(valid_until, part.valid_until)
    return TrustTallies(staff, by_school, dict(by_module), total, now, valid_until)


def _aware(moment: datetime | str) -> datetime:
    # A computed column comes back from SQLite as text, from PostgreSQL as a datetime.
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- the cache ---------------------------------------------------------------------------------


class TallyCache:
    """Counts kept in this process (a small LRU); each web worker has its own."""

    def __init__(self, size: int = 4096) -> None:  # an entry per school: a few KB each
        self._entries: LruCache[TrustTallies] = LruCache(size)

    def get(self, key: str) -> TrustTallies | None:
        return self._entries.get(key)

    def set(self, key: str, value: TrustTallies, seconds: int) -> None:  # noqa: ARG002
        self._entries.set(key, value)  # entries leave by age of use; `holds_at` checks the time

    def get_many(self, keys: list[str]) -> dict[str, TrustTallies]:
        found = {key: self.get(key) for key in keys}
        return {key: value for key, value in found.items() if value is not None}

    def set_many(self, entries: dict[str, TrustTallies], seconds: int) -> None:
        for key, value in entries.items():
            self.set(key, value, seconds)

    def clear(self) -> None:
        self._entries.clear()


class RedisTallyCache(TallyCache):
    """Counts kept in Redis (as JSON), shared by every worker and host, each with an expiry."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def get(self, key: str) -> TrustTallies | None:
        value = self._redis.get(f"tallies:{key}")
        return TrustTallies.from_json(value) if value is not None else None

    def set(self, key: str, value: TrustTallies, seconds: int) -> None:
        self._redis.set(f"tallies:{key}", value.to_json(), ex=max(1, seconds))

    def get_many(self, keys: list[str]) -> dict[str, TrustTallies]:
        values = self._redis.mget([f"tallies:{key}" for key in keys]) if keys else []
        pairs = zip(keys, values, strict=True)
        return {k: TrustTallies.from_json(v) for k, v in pairs if v is not None}

    def set_many(self, entries: dict[str, TrustTallies], seconds: int) -> None:
        pipeline = self._redis.pipeline()
        for key, value in entries.items():
            pipeline.set(f"tallies:{key}", value.to_json(), ex=max(1, seconds))
        pipeline.execute()

    def clear(self) -> None:
        for key in self._redis.scan_iter("tallies:*"):
            self._redis.delete(key)


def cache_for(redis_url: str | None) -> TallyCache:
    return RedisTallyCache(redis_url) if redis_url else TallyCache()


MAX_CACHE_SECONDS = 3600


def cached_statuses(
    session: Session,
    cache: TallyCache,
    school_ids: Sequence[int],
    module_ids: Iterable[str],
    now: datetime,
) -> TrustTallies:
    """`count_statuses` from the cache: the whole set's counts while nothing in it changed;
    otherwise school by school, counting again only the schools where something of their own
    changed (their generation moved) or the clock passed one of their status changes. One
    small query reads the generations; one statement counts the schools missing."""
    school_ids, module_ids = sorted(school_ids), sorted(module_ids)
    rows = session.execute(
        select(School.id, School.tally_generation).where(School.id.in_(school_ids))
    )
    generations: dict[int, int] = {school_id: generation for school_id, generation in rows}
    whole_key = sha256_json([RULES_VERSION, "set", sorted(generations.items()), module_ids])
    whole = cache.get(whole_key)
    if whole is not None and whole.holds_at(now):
        return whole
    context = sha256_json(school_ids)  # counts depend on the set (invitations, certificates)
    keys = {
        sid: sha256_json([RULES_VERSION, context, sid, generations.get(sid), module_ids])
        for sid in school_ids
    }
    found = cache.get_many(list(keys.values()))
    parts = {sid: found.get(key) for sid, key in keys.items()}
    missing = [sid for sid, part in parts.items() if part is None or not part.holds_at(now)]
    if missing:
        fresh = count_by_school(session, missing, module_ids, now, context=school_ids)
        parts.update(fresh)
        cache.set_many(
            {keys[sid]: part for sid, part in fresh.items()}, _seconds(fresh.values(), now)
        )
    tallies = combine((part for part in parts.values() if part is not None), now)
    cache.set(whole_key, tallies, _seconds([tallies], now))
    return tallies


def _seconds(parts: Iterable[TrustTallies], now: datetime) -> int:
    """How long to keep entries in Redis: until the first of them stops holding, an hour at most."""
    until = min(part.valid_until for part in parts)
    return max(1, min(MAX_CACHE_SECONDS, int((until - now).total_seconds())))
