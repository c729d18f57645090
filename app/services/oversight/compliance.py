"""Training compliance across one school or many: who has to do which module, and its status.

A fixed handful of queries loads staff, pending invitations, assignments, exemptions and the
latest certificate per person and module for every school asked about at once; the rules in
`app.services.training.assignments` then classify each (person, module) in Python. So the
number of SQL statements does not grow with the number of staff (tests/integration check it).

Invited people who have not joined yet count as staff: assignments to everyone or to their role
already apply to them (they show as "Invited" and get reminders), but named assignments and
exemptions need an account. Deactivated and erased accounts do not count.
No Flask imports: takes a SQLAlchemy session and `now`.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Invitation, School, User, UserRole
from app.models.oversight import Exemption
from app.models.training import Assignment, Certificate
from app.services.training.assignments import (
    COMPLETED,
    LATE,
    Compliance,
    assigned_modules,
    completion_rate,
    compliance_state,
)


@dataclass(frozen=True)
class Person:
    key: str  # "user:<id>" or "invitation:<id>"
    school_id: int
    name: str
    email: str
    roles: tuple[str, ...]
    user_id: int | None = None
    invitation_id: int | None = None
    locale: str | None = None  # the interface language they chose, for their emails

    @property
    def joined(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True)
class Item:
    """One assigned module for one person."""

    person: Person
    module_id: str
    status: Compliance
    due_date: date | None
    completed_at: datetime | None  # exact only with detail=True (counting may skip it)
    refresh_at: datetime | None
    score: int | None = None
    certificate_code: str | None = None


@dataclass
class Tally:
    """Counts of statuses for a module, a school or everything."""

    counts: Counter = field(default_factory=Counter)

    def add(self, status: Compliance) -> None:
        self.counts[status] += 1

    @property
    def assigned(self) -> int:
        return sum(self.counts.values())

    @property
    def counted(self) -> int:  # exempt people are left out of the rate
        return self.assigned - self.counts[Compliance.EXEMPT]

    @property
    def completed(self) -> int:
        return sum(self.counts[s] for s in COMPLETED)

    @property
    def late(self) -> int:
        return sum(self.counts[s] for s in LATE)

    @property
    def rate(self) -> int | None:
        return completion_rate(self.completed, self.counted)

    def __getitem__(self, status: str) -> int:
        return self.counts[Compliance(status)]


# --- loading ---------------------------------------------------------------------------------


def load_people(session: Session, school_ids: Sequence[int]) -> list[Person]:
    """Active staff and not-yet-accepted invitations (newest per email), by name."""
    rows = session.execute(
        select(User.id, User.school_id, User.display_name, User.email, User.locale, UserRole.role)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(User.school_id.in_(school_ids), User.active.is_(True))
    )
    users: dict[int, dict] = {}
    for user_id, school_id, name, email, locale, role in rows:
        entry = users.setdefault(
            user_id,
            {"school_id": school_id, "name": name, "email": email, "locale": locale, "roles": []},
        )
        if role:
            entry["roles"].append(role)
    people = [
        Person(
            f"user:{uid}",
            e["school_id"],
            e["name"],
            e["email"],
            tuple(sorted(e["roles"])),
            uid,
            locale=e["locale"],
        )
        for uid, e in users.items()
    ]
    emails = {person.email for person in people}
    invitations = session.execute(
        select(Invitation)
        .where(
            Invitation.school_id.in_(school_ids),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).scalars()
    for invitation in invitations:
        if invitation.email in emails:
            continue
        emails.add(invitation.email)
        people.append(
            Person(
                f"invitation:{invitation.id}",
                invitation.school_id,
                invitation.display_name,
                invitation.email,
                tuple(invitation.role_list),
                invitation_id=invitation.id,
            )
        )
    people.sort(key=lambda p: (p.name.lower(), p.key))
    return people


def _assignments(session: Session, school_ids: Sequence[int]) -> dict[int, list[Assignment]]:
    by_school: dict[int, list[Assignment]] = defaultdict(list)
    stmt = select(Assignment).where(Assignment.school_id.in_(school_ids))
    for assignment in session.execute(stmt).scalars():
        by_school[assignment.school_id].append(assignment)
    return by_school


def _exemptions(session: Session, school_ids: Sequence[int]) -> set[tuple[int, str]]:
    stmt = select(Exemption.user_id, Exemption.module_id).where(Exemption.school_id.in_(school_ids))
    return {tuple(row) for row in session.execute(stmt)}


def _latest_completions(
    session: Session, school_ids: Sequence[int], detail: bool, issued: bool = True
) -> dict:
    """(user id, module id) -> (issued_at, expires_at, score, code) of the latest certificate.

    Without `detail` one grouped query returns only the dates (enough for counting); without
    `issued` (no assignment has an N-month refresher rule, so only the expiry matters) it skips
    the issue date too, halving the dates to convert on a big trust."""
    if not detail:
        expires = func.max(Certificate.expires_at)
        stmt = (
            select(
                Certificate.user_id,
                Certificate.module_id,
                func.max(Certificate.issued_at) if issued else expires,
                expires,
            )
            .where(Certificate.school_id.in_(school_ids))
            .group_by(Certificate.user_id, Certificate.module_id)
        )
        return {(u, m): (i, e, None, None) for u, m, i, e in session.execute(stmt)}
    every = (
        select(
            Certificate.user_id,
            Certificate.module_id,
            Certificate.issued_at,
            Certificate.expires_at,
            Certificate.score,
            Certificate.code,
        )
        .where(Certificate.school_id.in_(school_ids))
        .order_by(Certificate.issued_at, Certificate.id)
    )
    return {(u, m): (i, e, s, c) for u, m, i, e, s, c in session.execute(every)}


def evaluate(
    people: Iterable[Person],
    assignments_by_school: dict[int, list],
    exemptions: set[tuple[int, str]],
    completions: dict,
    module_ids: Iterable[str],
    now: datetime,
) -> list[Item]:
    """Every (person, assigned module) with its status. Modules no longer in the catalogue
    are skipped (nobody can take them)."""
    known = set(module_ids)
    named = {
        (a.school_id, a.user_id)
        for school in assignments_by_school.values()
        for a in school
        if a.user_id is not None
    }
    # Without a named assignment, what applies depends only on school and roles: merge once.
    merged: dict[tuple, dict] = {}
    items = []
    for person in people:
        key: tuple = (person.school_id, person.roles)
        if (person.school_id, person.user_id) in named:
            key = (person.school_id, person.roles, person.user_id)
        assigned = merged.get(key)
        if assigned is None:
            assigned = merged[key] = assigned_modules(
                assignments_by_school.get(person.school_id, []),
                person.user_id if person.user_id is not None else -1,
                person.roles,
            )
        for module_id, rule in sorted(assigned.items()):
            if module_id not in known:
                continue
            issued, expires, score, code = completions.get(
                (person.user_id, module_id), (None, None, None, None)
            )
            state = compliance_state(
                rule, issued, expires, now, exempt=(person.user_id, module_id) in exemptions
            )
            items.append(
                Item(
                    person,
                    module_id,
                    state.status,
                    state.due_date,
                    issued,
                    state.refresh_at,
                    score,
                    code,
                )  # fmt: skip
            )
    return items


def compliance_items(
    session: Session,
    school_ids: Sequence[int],
    module_ids: Iterable[str],
    now: datetime,
    *,
    detail: bool = False,
) -> tuple[list[Person], list[Item]]:
    """People and their items for the given schools, in five queries whatever their number."""
    school_ids = list(school_ids)
    people = load_people(session, school_ids)
    assignments = _assignments(session, school_ids)
    # Issue dates matter for N-month refresher rules and for reassignments after a major change.
    refreshers = any(
        a.refresher_months or a.requires_completion_after
        for rows in assignments.values()
        for a in rows
    )
    items = evaluate(
        people,
        assignments,
        _exemptions(session, school_ids),
        _latest_completions(session, school_ids, detail, issued=refreshers),
        module_ids,
        now,
    )
    return people, items


# --- summarising -----------------------------------------------------------------------------


def filter_items(
    items: Iterable[Item], role: str | None = None, module_id: str | None = None
) -> list[Item]:
    return [
        item
        for item in items
        if (not role or role in item.person.roles)
        and (not module_id or item.module_id == module_id)
    ]


def by_module(items: Iterable[Item]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in items:
        tallies[item.module_id].add(item.status)
    return dict(tallies)


def overall(items: Iterable[Item]) -> Tally:
    tally = Tally()
    for item in items:
        tally.add(item.status)
    return tally


def by_school(items: Iterable[Item]) -> dict[int, Tally]:
    tallies: dict[int, Tally] = defaultdict(Tally)
    for item in items:
        tallies[item.person.school_id].add(item.status)
    return dict(tallies)


def with_status(items: Iterable[Item], statuses: Iterable[str]) -> list[Item]:
    """Items in any of `statuses`, most urgent (earliest date) first."""
    wanted = {Compliance(s) for s in statuses}
    chosen = [item for item in items if item.status in wanted]
    return sorted(chosen, key=lambda i: (i.due_date or date.max, i.person.name.lower()))


def school_names(session: Session, school_ids: Sequence[int]) -> dict[int, str]:
    stmt = select(School.id, School.name).where(School.id.in_(school_ids)).order_by(School.name)
    return {school_id: name for school_id, name in session.execute(stmt)}
